/**
 * The indicators on the hand-built fixture, against values worked out by hand from its rows:
 * a school's own figures, roll-ups as reported and under today's 34 provinces, two-year flows,
 * enrolment ratios and the catalogue. The staging and core models are in hand-built-core.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkIndicators, transformedFixture, type Expected } from './hand-built-support.ts';

const h = transformedFixture();
const check = (rows: Expected[]) => checkIndicators(h.fx, rows);

describe('indicator values, school and units as reported', () => {
  it('computes a school’s indicators from its own records (TH01, 2024-2025)', async () => {
    await check([
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LRN', 'total', 8, null, 8],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LRN', 'grade=5', 3, null, 3], // L3 L4 L5
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LRN', 'sex=female', 4, null, 4], // L1 L3 L8 L10
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LRN', 'minority=yes', 3, null, 3], // L3 02, L5 03, L10 02
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'LRN', 'total', 6, null, 6],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'CLS', 'total', 4, null, 4], // the 5th class is deleted
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'CLS-GHEP', 'total', 1, null, 1],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'CLS-2BUOI', 'total', 3, null, 3],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LPC', 'total', 8, 4, 2], // 8 / 4
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'LPC', 'grade=5', 3, 1, 3],
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'LPC', 'total', 6, 4, 1.5],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'PTR', 'total', 8, 3, 8 / 3],
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'PTR', 'total', 6, 4, 1.5],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'TCR', 'total', 3, 4, 0.75],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'QT', 'total', 2, 3, 200 / 3], // T1 16, T3 13 of T1 T2 T3
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'QT', 'total', 3, 4, 75],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'GPI', 'total', 4, 4, 1],
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'GPI', 'total', 4, 2, 2], // L1 L3 L6 L10 / L2 L4
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'GPIA', 'total', 4, 2, 1.5], // 2 - 2/4
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'REP-NAT', 'total', 1, 8, 12.5], // L2
      ['2024-CN', 'as_reported', 'S:TH01@2024', 'DROP-NAT', 'total', 2, 8, 25], // L5 (05), L8 (09); L10 came back
      // on age = nam_hoc - birth year = grade + 5: L1 6/g1, L3 10/g5, L5 10/g5, L8 7/g2, L9 7/g2, L10 9/g4;
      // not L2 (7 in g1); L4's birth date is malformed, so it is left out of both counts
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'ONAGE', 'total', 6, 7, 600 / 7],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'SCH', 'total', 1, null, 1],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'FAC-HANDWASH', 'total', 0, 1, 0],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'NATSTD', 'total', 1, 1, 100],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'SOLID', 'total', 2, 3, 200 / 3], // rooms 01 01 02; the 4th is not a classroom
    ]);
  });

  it('rolls 2024 figures up through the old district and province', async () => {
    await check([
      ['2024-DN', 'as_reported', 'D:132@2000', 'LRN', 'total', 8, null, 8], // TH01 only
      ['2024-DN', 'as_reported', 'P:15@2000', 'LRN', 'total', 8, null, 8], // Yên Bái: TH01
      ['2024-DN', 'as_reported', 'P:10@2000', 'LRN', 'total', 5, null, 5], // Lào Cai (old): CS01
      ['2024-DN', 'as_reported', 'P:12@2000', 'LRN', 'total', 3, null, 3], // MN01; XX01 is dissolved
      ['2024-DN', 'as_reported', 'P:12@2000', 'LRN', 'grade=mau_giao', 2, null, 2],
      ['2024-DN', 'as_reported', 'P:12@2000', 'LRN', 'grade=nha_tre', 1, null, 1],
      ['2024-DN', 'as_reported', 'P:12@2000', 'QT', 'level=preschool', 1, 2, 50],
      ['2024-DN', 'as_reported', 'P:12@2000', 'SOLID', 'total', 1, 2, 50], // K1 nhờ/mượn, K2 kiên cố
      ['2024-DN', 'as_reported', 'P:10@2000', 'LRN', 'ownership=non_public', 5, null, 5],
    ]);
  });

  it('rolls 2025 figures up through the new communes and provinces', async () => {
    await check([
      ['2025-DN', 'as_reported', 'C:02680@2025', 'LRN', 'total', 7, null, 7], // TH01
      ['2025-DN', 'as_reported', 'C:02647@2025', 'LRN', 'total', 5, null, 5], // CS01
      ['2025-DN', 'as_reported', 'P:15@2025', 'LRN', 'total', 12, null, 12], // 7 + 5
      ['2025-DN', 'as_reported', 'P:15@2025', 'LPC', 'total', 12, 6, 2], // classes 4 + 2
      ['2025-DN', 'as_reported', 'P:15@2025', 'PTR', 'total', 12, 6, 2], // teachers 4 + 2
      ['2025-DN', 'as_reported', 'P:15@2025', 'TCR', 'total', 6, 6, 1],
      ['2025-DN', 'as_reported', 'P:15@2025', 'QT', 'total', 5, 6, 250 / 3], // 4 (TH01) + 1 (U1)
      ['2025-DN', 'as_reported', 'P:15@2025', 'GPI', 'total', 7, 5, 1.4], // F: L1 L6 L10 L11 L3 M1 M7
      ['2025-DN', 'as_reported', 'P:15@2025', 'GPIA', 'total', 7, 5, 2 - 5 / 7],
      ['2025-DN', 'as_reported', 'P:15@2025', 'LRN', 'minority=yes', 3, null, 3], // L10 L12 L3
      ['2025-DN', 'as_reported', 'P:15@2025', 'REP-NAT', 'total', 2, 12, 100 / 6], // L4, M7
      ['2025-CN', 'as_reported', 'P:15@2025', 'DROP-NAT', 'total', 1, 12, 100 / 12], // L12
      ['2025-DN', 'as_reported', 'P:12@2025', 'LRN', 'total', 6, null, 6], // MN01 3 + PT01 3
      ['2025-DN', 'as_reported', 'P:12@2025', 'LRN', 'level=lower_secondary', 2, null, 2], // Q2 g6, Q3 g9
      ['2025-DN', 'as_reported', 'P:12@2025', 'SCH', 'total', 2, null, 2],
      ['2025-DN', 'as_reported', 'P:12@2025', 'SCH', 'level=primary', 1, null, 1], // PT01 serves primary
      ['2025-DN', 'as_reported', 'P:12@2025', 'SCH', 'level=lower_secondary', 1, null, 1], // ... and THCS
      ['2025-DN', 'as_reported', 'P:12@2025', 'SCH', 'level=preschool', 1, null, 1], // MN01
      ['2025-DN', 'as_reported', 'P:12@2025', 'TCH', 'total', 5, null, 5], // V1 V2 W1 W2 W3
      ['2025-DN', 'as_reported', 'P:12@2025', 'QT', 'total', 4, 5, 80],
      ['2025-DN', 'as_reported', 'P:12@2025', 'QT', 'level=preschool', 2, 2, 100], // V2 now 17 CĐSP
      ['2025-DN', 'as_reported', 'P:12@2025', 'PTR', 'level=preschool', 3, 2, 1.5],
      ['2025-DN', 'as_reported', 'P:12@2025', 'CLS-GHEP', 'total', 1, null, 1],
      ['2025-DN', 'as_reported', 'P:12@2025', 'ONAGE', 'total', 2, 3, 200 / 3], // Q1 6/g1, Q2 11/g6; Q3 15 in g9
      ['2025-DN', 'as_reported', 'P:12@2025', 'FAC-DISABILITY', 'total', 1, 2, 50], // PT01 yes, MN01 no
      ['2025-DN', 'as_reported', 'P:12@2025', 'FAC-DISABILITY', 'zone=04', 1, 1, 100],
    ]);
  });

  it('sums provinces into the nation', async () => {
    await check([
      ['2024-DN', 'as_reported', 'N:VN', 'LRN', 'total', 16, null, 16], // 8 + 5 + 3
      ['2024-CN', 'as_reported', 'N:VN', 'LRN', 'total', 14, null, 14], // 6 + 5 + 3
      ['2024-DN', 'as_reported', 'N:VN', 'LRN', 'zone=04', 8, null, 8],
      ['2024-DN', 'as_reported', 'N:VN', 'REP-NAT', 'total', 2, 16, 12.5], // L2, M2
      ['2024-CN', 'as_reported', 'N:VN', 'DROP-NAT', 'total', 3, 16, 18.75], // L5, L8, M5
      ['2025-DN', 'as_reported', 'N:VN', 'LRN', 'total', 18, null, 18], // 12 + 6
      ['2025-DN', 'as_reported', 'N:VN', 'QT', 'total', 9, 11, 900 / 11],
      ['2025-DN', 'as_reported', 'N:VN', 'SCH', 'level=primary', 2, null, 2], // TH01, PT01
      ['2025-DN', 'current_34', 'N:VN', 'LRN', 'total', 18, null, 18],
    ]);
  });
});

describe('staff, persons and the levels of the national standard', () => {
  it('counts working staff by group: managers, teachers, employees', async () => {
    await check([
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF', 'total', 4, null, 4], // T1 T2 T3 T4; T5 retired (05), T6 hired 15/10
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF-MGR', 'total', 1, null, 1], // T4
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF-EMP', 'total', 0, null, 0],
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF', 'sex=female', 2, null, 2], // T1 T3
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF', 'minority=no', 4, null, 4], // all Kinh
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'STF-MGR', 'qualification=university_pedagogy', 1, null, 1], // T4 16
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'TCH', 'qualification=university_pedagogy', 2, null, 2], // T1 16, T3 13 (đại học + BDNVSP)
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'TCH', 'qualification=other', 1, null, 1], // T2 03 đại học
      ['2024-DN', 'as_reported', 'S:CS01@2024', 'STF', 'total', 3, null, 3], // U1 U2 U3
      ['2024-DN', 'as_reported', 'S:CS01@2024', 'STF-EMP', 'total', 1, null, 1], // U3 nhân viên
      ['2024-DN', 'as_reported', 'S:CS01@2024', 'STF-EMP', 'sex=female', 1, null, 1],
      ['2024-DN', 'as_reported', 'S:CS01@2024', 'TCH', 'qualification=college_pedagogy', 1, null, 1], // U2 14 cao đẳng + BDNVSP
      ['2024-DN', 'current_34', 'P:15@2025', 'STF', 'total', 7, null, 7], // TH01 4 + CS01 3
      ['2025-DN', 'as_reported', 'P:12@2025', 'TCH', 'qualification=master', 1, null, 1], // W2 02 thạc sĩ
      ['2025-DN', 'as_reported', 'N:VN', 'STF', 'total', 11, null, 11], // teachers only in 2025: 4 + 2 + 2 + 3
    ]);
  });

  it('splits the national standard into its levels 1 and 2', async () => {
    await check([
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'NATSTD-1', 'total', 1, 1, 100], // 02 mức 1
      ['2024-DN', 'as_reported', 'S:TH01@2024', 'NATSTD-2', 'total', 0, 1, 0],
      ['2025-DN', 'as_reported', 'P:15@2025', 'NATSTD-1', 'total', 0, 2, 0],
      ['2025-DN', 'as_reported', 'P:15@2025', 'NATSTD-2', 'total', 1, 2, 50], // TH01 03 mức 2; CS01 none
      ['2025-DN', 'as_reported', 'P:15@2025', 'NATSTD', 'total', 1, 2, 50],
      ['2025-DN', 'as_reported', 'P:12@2025', 'NATSTD-1', 'total', 1, 2, 50], // MN01 02; PT01 none
    ]);
  });

  it('counts learners as persons beside records; no learner of the fixture is enrolled twice', async () => {
    await check([
      ['2024-DN', 'as_reported', 'N:VN', 'LRN-P', 'total', 16, null, 16],
      ['2025-DN', 'as_reported', 'P:15@2025', 'LRN-P', 'total', 12, null, 12],
      ['2025-DN', 'as_reported', 'S:TH01@2025', 'LRN-P', 'sex=female', 4, null, 4], // L1 L6 L10 L11
    ]);
    const [{ n }] = await h.fx.rows<{ n: number }>('select count(*) as n from indicators.int_learner_repeat_records');
    expect(Number(n)).toBe(0);
  });

  it('labels a flow rate outside 0-100 %', async () => {
    // E(6, 2024) = 2 (M1 M2), both promoted to grade 7, and M7 arrives in grade 6 in 2025 as a
    // repeater who was not there in 2024: not continuing = 2 - 2 - 1 = -1
    const rows = await h.fx.rows<{ value: number; value_flag: string | null }>(
      `select value, value_flag from indicators.indicator_values
       where period = '2024-CN' and geography = 'current_34' and unit_key = 'P:15@2025' and indicator = 'DROP-UIS' and breakdown in ('grade=6', 'grade=5')
       order by breakdown`,
    );
    expect(rows).toEqual([
      { value: 0, value_flag: null }, // grade 5: 3 - 2 - 1
      { value: -50, value_flag: 'below_0' },
    ]);
  });
});

describe('indicator values re-aggregated to today’s 34 provinces', () => {
  it('adds old Lào Cai and Yên Bái into new Lào Cai for 2024', async () => {
    await check([
      ['2024-DN', 'current_34', 'P:15@2025', 'LRN', 'total', 13, null, 13], // TH01 8 + CS01 5
      ['2024-DN', 'current_34', 'P:15@2025', 'CLS', 'total', 7, null, 7], // 4 + 3
      ['2024-DN', 'current_34', 'P:15@2025', 'PTR', 'total', 13, 5, 2.6], // teachers 3 + 2
      ['2024-DN', 'current_34', 'P:15@2025', 'PTR', 'level=lower_secondary', 5, 2, 2.5],
      ['2024-DN', 'current_34', 'P:15@2025', 'QT', 'total', 3, 5, 60],
      ['2024-DN', 'current_34', 'P:15@2025', 'LRN', 'ownership=public', 8, null, 8],
      ['2024-DN', 'current_34', 'P:15@2025', 'FAC-HANDWASH', 'total', 1, 2, 50],
      ['2024-DN', 'current_34', 'P:15@2025', 'NATSTD', 'total', 1, 2, 50],
      ['2024-DN', 'current_34', 'P:15@2025', 'SOLID', 'total', 3, 5, 60], // 2/3 + 1/2
      ['2024-DN', 'current_34', 'P:12@2025', 'LRN', 'total', 3, null, 3],
    ]);
  });

  it('has no row for a new province under the units as reported before 01/07/2025', async () => {
    const [{ n }] = await h.fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where geography = 'as_reported' and period like '2024-%' and unit_key like '%@2025'`);
    expect(Number(n)).toBe(0);
  });
});

describe('indicator values that need two school years (UIS)', () => {
  // New Lào Cai, E(g, 2024) at the start of 2024: g1 2 (L1 L2), g2 2 (L8 L9), g4 1 (L10), g5 3 (L3 L4 L5),
  // g6 2 (M1 M2), g9 3 (M3 M4 M5): 13. At the start of 2025: g1 2, g2 2, g4 1, g5 2 (R 1: L4),
  // g6 3 (R 1: M7), g7 2.
  it('computes repetition, promotion and dropout by grade and in total', async () => {
    await check([
      ['2024-CN', 'current_34', 'P:15@2025', 'REP-UIS', 'grade=5', 1, 3, 100 / 3], // R(5,2025) = L4
      ['2024-CN', 'current_34', 'P:15@2025', 'REP-UIS', 'total', 2, 13, 200 / 13], // L4 + M7
      ['2024-CN', 'current_34', 'P:15@2025', 'PRO', 'grade=5', 2, 3, 200 / 3], // E(6,2025) 3 - R 1
      ['2024-CN', 'current_34', 'P:15@2025', 'PRO', 'grade=1', 2, 2, 100], // E(2,2025) 2
      // promoted over g1..g11: g1 2, g3 1 (L6, who arrived after the census), g4 1, g5 2, g6 2 = 8
      ['2024-CN', 'current_34', 'P:15@2025', 'PRO', 'total', 8, 13, 800 / 13],
      ['2024-CN', 'current_34', 'P:15@2025', 'DROP-UIS', 'grade=2', 2, 2, 100], // L8 dropped, L9 left
      ['2024-CN', 'current_34', 'P:15@2025', 'DROP-UIS', 'total', 3, 13, 300 / 13], // 13 - 8 - 2
      ['2025-DN', 'as_reported', 'P:15@2025', 'TRAN-5-6', 'total', 2, 2, 100], // (3 - 1) / (3 - 1)
      ['2025-DN', 'as_reported', 'P:15@2025', 'TRAN-9-10', 'total', 0, 3, 0], // no grade 10 here
      // the nation adds Lai Châu, whose new school PT01 took Q2 into grade 6 with no grade 5 a year
      // before: (2 + 1) / (2 + 0)
      ['2025-DN', 'as_reported', 'N:VN', 'TRAN-5-6', 'total', 3, 2, 150],
    ]);
  });

  it('reports flows for 2024 only under today’s provinces, since 2025 units did not exist then', async () => {
    const rows = await h.fx.rows<{ geography: string; unit_level: string }>(
      `select distinct geography, unit_level from indicators.indicator_values where indicator = 'PRO' order by 1, 2`,
    );
    expect(rows).toEqual([
      { geography: 'as_reported', unit_level: 'nation' },
      { geography: 'current_34', unit_level: 'nation' },
      { geography: 'current_34', unit_level: 'province' },
    ]);
  });

  it('computes nothing that needs a next year for the last year', async () => {
    const [{ n }] = await h.fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where indicator in ('PRO', 'REP-UIS', 'DROP-UIS') and period = '2025-CN'`);
    expect(Number(n)).toBe(0);
  });
});

describe('enrolment ratios', () => {
  it('are absent without a population table', async () => {
    const [{ n }] = await h.fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where indicator in ('GER', 'NER')`);
    expect(Number(n)).toBe(0);
  });
});

describe('indicator catalogue', () => {
  it('exposes every indicator with Vietnamese and English names and its unit', async () => {
    const rows = await h.fx.rows<{ code: string; name_vi: string; unit: string; tt03_code: string | null }>('select code, name_vi, unit, tt03_code from indicators.indicator_catalog order by code');
    expect(rows.map((r) => r.code)).toEqual(expect.arrayContaining(['SCH', 'CLS', 'LRN', 'LPC', 'PTR', 'TCR', 'QT', 'GPI', 'GPIA', 'REP-NAT', 'REP-UIS', 'DROP-NAT', 'DROP-UIS', 'PRO', 'TRAN-5-6', 'TRAN-9-10', 'ONAGE', 'SOLID', 'NATSTD', 'FAC-ELEC', 'GER', 'NER']));
    expect(rows.find((r) => r.code === 'LRN')).toMatchObject({ name_vi: 'Số học sinh', unit: 'học sinh', tt03_code: '2105' });
    const [{ codes }] = await h.fx.rows<{ codes: string[] }>('select list(distinct indicator order by indicator) as codes from indicators.indicator_values');
    expect(codes.every((c) => rows.some((r) => r.code === c))).toBe(true);
  });
});
