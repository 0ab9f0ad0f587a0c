/**
 * The report-form models on the forms fixture (test/fixtures/forms-fixture.ts), against cells
 * worked out by hand from its rows: every non-zero cell of Lai Châu's two workbooks for 2025-DN,
 * the two communes, a school's own cells, the nation, and the rows the warehouse cannot supply.
 * Columns are the form's own numbers: col_no n is Excel column E + n - 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransformSummary } from '../../pipelines/transform/run-transform.ts';
import type { FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { scoredFormsFixture } from '../support/reports-fixture.ts';
import { flatten, MN, PROVINCE, TH } from '../fixtures/forms-expected.ts';

let fx: FixtureWarehouse;
let summary: TransformSummary;

beforeAll(async () => {
  // the fixture as sign-off uses it: transformed, then scored (scoring writes no form cell)
  ({ fx, value: summary } = await scoredFormsFixture());
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
