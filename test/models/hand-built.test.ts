/**
 * The models on the hand-built fixture (test/fixtures/hand-built-fixture.ts), against values
 * worked out by hand from its rows. Census days: 2024-DN 30/09/2024, 2024-CN 31/05/2025,
 * 2025-DN 30/09/2025, 2025-CN 31/05/2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTransform, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';

let fx: FixtureWarehouse;
let summary: TransformSummary;

beforeAll(async () => {
  fx = await openFixtureWarehouse();
  summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
});

afterAll(() => fx?.close());

type Expected = [period: string, geography: string, unit: string, indicator: string, breakdown: string, numerator: number, denominator: number | null, value: number];

async function check(rows: Expected[]): Promise<void> {
  for (const [period, geography, unit, indicator, breakdown, numerator, denominator, value] of rows) {
    const found = await fx.rows<{ numerator: number; denominator: number | null; value: number }>(
      `select numerator, denominator, value from indicators.indicator_values
       where period = ? and geography = ? and unit_key = ? and indicator = ? and breakdown = ?`,
      [period, geography, unit, indicator, breakdown],
    );
    const label = `${indicator} ${breakdown} ${unit} ${period} ${geography}`;
    expect(found, label).toHaveLength(1);
    expect(Number(found[0].numerator), label).toBe(numerator);
    expect(found[0].denominator === null ? null : Number(found[0].denominator), label).toBe(denominator);
    expect(found[0].value, label).toBeCloseTo(value, 6);
  }
}

describe('the transform on the hand-built fixture', () => {
  it('builds every model and passes every sidecar test', () => {
    expect(summary.errors).toEqual([]);
    expect(summary.status).toBe('success');
    expect(summary.models.every((m) => m.status === 'success')).toBe(true);
    expect(summary.testsPassed).toBeGreaterThan(300);
  });

  it('records the run, its models and its tests in meta', async () => {
    const [run] = await fx.rows<{ status: string; models_built: number; tests_failed: number }>(
      'select status, models_built, tests_failed from meta.transform_runs where run_id = ?',
      [summary.runId],
    );
    expect(run).toMatchObject({ status: 'success', models_built: summary.models.length, tests_failed: 0 });
    const [{ n }] = await fx.rows<{ n: number }>('select count(*) as n from meta.test_results where run_id = ?', [summary.runId]);
    expect(Number(n)).toBe(summary.tests.length);
  });
});

describe('staging', () => {
  it('keeps a malformed birth date as text, marked, and parses the pushed format', async () => {
    const rows = await fx.rows<{ ma_hoc_sinh: string; ngay_sinh_raw: string; ngay_sinh: string | null; ngay_sinh_malformed: boolean }>(
      `select ma_hoc_sinh, ngay_sinh_raw, ngay_sinh, ngay_sinh_malformed from staging.stg_csdl__hoc_sinh
       where ma_hoc_sinh in ('HS-L1', 'HS-L4') and nam_hoc = 2024 order by ma_hoc_sinh`,
    );
    expect(rows).toEqual([
      { ma_hoc_sinh: 'HS-L1', ngay_sinh_raw: '2018-03-01T00:00:00.0', ngay_sinh: '2018-03-01', ngay_sinh_malformed: false },
      { ma_hoc_sinh: 'HS-L4', ngay_sinh_raw: '05/01/2014', ngay_sinh: null, ngay_sinh_malformed: true },
    ]);
  });

  it('excludes nothing: soft-deleted rows stay, marked', async () => {
    const [{ n, deleted }] = await fx.rows<{ n: number; deleted: number }>(
      'select count(*) as n, count(*) filter (where is_deleted) as deleted from staging.stg_csdl__hoc_sinh',
    );
    expect([Number(n), Number(deleted)]).toEqual([37, 1]); // 37 learner rows, L7 soft-deleted
  });
});

describe('core units and periods', () => {
  it('holds the nation, 63 + 34 provinces, 713 districts, 11,162 + 3,321 communes and 8 live school-years', async () => {
    const rows = await fx.rows<{ unit_level: string; n: number }>('select unit_level, count(*) as n from core.dim_units group by 1 order by 1');
    expect(Object.fromEntries(rows.map((r) => [r.unit_level, Number(r.n)]))).toEqual({
      nation: 1,
      province: 63 + 34,
      district: 713,
      commune: 11162 + 3321,
      school: 8, // TH01, CS01, MN01 x 2 years, PT01 2025, XX01 2024 (dissolved but live); DEL1 is deleted
    });
  });

  it('keys a reused code by its validity: old 15 Yên Bái and new 15 Lào Cai', async () => {
    const rows = await fx.rows('select unit_key, unit_name, current_province_code, valid_from, valid_to from core.dim_units where unit_level = ? and unit_code = ? order by valid_from', ['province', '15']);
    expect(rows).toEqual([
      { unit_key: 'P:15@2000', unit_name: 'Tỉnh Yên Bái', current_province_code: '15', valid_from: '2000-01-01', valid_to: '2025-06-30' },
      { unit_key: 'P:15@2025', unit_name: 'Tỉnh Lào Cai', current_province_code: '15', valid_from: '2025-07-01', valid_to: null },
    ]);
  });

  it('places schools under the district before 2025 and the commune after', async () => {
    const rows = await fx.rows('select unit_key, parent_key, province_key, current_province_code from core.dim_units where unit_level = ? order by unit_key', ['school']);
    expect(rows).toEqual([
      { unit_key: 'S:CS01@2024', parent_key: 'D:080@2000', province_key: 'P:10@2000', current_province_code: '15' },
      { unit_key: 'S:CS01@2025', parent_key: 'C:02647@2025', province_key: 'P:15@2025', current_province_code: '15' },
      { unit_key: 'S:MN01@2024', parent_key: 'D:106@2000', province_key: 'P:12@2000', current_province_code: '12' },
      { unit_key: 'S:MN01@2025', parent_key: 'C:03394@2025', province_key: 'P:12@2025', current_province_code: '12' },
      { unit_key: 'S:PT01@2025', parent_key: 'C:03390@2025', province_key: 'P:12@2025', current_province_code: '12' },
      { unit_key: 'S:TH01@2024', parent_key: 'D:132@2000', province_key: 'P:15@2000', current_province_code: '15' },
      { unit_key: 'S:TH01@2025', parent_key: 'C:02680@2025', province_key: 'P:15@2025', current_province_code: '15' },
      { unit_key: 'S:XX01@2024', parent_key: 'D:105@2000', province_key: 'P:12@2000', current_province_code: '12' },
    ]);
  });

  it('maps old Lào Cai (10) and Yên Bái (15) into new Lào Cai (15)', async () => {
    const rows = await fx.rows(`select old_province_key, new_province_key from core.dim_province_crosswalk where new_province_code = '15' order by 1`);
    expect(rows).toEqual([
      { old_province_key: 'P:10@2000', new_province_key: 'P:15@2025' },
      { old_province_key: 'P:15@2000', new_province_key: 'P:15@2025' },
    ]);
  });

  it('has four periods with their census days', async () => {
    const rows = await fx.rows('select period, census_day, label, is_before_reorganisation, previous_period from core.dim_periods order by census_day');
    expect(rows).toEqual([
      { period: '2024-DN', census_day: '2024-09-30', label: '2024-2025', is_before_reorganisation: true, previous_period: null },
      { period: '2024-CN', census_day: '2025-05-31', label: '2024-2025', is_before_reorganisation: true, previous_period: '2024-DN' },
      { period: '2025-DN', census_day: '2025-09-30', label: '2025-2026', is_before_reorganisation: false, previous_period: '2024-CN' },
      { period: '2025-CN', census_day: '2026-05-31', label: '2025-2026', is_before_reorganisation: false, previous_period: '2025-DN' },
    ]);
  });

  it('takes deadlines from configuration for the province of the period\'s own time', async () => {
    const rows = await fx.rows(
      `select period, province_key, deadline, deadline_source from core.dim_period_deadlines
       where province_key in ('P:10@2000', 'P:12@2000', 'P:15@2000', 'P:15@2025', 'P:12@2025') order by period, province_key`,
    );
    expect(rows).toEqual([
      { period: '2024-CN', province_key: 'P:10@2000', deadline: '2025-06-30', deadline_source: 'default' },
      { period: '2024-CN', province_key: 'P:12@2000', deadline: '2025-06-30', deadline_source: 'default' },
      { period: '2024-CN', province_key: 'P:15@2000', deadline: '2025-06-15', deadline_source: 'province' },
      { period: '2024-DN', province_key: 'P:10@2000', deadline: '2024-10-31', deadline_source: 'default' },
      { period: '2024-DN', province_key: 'P:12@2000', deadline: '2024-10-31', deadline_source: 'default' },
      { period: '2024-DN', province_key: 'P:15@2000', deadline: '2024-10-15', deadline_source: 'province' },
      { period: '2025-CN', province_key: 'P:12@2025', deadline: '2026-06-30', deadline_source: 'default' },
      { period: '2025-CN', province_key: 'P:15@2025', deadline: '2026-06-15', deadline_source: 'province' },
      { period: '2025-DN', province_key: 'P:12@2025', deadline: '2025-10-31', deadline_source: 'default' },
      { period: '2025-DN', province_key: 'P:15@2025', deadline: '2025-10-15', deadline_source: 'province' },
    ]);
  });

  it('tells a reused province code apart by its valid-from year', async () => {
    const only = { deadlines: { '15@2025': { dn: '10-20', cn: '06-20' } }, defaultDeadline: FIXTURE_DEADLINES.defaultDeadline };
    try {
      await runTransform({ warehouse: fx.conn, deadlines: only, select: ['dim_period_deadlines'] });
      const rows = await fx.rows(
        `select period, province_key, deadline, deadline_source from core.dim_period_deadlines
         where period like '%-DN' and province_key in ('P:15@2000', 'P:15@2025') order by period`,
      );
      expect(rows).toEqual([
        { period: '2024-DN', province_key: 'P:15@2000', deadline: '2024-10-31', deadline_source: 'default' },
        { period: '2025-DN', province_key: 'P:15@2025', deadline: '2025-10-20', deadline_source: 'province' },
      ]);
    } finally {
      await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['dim_period_deadlines'] });
    }
  });
});

describe('core facts as of the census day', () => {
  it('counts each learner by the status in force on the census day', async () => {
    const rows = await fx.rows<{ ma_hoc_sinh: string; period: string; status_on_census: number | null; is_enrolled: boolean; is_dropout: boolean }>(
      `select ma_hoc_sinh, period, status_on_census, is_enrolled, is_dropout from core.fct_learners
       where school_key = 'S:TH01@2024' and ma_hoc_sinh in ('HS-L5', 'HS-L6', 'HS-L9', 'HS-L10') order by ma_hoc_sinh, period desc`,
    );
    expect(rows).toEqual([
      { ma_hoc_sinh: 'HS-L10', period: '2024-DN', status_on_census: 1, is_enrolled: true, is_dropout: false }, // 05 on 20/10 came later
      { ma_hoc_sinh: 'HS-L10', period: '2024-CN', status_on_census: 3, is_enrolled: true, is_dropout: false }, // học lại 05/01/2025
      { ma_hoc_sinh: 'HS-L5', period: '2024-DN', status_on_census: 1, is_enrolled: true, is_dropout: true },
      { ma_hoc_sinh: 'HS-L5', period: '2024-CN', status_on_census: 5, is_enrolled: false, is_dropout: true },
      { ma_hoc_sinh: 'HS-L6', period: '2024-DN', status_on_census: null, is_enrolled: false, is_dropout: false }, // arrived 15/11/2024
      { ma_hoc_sinh: 'HS-L6', period: '2024-CN', status_on_census: 2, is_enrolled: true, is_dropout: false },
      { ma_hoc_sinh: 'HS-L9', period: '2024-DN', status_on_census: 1, is_enrolled: true, is_dropout: false },
      { ma_hoc_sinh: 'HS-L9', period: '2024-CN', status_on_census: 4, is_enrolled: false, is_dropout: false }, // transferred out
    ]);
  });

  it('does not place a learner at the census by the record alone when its first change, an arrival, came later', async () => {
    // L6 arrived (02) on 15/11/2024. Without its status date, the record's own status 02 would
    // count it on 30/09/2024; its history says it was not there yet.
    try {
      await fx.conn.run(`update raw.hoc_sinh set ngay_trang_thai = null where ma_hoc_sinh = 'HS-L6' and nam_hoc = 2024`);
      await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['fct_learners'] });
      const rows = await fx.rows(
        `select period, status_on_census, is_enrolled from core.fct_learners where ma_hoc_sinh = 'HS-L6' and nam_hoc = 2024 order by period desc`,
      );
      expect(rows).toEqual([
        { period: '2024-DN', status_on_census: null, is_enrolled: false },
        { period: '2024-CN', status_on_census: 2, is_enrolled: true },
      ]);
    } finally {
      await fx.conn.run(`update raw.hoc_sinh set ngay_trang_thai = '2024-11-15' where ma_hoc_sinh = 'HS-L6' and nam_hoc = 2024`);
      await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['fct_learners'] });
    }
  });

  it('counts enrolled learners per school and period', async () => {
    const rows = await fx.rows<{ k: string; n: number }>(
      `select split_part(school_key, '@', 1)[3:] || ' ' || period as k, count(*) filter (where is_enrolled) as n from core.fct_learners group by 1 order by 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]))).toEqual({
      'CS01 2024-CN': 5, // M5 leaves on 20/06/2025, after the census day
      'CS01 2024-DN': 5,
      'CS01 2025-CN': 5,
      'CS01 2025-DN': 5,
      'MN01 2024-CN': 3,
      'MN01 2024-DN': 3,
      'MN01 2025-CN': 3,
      'MN01 2025-DN': 3,
      'PT01 2025-CN': 3,
      'PT01 2025-DN': 3, // founded 15/08/2025
      'TH01 2024-CN': 6, // 8 - L5 (05) - L8 (09) - L9 (04) + L6 (02 on 15/11)
      'TH01 2024-DN': 8, // L1 L2 L3 L4 L5 L8 L9 L10; not L6 (later), L7 (deleted)
      'TH01 2025-CN': 6, // L12 drops out on 01/03/2026
      'TH01 2025-DN': 7,
    }); // XX01 (dissolved) has no rows
  });

  it('counts teachers working and hired by the census day, qualified by their level', async () => {
    const rows = await fx.rows<{ k: string; teachers: number; qualified: number }>(
      `select ma_truong_hoc || ' ' || period as k, count(*) as teachers, count(*) filter (where is_qualified) as qualified
       from core.fct_staff where is_counted_teacher group by 1 order by 1`,
    );
    expect(rows.map((r) => [r.k, Number(r.teachers), Number(r.qualified)])).toEqual([
      ['CS01 2024-CN', 2, 1], // U2 holds 14 (CĐ + NVSP): not enough in general education
      ['CS01 2024-DN', 2, 1],
      ['CS01 2025-CN', 2, 1],
      ['CS01 2025-DN', 2, 1],
      ['MN01 2024-CN', 2, 1], // V1 14 suffices in preschool; V2 18 does not; V3 deleted
      ['MN01 2024-DN', 2, 1],
      ['MN01 2025-CN', 2, 2],
      ['MN01 2025-DN', 2, 2],
      ['PT01 2025-CN', 3, 2], // W3 has no level and 03: not qualified
      ['PT01 2025-DN', 3, 2],
      ['TH01 2024-CN', 4, 3], // T6 hired 15/10/2024 counts at the end of the year
      ['TH01 2024-DN', 3, 2], // T1 T2 T3; T4 is a manager, T5 retired
      ['TH01 2025-CN', 4, 4],
      ['TH01 2025-DN', 4, 4],
    ]);
  });
});

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
    const [{ n }] = await fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where geography = 'as_reported' and period like '2024-%' and unit_key like '%@2025'`);
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
    const rows = await fx.rows<{ geography: string; unit_level: string }>(
      `select distinct geography, unit_level from indicators.indicator_values where indicator = 'PRO' order by 1, 2`,
    );
    expect(rows).toEqual([
      { geography: 'as_reported', unit_level: 'nation' },
      { geography: 'current_34', unit_level: 'nation' },
      { geography: 'current_34', unit_level: 'province' },
    ]);
  });

  it('computes nothing that needs a next year for the last year', async () => {
    const [{ n }] = await fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where indicator in ('PRO', 'REP-UIS', 'DROP-UIS') and period = '2025-CN'`);
    expect(Number(n)).toBe(0);
  });
});

describe('enrolment ratios', () => {
  it('are absent without a population table', async () => {
    const [{ n }] = await fx.rows<{ n: number }>(`select count(*) as n from indicators.indicator_values where indicator in ('GER', 'NER')`);
    expect(Number(n)).toBe(0);
  });
});

describe('indicator catalogue', () => {
  it('exposes every indicator with Vietnamese and English names and its unit', async () => {
    const rows = await fx.rows<{ code: string; name_vi: string; unit: string; tt03_code: string | null }>('select code, name_vi, unit, tt03_code from indicators.indicator_catalog order by code');
    expect(rows.map((r) => r.code)).toEqual(expect.arrayContaining(['SCH', 'CLS', 'LRN', 'LPC', 'PTR', 'TCR', 'QT', 'GPI', 'GPIA', 'REP-NAT', 'REP-UIS', 'DROP-NAT', 'DROP-UIS', 'PRO', 'TRAN-5-6', 'TRAN-9-10', 'ONAGE', 'SOLID', 'NATSTD', 'FAC-ELEC', 'GER', 'NER']));
    expect(rows.find((r) => r.code === 'LRN')).toMatchObject({ name_vi: 'Số học sinh', unit: 'học sinh', tt03_code: '2105' });
    const [{ codes }] = await fx.rows<{ codes: string[] }>('select list(distinct indicator order by indicator) as codes from indicators.indicator_values');
    expect(codes.every((c) => rows.some((r) => r.code === c))).toBe(true);
  });
});
