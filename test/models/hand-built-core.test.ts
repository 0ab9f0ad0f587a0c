/**
 * The staging and core models on the hand-built fixture, against values worked out by hand from
 * its rows (census days in hand-built-support.ts); the indicators are in hand-built-indicators.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES } from '../fixtures/fixture-warehouse.ts';
import { transformedFixture } from './hand-built-support.ts';

const h = transformedFixture();

describe('the transform on the hand-built fixture', () => {
  it('builds every model and passes every sidecar test', () => {
    expect(h.summary.errors).toEqual([]);
    expect(h.summary.status).toBe('succeeded');
    expect(h.summary.models.every((m) => m.status === 'succeeded')).toBe(true);
    expect(h.summary.testsPassed).toBeGreaterThan(300);
  });

  it('records the run, its models and its tests in meta', async () => {
    const [run] = await h.fx.rows<{ status: string; models_built: number; tests_failed: number }>(
      'select status, models_built, tests_failed from meta.transform_runs where run_id = ?',
      [h.summary.runId],
    );
    expect(run).toMatchObject({ status: 'succeeded', models_built: h.summary.models.length, tests_failed: 0 });
    const [{ n }] = await h.fx.rows<{ n: number }>('select count(*) as n from meta.test_results where run_id = ?', [h.summary.runId]);
    expect(Number(n)).toBe(h.summary.tests.length);
  });
});

describe('staging', () => {
  it('keeps a malformed birth date as text, marked, and parses the pushed format', async () => {
    const rows = await h.fx.rows<{ ma_hoc_sinh: string; ngay_sinh_raw: string; ngay_sinh: string | null; ngay_sinh_malformed: boolean }>(
      `select ma_hoc_sinh, ngay_sinh_raw, ngay_sinh, ngay_sinh_malformed from staging.stg_csdl__hoc_sinh
       where ma_hoc_sinh in ('HS-L1', 'HS-L4') and nam_hoc = 2024 order by ma_hoc_sinh`,
    );
    expect(rows).toEqual([
      { ma_hoc_sinh: 'HS-L1', ngay_sinh_raw: '2018-03-01T00:00:00.0', ngay_sinh: '2018-03-01', ngay_sinh_malformed: false },
      { ma_hoc_sinh: 'HS-L4', ngay_sinh_raw: '05/01/2014', ngay_sinh: null, ngay_sinh_malformed: true },
    ]);
  });

  it('excludes nothing: soft-deleted rows stay, marked', async () => {
    const [{ n, deleted }] = await h.fx.rows<{ n: number; deleted: number }>(
      'select count(*) as n, count(*) filter (where is_deleted) as deleted from staging.stg_csdl__hoc_sinh',
    );
    expect([Number(n), Number(deleted)]).toEqual([37, 1]); // 37 learner rows, L7 soft-deleted
  });
});

describe('core units and periods', () => {
  it('holds the nation, 63 + 34 provinces, 713 districts, 11,162 + 3,321 communes and 8 live school-years', async () => {
    const rows = await h.fx.rows<{ unit_level: string; n: number }>('select unit_level, count(*) as n from core.dim_units group by 1 order by 1');
    expect(Object.fromEntries(rows.map((r) => [r.unit_level, Number(r.n)]))).toEqual({
      nation: 1,
      province: 63 + 34,
      district: 713,
      commune: 11162 + 3321,
      school: 8, // TH01, CS01, MN01 x 2 years, PT01 2025, XX01 2024 (dissolved but live); DEL1 is deleted
    });
  });

  it('keys a reused code by its validity: old 15 Yên Bái and new 15 Lào Cai', async () => {
    const rows = await h.fx.rows('select unit_key, unit_name, current_province_code, valid_from, valid_to from core.dim_units where unit_level = ? and unit_code = ? order by valid_from', ['province', '15']);
    expect(rows).toEqual([
      { unit_key: 'P:15@2000', unit_name: 'Tỉnh Yên Bái', current_province_code: '15', valid_from: '2000-01-01', valid_to: '2025-06-30' },
      { unit_key: 'P:15@2025', unit_name: 'Tỉnh Lào Cai', current_province_code: '15', valid_from: '2025-07-01', valid_to: null },
    ]);
  });

  it('places schools under the district before 2025 and the commune after', async () => {
    const rows = await h.fx.rows('select unit_key, parent_key, province_key, current_province_code from core.dim_units where unit_level = ? order by unit_key', ['school']);
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
    const rows = await h.fx.rows(`select old_province_key, new_province_key from core.dim_province_crosswalk where new_province_code = '15' order by 1`);
    expect(rows).toEqual([
      { old_province_key: 'P:10@2000', new_province_key: 'P:15@2025' },
      { old_province_key: 'P:15@2000', new_province_key: 'P:15@2025' },
    ]);
  });

  it('has four periods with their census days', async () => {
    const rows = await h.fx.rows('select period, census_day, label, is_before_reorganisation, previous_period from core.dim_periods order by census_day');
    expect(rows).toEqual([
      { period: '2024-DN', census_day: '2024-09-30', label: '2024-2025', is_before_reorganisation: true, previous_period: null },
      { period: '2024-CN', census_day: '2025-05-31', label: '2024-2025', is_before_reorganisation: true, previous_period: '2024-DN' },
      { period: '2025-DN', census_day: '2025-09-30', label: '2025-2026', is_before_reorganisation: false, previous_period: '2024-CN' },
      { period: '2025-CN', census_day: '2026-05-31', label: '2025-2026', is_before_reorganisation: false, previous_period: '2025-DN' },
    ]);
  });

  it('takes deadlines from configuration for the province of the period\'s own time', async () => {
    const rows = await h.fx.rows(
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
      await runTransform({ warehouse: h.fx.conn, deadlines: only, select: ['dim_period_deadlines'] });
      const rows = await h.fx.rows(
        `select period, province_key, deadline, deadline_source from core.dim_period_deadlines
         where period like '%-DN' and province_key in ('P:15@2000', 'P:15@2025') order by period`,
      );
      expect(rows).toEqual([
        { period: '2024-DN', province_key: 'P:15@2000', deadline: '2024-10-31', deadline_source: 'default' },
        { period: '2025-DN', province_key: 'P:15@2025', deadline: '2025-10-20', deadline_source: 'province' },
      ]);
    } finally {
      await runTransform({ warehouse: h.fx.conn, deadlines: FIXTURE_DEADLINES, select: ['dim_period_deadlines'] });
    }
  });
});

describe('core facts as of the census day', () => {
  it('counts each learner by the status in force on the census day', async () => {
    const rows = await h.fx.rows<{ ma_hoc_sinh: string; period: string; status_on_census: number | null; is_enrolled: boolean; is_dropout: boolean }>(
      `select l.ma_hoc_sinh, f.period, f.status_on_census, f.is_enrolled, f.is_dropout
       from core.fct_learners as f join staging.stg_csdl__hoc_sinh as l using (hoc_sinh_id)
       where f.school_key = 'S:TH01@2024' and l.ma_hoc_sinh in ('HS-L5', 'HS-L6', 'HS-L9', 'HS-L10') order by l.ma_hoc_sinh, f.period desc`,
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

  it("keeps each record's last live status change and the number of its live changes", async () => {
    // L10: 01 on 05/09, 05 on 20/10, 03 on 05/01/2025; M1's only change is deleted; L1 has none
    const rows = await h.fx.rows(
      `select l.ma_hoc_sinh, f.period, f.last_change_status, strftime(f.last_change_date, '%Y-%m-%d') as last_change_date, f.status_changes
       from core.fct_learners as f join staging.stg_csdl__hoc_sinh as l using (hoc_sinh_id)
       where f.nam_hoc = 2024 and l.ma_hoc_sinh in ('HS-L10', 'HS-M1', 'HS-L1') order by l.ma_hoc_sinh, f.period desc`,
    );
    expect(rows).toEqual([
      { ma_hoc_sinh: 'HS-L1', period: '2024-DN', last_change_status: null, last_change_date: null, status_changes: 0 },
      { ma_hoc_sinh: 'HS-L1', period: '2024-CN', last_change_status: null, last_change_date: null, status_changes: 0 },
      { ma_hoc_sinh: 'HS-L10', period: '2024-DN', last_change_status: 3, last_change_date: '2025-01-05', status_changes: 3 },
      { ma_hoc_sinh: 'HS-L10', period: '2024-CN', last_change_status: 3, last_change_date: '2025-01-05', status_changes: 3 },
      { ma_hoc_sinh: 'HS-M1', period: '2024-DN', last_change_status: null, last_change_date: null, status_changes: 0 },
      { ma_hoc_sinh: 'HS-M1', period: '2024-CN', last_change_status: null, last_change_date: null, status_changes: 0 },
    ]);
  });

  it('does not place a learner at the census by the record alone when its first change, an arrival, came later', async () => {
    // L6 arrived (02) on 15/11/2024. Without its status date, the record's own status 02 would
    // count it on 30/09/2024; its history says it was not there yet.
    try {
      await h.fx.conn.run(`update raw.hoc_sinh set ngay_trang_thai = null where ma_hoc_sinh = 'HS-L6' and nam_hoc = 2024`);
      await runTransform({ warehouse: h.fx.conn, deadlines: FIXTURE_DEADLINES, select: ['fct_learners'] });
      const rows = await h.fx.rows(
        `select f.period, f.status_on_census, f.is_enrolled from core.fct_learners as f join staging.stg_csdl__hoc_sinh as l using (hoc_sinh_id)
         where l.ma_hoc_sinh = 'HS-L6' and f.nam_hoc = 2024 order by f.period desc`,
      );
      expect(rows).toEqual([
        { period: '2024-DN', status_on_census: null, is_enrolled: false },
        { period: '2024-CN', status_on_census: 2, is_enrolled: true },
      ]);
    } finally {
      await h.fx.conn.run(`update raw.hoc_sinh set ngay_trang_thai = '2024-11-15' where ma_hoc_sinh = 'HS-L6' and nam_hoc = 2024`);
      await runTransform({ warehouse: h.fx.conn, deadlines: FIXTURE_DEADLINES, select: ['fct_learners'] });
    }
  });

  it('counts enrolled learners per school and period', async () => {
    const rows = await h.fx.rows<{ k: string; n: number }>(
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
    const rows = await h.fx.rows<{ k: string; teachers: number; qualified: number }>(
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

