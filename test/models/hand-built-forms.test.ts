/**
 * The report-form models on the forms fixture (test/fixtures/forms-fixture.ts), against cells
 * worked out by hand from its rows: every non-zero cell of Lai Châu's two workbooks for 2025-DN,
 * the two communes, a school's own cells, the nation, and the rows the warehouse cannot supply.
 * Columns are the form's own numbers: col_no n is Excel column E + n - 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTransform, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildFormsFixture } from '../fixtures/forms-fixture.ts';

/** Cells of one unit: `form/sheet` -> Mã số -> values by col_no (index 0 is col_no 1; zeros written out or left off at the end). */
type Cells = Record<string, Record<number, number[]>>;

const MN = 'bieu-01-mn-dn';
const TH = 'bieu-02-th-dn';

/**
 * Lai Châu (P:12@2025), 2025-DN. Trường-Lớp: [Tổng, Công lập, Tư thục, Dân lập]. Học sinh and
 * Phòng học: four blocks (Tổng, CL, TT, DL) of [tổng, nữ, DTTS, DTTS nữ] / [tổng, kiên cố, bán kiên
 * cố, tạm]. Cán bộ: Tổng [tổng, nữ, DTTS, DTTS nữ], CL [tổng, HĐLV không xác định, xác định, HĐLĐ,
 * nữ, DTTS, DTTS nữ], TT [4], DL [4]. Biểu 02 the same without Dân lập.
 */
const PROVINCE: Cells = {
  [`${MN}/Trường-Lớp`]: {
    1: [4, 1, 2, 1], // NT1 (CL), MG1 + TS1 (TT), MN1 (DL); DL1 is a cơ sở, not a trường
    2: [1, 1], // NT1
    3: [1, 1], // NT1 đô thị
    4: [1, 1], // 2 nhóm < 9
    9: [1, 1], // 5 live sites (the 6th is deleted)
    10: [1, 1], // computers
    12: [1, 1], // electricity
    13: [1, 1], // water; no toilets (14), no internet (11)
    15: [1, 0, 1], // MG1
    19: [1, 0, 1], // miền núi
    21: [1, 0, 1], // 6 lớp >= 6
    23: [1, 0, 1], // chuẩn mức 2
    26: [1, 0, 1],
    27: [1, 0, 1],
    28: [1, 0, 1],
    29: [1, 0, 1],
    30: [1, 0, 1], // internet, electricity, water, toilets, hand-washing; no computers (25)
    33: [2, 0, 1, 1], // MN1 (DL) and TS1 (MN - TH, TT)
    34: [2, 0, 1, 1], // both TD (03, 02)
    35: [2, 0, 1, 1], // 2 and 1 preschool classes < 9
    40: [1, 0, 0, 1], // MN1 chuẩn mức 1
    45: [2, 0, 1, 1], // electricity
    51: [1, 0, 1], // DL1 nhóm trẻ độc lập, 02 ngoài công lập -> Tư thục
    54: [5, 5], // sites of preschool institutions: NT1's five
    55: [12, 2, 8, 2], // N1 N2 | G1-G6 D1 S1 | M1 M2
    56: [4, 2, 1, 1], // nhóm: N1 N2 | D1 | M1
    57: [1, 1], // N1 2 buổi
    58: [1, 1], // N1 bán trú
    59: [1, 1], // N1 has one disabled child (a2)
    61: [1, 1], // N1 3-12 months, 2 children
    63: [2, 0, 1, 1], // 13-24 months: D1, M1 (one child each)
    65: [1, 1], // N2 25-36 months, 2 children (a5 deleted)
    67: [1, 1], // N2 ghép 2 độ tuổi
    69: [8, 0, 7, 1], // lớp mẫu giáo: G1-G6 S1 | M2
    70: [3, 0, 2, 1], // 5 tuổi: G3 G4 | M2
    71: [3, 0, 2, 1], // 2 buổi: G1 G2 | M2
    72: [1, 0, 1], // G3 bán trú
    73: [1, 0, 1], // G4 one disabled child (b4)
    75: [2, 0, 2], // 3-4 tuổi < 25: G1 G5
    77: [3, 0, 3], // 4-5 tuổi < 30: G2 G6 S1
    79: [3, 0, 2, 1], // 5-6 tuổi < 35: G3 G4 | M2
    82: [1, 0, 1], // G5 ghép 3 độ tuổi
  },
  [`${MN}/Học sinh`]: {
    83: [14, 8, 5, 3, 4, 3, 2, 1, 8, 4, 2, 1, 2, 1, 1, 1],
    84: [6, 4, 2, 1, 4, 3, 2, 1, 1, 1, 0, 0, 1],
    85: [5, 3, 2, 1, 4, 3, 2, 1, 0, 0, 0, 0, 1], // DL1's zone is unknown: d1 in neither 85 nor 86
    87: [2, 1, 1, 0, 2, 1, 1], // N1: a1 a2
    88: [1, 0, 1, 0, 1, 0, 1], // a2
    89: [1, 0, 1, 0, 1, 0, 1], // a2
    90: [8, 4, 3, 2, 0, 0, 0, 0, 7, 3, 2, 1, 1, 1, 1, 1],
    91: [2, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], // c2 (MN1), f1 (TS1)
    92: [6, 3, 2, 1, 0, 0, 0, 0, 6, 3, 2, 1], // MG1
    93: [3, 2, 2, 1, 0, 0, 0, 0, 2, 1, 1, 0, 1, 1, 1, 1], // G1 G2 M2: b1 b2 c2
    94: [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], // b3
    95: [1, 1, 0, 0, 0, 0, 0, 0, 1, 1], // b4
    96: [6, 4, 2, 1, 4, 3, 2, 1, 1, 1, 0, 0, 1],
    97: [1, 1, 0, 0, 1, 1], // a1 8 months
    98: [3, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1], // a2 15, d1 19, c1 20
    99: [1, 1, 1, 1, 1, 1, 1, 1], // a3 36
    100: [1, 1, 0, 0, 1, 1], // a4 37
    101: [8, 4, 3, 2, 0, 0, 0, 0, 7, 3, 2, 1, 1, 1, 1, 1],
    102: [1, 0, 0, 0, 0, 0, 0, 0, 1], // b5, 2
    103: [1, 1, 0, 0, 0, 0, 0, 0, 1, 1], // b1
    104: [2, 0, 1, 0, 0, 0, 0, 0, 2, 0, 1], // b2 f1
    105: [2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], // b3 c2
    106: [1, 1, 0, 0, 0, 0, 0, 0, 1, 1], // b4 6; b6's birth date is malformed
  },
  [`${MN}/Cán bộ`]: {
    123: [3, 2, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1], // s1 | t1 | u1
    124: [1, 1, 0, 0, 1, 1, 0, 0, 1], // s1 (nhà trẻ)
    125: [1, 1, 0, 0, 1, 1, 0, 0, 1],
    127: [1, 1, 0, 0, 1, 1, 0, 0, 1], // cao đẳng sư phạm
    139: [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1], // t1 u1
    140: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // u1 hiệu trưởng
    143: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // 13 ĐH + NVSP -> đại học sư phạm
    147: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], // t1 phó hiệu trưởng
    149: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], // miền núi
    152: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], // đại học sư phạm
    156: [2, 2, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1], // s2 | t2
    157: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1],
    158: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1], // kế toán
    162: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
    165: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // nấu ăn
    167: [5, 4, 2, 2, 2, 1, 1, 0, 1, 0, 0, 2, 2, 1, 1, 1, 1, 1, 1], // s3 s4 | t3 t4 | u2; s5 retired
    168: [3, 2, 1, 1, 2, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // s3 (subject), s4 (homeroom of N2), u2
    169: [1, 1, 0, 0, 1, 0, 1, 0, 1], // s3 trung cấp sư phạm
    170: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // u2 14 CĐ + NVSP
    174: [1, 0, 0, 0, 1, 1], // s4 chưa qua đào tạo
    175: [1, 0, 0, 0, 1, 1], // s4 25
    176: [2, 2, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // s3 30, u2 35
    181: [2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1], // t3 t4
    184: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // t3 đại học sư phạm
    185: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // t4 thạc sĩ
    192: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // t4 55
    193: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // t3 61
  },
  [`${MN}/Phòng học`]: {
    194: [2, 1, 1, 0, 2, 1, 1], // NT1: kiên cố, bán kiên cố
    195: [1, 0, 0, 0, 1], // NT1 borrowed: Tổng số only
    196: [1, 1, 0, 0, 1, 1], // NT1 phòng chức năng
    203: [4, 2, 0, 2, 0, 0, 0, 0, 3, 1, 0, 2, 1, 1], // MG1 kc, tạm; TS1 tạm | MN1 kc
    205: [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1], // MG1 bộ môn bán kiên cố
  },
  [`${TH}/I`]: {
    1: [3, 2, 1], // TH1 KT1 | TS1
    2: [1, 0, 1],
    4: [1, 0, 1], // TS1: 1 class
    5: [2, 2],
    7: [2, 2],
    8: [1, 1],
    10: [1, 1],
    11: [1, 1],
    12: [1, 1],
    13: [1, 1], // TH1: one disabled learner; KT1 is chuyên biệt
    16: [1, 1],
    17: [1, 1],
    18: [2, 1, 1],
    19: [1, 1],
    20: [1, 1],
    23: [1, 1],
    26: [2, 2], // TH1's two sites
    27: [5, 4, 1],
    28: [2, 1, 1],
    29: [1, 1],
    30: [1, 1],
    32: [1, 1],
    33: [2, 2],
    34: [1, 1],
    35: [1, 1],
    36: [1, 1],
  },
  [`${TH}/III`]: {
    37: [8, 5, 3, 2, 7, 4, 3, 2, 1, 1],
    38: [1, 1, 0, 0, 0, 0, 0, 0, 1, 1],
    39: [7, 4, 3, 2, 7, 4, 3, 2],
    40: [3, 2, 1, 0, 2, 1, 1, 0, 1, 1],
    41: [1, 1, 1, 1, 1, 1, 1, 1],
    42: [2, 1, 1, 1, 2, 1, 1, 1],
    44: [2, 1, 0, 0, 2, 1],
    45: [1, 1, 0, 0, 0, 0, 0, 0, 1, 1], // f2, 5
    46: [1, 1, 0, 0, 1, 1],
    47: [2, 1, 2, 1, 2, 1, 2, 1],
    48: [1, 0, 0, 0, 1],
    49: [1, 1, 1, 1, 1, 1, 1, 1],
    50: [1, 1, 0, 0, 1, 1],
    51: [1, 0, 0, 0, 1],
    52: [1, 1, 0, 0, 1, 1],
    53: [1, 1, 1, 1, 1, 1, 1, 1],
    54: [1, 0, 0, 0, 1],
    56: [1, 1, 0, 0, 1, 1],
    57: [2, 2, 0, 0, 1, 1, 0, 0, 1, 1], // e1 f2
    58: [1, 0, 1, 0, 1, 0, 1],
    59: [3, 2, 2, 1, 3, 2, 2, 1],
    61: [1, 0, 1, 0, 1, 0, 1],
    62: [1, 0, 1, 0, 1, 0, 1],
    67: [2, 1, 1, 1, 2, 1, 1, 1],
    70: [1, 0, 0, 0, 1],
    71: [1, 1, 1, 1, 1, 1, 1, 1],
  },
  [`${TH}/IV`]: {
    78: [9, 5, 2, 1, 8, 4, 1, 2, 5, 2, 1, 1], // w1 (no level at a two-level school) is on no form
    79: [2, 1, 1, 1, 2, 1, 1, 0, 1, 1, 1],
    80: [1, 0, 0, 0, 1, 1],
    83: [1, 0, 0, 0, 1, 1],
    87: [1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1],
    89: [1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1],
    93: [1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1],
    96: [5, 3, 1, 0, 4, 3, 0, 1, 3, 1, 0, 1],
    97: [1, 0, 1, 0, 1, 0, 0, 1, 0, 1],
    98: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    99: [2, 2, 0, 0, 2, 2, 0, 0, 2],
    103: [2, 1, 1, 0, 2, 1, 0, 1, 1, 1],
    104: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    105: [1, 1, 0, 0, 1, 1, 0, 0, 1],
    106: [1, 1, 0, 0, 1, 1, 0, 0, 1],
    110: [2, 1, 0, 0, 2, 0, 0, 1, 1],
    111: [1, 1, 0, 0, 1, 0, 0, 1, 1],
    112: [1, 0, 0, 0, 1],
  },
  [`${TH}/V`]: {
    120: [5, 3, 1, 1, 4, 3, 1, 0, 1, 0, 0, 1],
    121: [1, 0, 0, 0, 1],
    122: [1, 1, 0, 0, 1, 1],
  },
};

/** The non-zero cells of `cells` as `form/sheet/ma_so/col_no` -> value. */
function flatten(cells: Cells): Map<string, number> {
  const out = new Map<string, number>();
  for (const [sheet, rows] of Object.entries(cells)) {
    for (const [ma, values] of Object.entries(rows)) values.forEach((v, i) => v !== 0 && out.set(`${sheet}/${ma}/${i + 1}`, v));
  }
  return out;
}

let fx: FixtureWarehouse;
let summary: TransformSummary;

beforeAll(async () => {
  fx = await openFixtureWarehouse(buildFormsFixture);
  summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
});
afterAll(() => fx?.close());

async function cellsOf(unitKey: string, geography = 'as_reported'): Promise<Map<string, number>> {
  const rows = await fx.rows<{ k: string; value: number }>(
    `select form || '/' || sheet || '/' || ma_so || '/' || col_no as k, value from forms.form_values
     where period = '2025-DN' and unit_key = ? and geography = ?`,
    [unitKey, geography],
  );
  return new Map(rows.map((r) => [r.k, Number(r.value)]));
}

function sorted(m: Map<string, number>): Array<[string, number]> {
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}

describe('report-form models on the hand-built forms fixture', () => {
  it('builds every forms model and passes their sidecar tests', () => {
    expect(summary.errors).toEqual([]);
    const forms = summary.models.filter((m) => m.model.startsWith('forms.'));
    expect(forms.map((m) => m.model).sort()).toEqual(
      [
        'f01_mn_can_bo',
        'f01_mn_hoc_sinh',
        'f01_mn_phong_hoc',
        'f01_mn_truong_lop',
        'f02_th_i',
        'f02_th_iii',
        'f02_th_iv',
        'f02_th_v',
        'form_columns',
        'form_layout',
        'form_values',
        'int_form_classes',
        'int_form_learners',
        'int_form_nation_cells',
        'int_form_schools',
        'int_form_staff',
        'int_form_unit_cells',
      ].map((n) => `forms.${n}`),
    );
  });

  it("fills Lai Châu's two workbooks with exactly the cells worked out by hand, and no other", async () => {
    expect(sorted(await cellsOf('P:12@2025'))).toEqual(sorted(flatten(PROVINCE)));
  });

  it('gives the nation the sum of its provinces, under both geographies', async () => {
    expect(sorted(await cellsOf('N:VN'))).toEqual(sorted(flatten(PROVINCE)));
    expect(sorted(await cellsOf('N:VN', 'current_34'))).toEqual(sorted(flatten(PROVINCE)));
    expect(sorted(await cellsOf('P:12@2025', 'current_34'))).toEqual(sorted(flatten(PROVINCE)));
  });

  it('splits the province between its communes, each school in its own', async () => {
    const a = await cellsOf('C:03394@2025'); // NT1 MG1 TH1
    const b = await cellsOf('C:03390@2025'); // MN1 DL1 TS1 KT1
    expect(a.get(`${MN}/Trường-Lớp/1/1`)).toBe(2);
    expect(b.get(`${MN}/Trường-Lớp/1/1`)).toBe(2);
    expect(a.get(`${TH}/I/1/1`)).toBe(1);
    expect(b.get(`${TH}/I/1/1`)).toBe(2);
    expect(a.get(`${TH}/III/37/1`)).toBe(5);
    expect(b.get(`${TH}/III/37/1`)).toBe(3);
    // every cell of the province is the sum of the two communes'
    const province = await cellsOf('P:12@2025');
    for (const [k, v] of province) expect((a.get(k) ?? 0) + (b.get(k) ?? 0), k).toBe(v);
    expect([...a.keys(), ...b.keys()].every((k) => province.has(k))).toBe(true);
  });

  it("gives a school its own cells in Tổng số and its ownership block (MN1, dân lập)", async () => {
    const mn1 = await cellsOf('S:MN1@2025');
    expect(mn1.get(`${MN}/Trường-Lớp/33/1`)).toBe(1);
    expect(mn1.get(`${MN}/Trường-Lớp/33/4`)).toBe(1);
    expect(mn1.get(`${MN}/Học sinh/105/13`)).toBe(1); // c2 in Dân lập / Tổng số
    expect(mn1.get(`${MN}/Học sinh/105/16`)).toBe(1); // Dân lập / DTTS nữ
    expect(mn1.has(`${TH}/I/1/1`)).toBe(false);
    expect(await cellsOf('S:OFF@2025')).toEqual(new Map());
  });

  it('stores no cell for a row the CSDL cannot supply, and marks the row with its reason', async () => {
    const blank = await fx.rows<{ form: string; sheet: string; ma_so: number; reason_vi: string }>(
      `select form, sheet, ma_so, reason_vi from forms.form_layout where supplied_splits = 'none' order by form, sheet, ma_so`,
    );
    expect(blank.length).toBe(79);
    expect(blank.every((r) => r.reason_vi.length > 10)).toBe(true);
    const [{ n }] = await fx.rows<{ n: number }>(
      `select count(*) as n from forms.form_values as v
       join forms.form_layout as l on l.form = v.form and l.sheet = v.sheet and l.ma_so = v.ma_so
       where l.supplied_splits = 'none'`,
    );
    expect(Number(n)).toBe(0);
  });
});
