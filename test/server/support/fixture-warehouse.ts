/**
 * A small hand-built warehouse with the marts' documented shapes (core.dim_units, dim_periods,
 * dim_period_deadlines, dim_grades; indicators.indicator_catalog, indicator_values; quality.dq_*), so the
 * server's scoping, formats and suppression are tested on numbers worked out by hand.
 *
 * Units: the nation; the 34 provinces of 2025 (codes and names of the map's shapes); old
 * Quảng Nam P:49@2000 (merged into Đà Nẵng 48) with district D:490@2000 and school T1 in 2024;
 * commune C:20194@2025 in Đà Nẵng with schools T1 and T2; commune C:00004@2025 in Hà Nội
 * with school T3. Learners 2025-DN: T1 5, T2 300, T3 1200; provinces 1000 + 10 x their index,
 * except Đà Nẵng 305, Hà Nội 1200 and Cao Bằng 7 (a small cell on the public map).
 */
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';

type Geometry = { properties: { code: string; name: string } };
const topo = JSON.parse(readFileSync(new URL('../../../data/reference/vn-provinces-34.topojson', import.meta.url), 'utf8'));
/** The 34 provinces of the map, in file order. */
export const PROVINCES: Array<{ code: string; name: string }> = (topo.objects.provinces.geometries as Geometry[]).map((g) => g.properties);

const q = (s: string | null) => (s === null ? 'null' : `'${s.replace(/'/g, "''")}'`);

/** Learners per province in 2025-DN (the public map's LRN). */
export function provinceLearners(code: string, index: number): number {
  return code === '48' ? 305 : code === '01' ? 1200 : code === '04' ? 7 : 1000 + 10 * index;
}

/** The code list DM_KHOI's grades with their level, as models/core/dim_grades.sql reads them (khoi 16, 17 are nhà trẻ and mẫu giáo). */
const LEVEL_OF_CAP_HOC: Record<string, string> = { '01': 'preschool', '02': 'primary', '03': 'lower_secondary', '04': 'upper_secondary', '05': 'continuing' };
const codeLists = JSON.parse(readFileSync(new URL('../../../data/reference/code-lists.json', import.meta.url), 'utf8'));
const GRADES = (codeLists.DM_KHOI as Array<{ ma: string; extra: Record<string, string> }>).map((k) => {
  const n = Number(k.ma);
  const grade = n >= 1 && n <= 12 ? String(n) : n === 16 ? 'nha_tre' : n === 17 ? 'mau_giao' : `khoi_${k.ma}`;
  return `(${q(k.ma)}, ${q(grade)}, ${q(LEVEL_OF_CAP_HOC[k.extra['Mã cấp học']])})`;
});

/** Creates and fills every table; `conn` is a connection to an empty warehouse. */
export async function buildFixtureWarehouse(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create schema core; create schema indicators; create schema quality;
    create table core.dim_grades as select * from (values ${GRADES.join(', ')}) t(khoi_code, grade, level);
    create table core.dim_periods as select * from (values
      ('2024-DN', 2024, 'DN', date '2024-09-30', '2024-2025', 'Đầu năm học 2024-2025', 'Start of school year 2024-2025', true, null),
      ('2025-DN', 2025, 'DN', date '2025-09-30', '2025-2026', 'Đầu năm học 2025-2026', 'Start of school year 2025-2026', false, '2024-DN')
    ) t(period, nam_hoc, ky, census_day, label, name_vi, name_en, is_before_reorganisation, previous_period);
    create table core.dim_units (unit_key varchar, unit_code varchar, unit_level varchar, unit_name varchar, parent_key varchar,
      province_key varchar, province_code varchar, current_province_code varchar, valid_from date, valid_to date, nam_hoc integer);
    insert into core.dim_units values ('N:VN', 'VN', 'nation', 'Việt Nam', null, null, null, 'VN', date '2000-01-01', null, null);
  `);
  const provinces = PROVINCES.map(
    (p) =>
      `('P:${p.code}@2025', ${q(p.code)}, 'province', ${q(p.name)}, 'N:VN', 'P:${p.code}@2025', ${q(p.code)}, ${q(p.code)}, date '2025-07-01', null, null)`,
  );
  await conn.run(`insert into core.dim_units values ${provinces.join(',\n')},
    ('P:48@2000', '48', 'province', 'Đà Nẵng (cũ)', 'N:VN', 'P:48@2000', '48', '48', date '2000-01-01', date '2025-06-30', null),
    ('P:49@2000', '49', 'province', 'Quảng Nam', 'N:VN', 'P:49@2000', '49', '48', date '2000-01-01', date '2025-06-30', null),
    ('D:490@2000', '490', 'district', 'Thành phố Tam Kỳ', 'P:49@2000', 'P:49@2000', '49', '48', date '2000-01-01', date '2025-06-30', null),
    ('C:20194@2025', '20194', 'commune', 'Phường Hải Châu', 'P:48@2025', 'P:48@2025', '48', '48', date '2025-07-01', null, null),
    ('C:00004@2025', '00004', 'commune', 'Phường Ba Đình', 'P:01@2025', 'P:01@2025', '01', '01', date '2025-07-01', null, null),
    ('S:T1@2024', 'T1', 'school', 'Trường Tiểu học Lê Lợi', 'D:490@2000', 'P:49@2000', '49', '48', date '2024-07-01', date '2025-06-30', 2024),
    ('S:T1@2025', 'T1', 'school', 'Trường Tiểu học Lê Lợi', 'C:20194@2025', 'P:48@2025', '48', '48', date '2025-07-01', date '2026-06-30', 2025),
    ('S:T2@2025', 'T2', 'school', 'Trường THCS Nguyễn Huệ, "cơ sở 2"', 'C:20194@2025', 'P:48@2025', '48', '48', date '2025-07-01', date '2026-06-30', 2025),
    ('S:T3@2025', 'T3', 'school', 'Trường THPT Chu Văn An', 'C:00004@2025', 'P:01@2025', '01', '01', date '2025-07-01', date '2026-06-30', 2025)`);
  await conn.run(`
    create table core.dim_period_deadlines as
      select period, unit_key as province_key, unit_code as province_code, current_province_code,
             case when period = '2025-DN' then date '2025-10-31' else date '2024-10-31' end as deadline, 'default' as deadline_source
      from core.dim_periods, core.dim_units
      where unit_level = 'province' and census_day between valid_from and coalesce(valid_to, date '9999-12-31');
    create table indicators.indicator_catalog as select * from (values
      ('LRN', 'Số học sinh', 'Learners', 'Học sinh đang học vào ngày chốt số liệu', 'count(học sinh)', 'học sinh', 'count', 'DN,CN', 'one period', '2105', ['trang_thai'], ['total', 'sex'], ['school', 'commune', 'district', 'province', 'nation']),
      ('LPC', 'Số học sinh bình quân một lớp', 'Learners per class', 'Học sinh / lớp', 'LRN / CLS', 'học sinh/lớp', 'ratio', 'DN,CN', 'one period', '2106', ['lop_hoc_id'], ['total'], ['school', 'commune', 'district', 'province', 'nation']),
      ('PTR', 'Số học sinh bình quân một giáo viên', 'Pupil-teacher ratio', 'Học sinh / giáo viên', 'LRN / TCH', 'học sinh/giáo viên', 'ratio', 'DN,CN', 'one period', null, ['nhom_can_bo'], ['total'], ['school', 'commune', 'district', 'province', 'nation']),
      ('QT', 'Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo', 'Qualified teachers', 'Giáo viên đạt chuẩn / giáo viên', '100 x đạt chuẩn / giáo viên', '%', 'percent', 'DN,CN', 'one period', null, ['chuan_dao_tao'], ['total'], ['school', 'commune', 'district', 'province', 'nation'])
    ) t(code, name_vi, name_en, definition, formula, unit, value_kind, periods, needs, tt03_code, source_fields, breakdowns, unit_levels);
    create table indicators.indicator_values (period varchar, geography varchar, unit_key varchar, unit_code varchar, unit_level varchar,
      unit_name varchar, current_province_code varchar, indicator varchar, breakdown varchar, dimension varchar,
      numerator bigint, denominator bigint, value double);
  `);
  await fillValues(conn);
  await fillQuality(conn);
}

async function fillValues(conn: DuckDBConnection): Promise<void> {
  // learners (LRN), classes (for LPC) and teachers (for PTR, QT: qualified / teachers)
  const units: Array<[key: string, code: string, level: string, name: string, learners: number]> = [
    ['S:T1@2025', 'T1', 'school', 'Trường Tiểu học Lê Lợi', 5],
    ['S:T2@2025', 'T2', 'school', 'Trường THCS Nguyễn Huệ, "cơ sở 2"', 300],
    ['S:T3@2025', 'T3', 'school', 'Trường THPT Chu Văn An', 1200],
    ['C:20194@2025', '20194', 'commune', 'Phường Hải Châu', 305],
    ['C:00004@2025', '00004', 'commune', 'Phường Ba Đình', 1200],
    ...PROVINCES.map((p, i): [string, string, string, string, number] => [`P:${p.code}@2025`, p.code, 'province', p.name, provinceLearners(p.code, i)]),
  ];
  const nation = units.filter((u) => u[2] === 'province').reduce((s, u) => s + u[4], 0);
  units.push(['N:VN', 'VN', 'nation', 'Việt Nam', nation]);
  const rows: string[] = [];
  for (const [key, code, level, name, n] of units) {
    const classes = Math.max(1, Math.round(n / 30));
    const teachers = Math.max(1, Math.round(n / 20));
    const qualified = Math.round(teachers * 0.9);
    const geos = level === 'province' || level === 'nation' ? ['as_reported', 'current_34'] : ['as_reported'];
    for (const g of geos) {
      const row = (ind: string, b: string, num: number, den: number | null, value: number) =>
        rows.push(
          `('2025-DN', '${g}', ${q(key)}, ${q(code)}, '${level}', ${q(name)}, null, '${ind}', '${b}', '${b.split('=')[0]}', ${num}, ${den ?? 'null'}, ${value})`,
        );
      row('LRN', 'total', n, null, n);
      const female = Math.floor(n / 2);
      row('LRN', 'sex=female', female, null, female);
      row('LRN', 'sex=male', n - female, null, n - female);
      row('LPC', 'total', n, classes, n / classes);
      row('PTR', 'total', n, teachers, n / teachers);
      row('QT', 'total', qualified, teachers, (100 * qualified) / teachers);
    }
  }
  // 2024-DN: old Quảng Nam's school T1 (as reported) and today's Đà Nẵng re-aggregated
  rows.push(`('2024-DN', 'as_reported', 'S:T1@2024', 'T1', 'school', 'Trường Tiểu học Lê Lợi', '48', 'LRN', 'total', 'total', 6, null, 6)`);
  rows.push(`('2024-DN', 'current_34', 'P:48@2025', '48', 'province', 'Thành phố Đà Nẵng', '48', 'LRN', 'total', 'total', 290, null, 290)`);
  await conn.run(`insert into indicators.indicator_values values ${rows.join(',\n')}`);
}

async function fillQuality(conn: DuckDBConnection): Promise<void> {
  // T2's 25 learners failing HS_NGAY_SINH page in threes; T1's hoc_sinh:102 repeats T3's hoc_sinh:900
  // (a duplicate in a school of another province)
  const t2 = Array.from(
    { length: 25 },
    (_, i) =>
      `('2025-DN', 'T2', 'HS_NGAY_SINH', 'validity', 'hoc_sinh', 'hoc_sinh:${200 + i}', ${200 + i}, 'p${200 + i}', 'L7A', '7A', '7', 'ngay_sinh', 'Ngày sinh không có trên lịch', null, null)`,
  );
  await conn.run(`
    create table quality.dq_rule_catalog as select * from (values
      ('HS_NGAY_SINH', 'validity', 'date', 'record', 'hoc_sinh', 'ngay_sinh', 'Ngày sinh không hợp lệ', 'Impossible birth date', null::map(varchar, double), 'select 1'),
      ('LOP_SI_SO', 'consistency', 'totals', 'record', 'lop_hoc', 'si_so', 'Sĩ số khai báo khác số học sinh', 'Declared class size differs', null, 'select 1'),
      ('HS_TRUNG', 'uniqueness', 'duplicate', 'record', 'hoc_sinh', 'ma_hoc_sinh', 'Học sinh trùng', 'Duplicate learner', null, 'select 1'),
      ('DEADLINE', 'timeliness', 'deadline', 'unit', 'truong_hoc', null, 'Chưa đủ dữ liệu trước hạn', 'Not complete by the deadline', null, 'select 1')
    ) t(rule_id, dimension, family, level, table_name, field, description_vi, description_en, thresholds, rule_sql);
    create table quality.dq_rule_results as select * from (values
      ('2025-DN', 'T1', 'school', 'HS_NGAY_SINH', 'validity', 5, 2, 0.6),
      ('2025-DN', 'T1', 'school', 'LOP_SI_SO', 'consistency', 1, 1, 0.0),
      ('2025-DN', 'T1', 'school', 'DEADLINE', 'timeliness', 1, 0, 1.0),
      ('2025-DN', 'T2', 'school', 'HS_NGAY_SINH', 'validity', 300, 25, 0.916667),
      ('2025-DN', 'T2', 'school', 'DEADLINE', 'timeliness', 1, 1, 0.0)
    ) t(period, unit_code, unit_level, rule_id, dimension, checked, failed, pass_rate);
    create table quality.dq_units as select * from (values
      ('2025-DN', 'S:T1@2025', 'T1', 'school', 'Trường Tiểu học Lê Lợi', '20194', 'commune', '48'),
      ('2025-DN', 'S:T2@2025', 'T2', 'school', 'Trường THCS Nguyễn Huệ, "cơ sở 2"', '20194', 'commune', '48'),
      ('2025-DN', 'S:T3@2025', 'T3', 'school', 'Trường THPT Chu Văn An', '00004', 'commune', '01')
    ) t(period, unit_key, unit_code, unit_level, unit_name, parent_code, parent_level, province_code);
    create table quality.dq_unit_closure as select * from (values
      ('2025-DN', 'T1', 'T1', 'school'), ('2025-DN', 'T1', '20194', 'commune'), ('2025-DN', 'T1', '48', 'province'), ('2025-DN', 'T1', 'VN', 'nation'),
      ('2025-DN', 'T2', 'T2', 'school'), ('2025-DN', 'T2', '20194', 'commune'), ('2025-DN', 'T2', '48', 'province'), ('2025-DN', 'T2', 'VN', 'nation'),
      ('2025-DN', 'T3', 'T3', 'school'), ('2025-DN', 'T3', '00004', 'commune'), ('2025-DN', 'T3', '01', 'province'), ('2025-DN', 'T3', 'VN', 'nation')
    ) t(period, school_code, unit_code, unit_level);
    create table quality.dq_record_kind_weights as select * from (values
      ('hoc_sinh', 0.5), ('can_bo', 0.2), ('lop_hoc', 0.1), ('truong_hoc', 0.1), ('phong_hoc', 0.04), ('diem_truong', 0.03), ('hoc_sinh_trang_thai', 0.03)
    ) t(record_kind, weight);
    create table quality.dq_score_bands as select * from (values
      ('good', 98.0, 'Tốt', '#2b8a3e'), ('fair', 90.0, 'Cần cải thiện', '#e8590c'), ('poor', 0.0, 'Kém', '#c92a2a')
    ) t(band, min_score, label_vi, color);
    create table quality.dq_failures as select * from (values
      ('2025-DN', 'T1', 'HS_NGAY_SINH', 'validity', 'hoc_sinh', 'hoc_sinh:101', 101, 'a1b2c3', 'L1A', '1A', '1', 'ngay_sinh', 'Ngày sinh sau ngày điều tra (ngày chốt số liệu 30/09/2025)', null, null),
      ('2025-DN', 'T1', 'HS_NGAY_SINH', 'validity', 'hoc_sinh', 'hoc_sinh:102', 102, 'd4e5f6', 'L1A', '1A', '1', 'ngay_sinh', 'Ngày sinh không có trên lịch', null, null),
      ('2025-DN', 'T1', 'HS_TRUNG', 'uniqueness', 'hoc_sinh', 'hoc_sinh:102', 102, 'd4e5f6', 'L1A', '1A', '1', 'ma_hoc_sinh', 'Cùng mã học sinh với bản ghi hoc_sinh:900 của trường khác', 'hoc_sinh:900', 'T3'),
      ('2025-DN', 'T1', 'LOP_SI_SO', 'consistency', 'lop_hoc', 'lop_hoc:7', 7, null, 'L1A', '1A', '1', 'si_so', 'Sĩ số khai báo 32, số học sinh xếp vào lớp đầu năm 5', null, null),
      ('2025-DN', 'T3', 'HS_NGAY_SINH', 'validity', 'hoc_sinh', 'hoc_sinh:900', 900, 'ffffff', 'L10A', '10A', '10', 'ngay_sinh', 'Ngày sinh sau ngày điều tra (ngày chốt số liệu 30/09/2025)', null, null),
      ${t2.join(',\n      ')}
    ) t(period, unit_code, rule_id, dimension, record_kind, record_key, record_id, pseudonym, class_code, class_name, grade, fields, detail, related_record_key, related_unit);
    create table quality.dq_unit_scores (period varchar, unit_code varchar, unit_level varchar, unit_name varchar, parent_code varchar,
      province_code varchar, dimension varchar, score double, checked bigint, failed bigint, records bigint, clean_records bigint, failing_records bigint,
      band varchar, rank bigint, ranked_units bigint, rank_in_parent bigint, parent_ranked_units bigint, rank_in_province bigint, province_ranked_units bigint,
      previous_period varchar, previous_score double, score_change double, previous_rank bigint, rank_change bigint);
    -- T1: validity 60, consistency 0, timeliness 100, overall 55 (rank 2 of 2 under C:20194), 3
    -- records to fix; a change of -0,03 against 55,03 (shown 0,0, not a decrease);
    -- T2: validity 91,7, timeliness 0, overall 62,5 (rank 1 of 2), previous 50 -> change +12,5
    insert into quality.dq_unit_scores values
      ('2025-DN', 'T1', 'school', 'Lê Lợi', '20194', '48', 'validity', 60, 5, 2, 5, 3, 2, 'poor', 2, 3, 2, 2, 2, 2, '2024-DN', null, null, null, null),
      ('2025-DN', 'T1', 'school', 'Lê Lợi', '20194', '48', 'consistency', 0, 1, 1, 1, 0, 1, 'poor', 1, 1, 1, 1, 1, 1, '2024-DN', null, null, null, null),
      ('2025-DN', 'T1', 'school', 'Lê Lợi', '20194', '48', 'timeliness', 100, 1, 0, 1, 1, 0, 'good', 1, 3, 1, 2, 1, 2, '2024-DN', null, null, null, null),
      ('2025-DN', 'T1', 'school', 'Lê Lợi', '20194', '48', 'overall', 55, 7, 3, 7, 4, 3, 'poor', 3, 3, 2, 2, 2, 2, '2024-DN', 55.03, -0.03, 2, -1),
      ('2025-DN', 'T2', 'school', 'Nguyễn Huệ', '20194', '48', 'validity', 91.666667, 300, 25, 300, 275, 25, 'fair', 1, 3, 1, 2, 1, 2, '2024-DN', 100, -8.333333, 1, 0),
      ('2025-DN', 'T2', 'school', 'Nguyễn Huệ', '20194', '48', 'timeliness', 0, 1, 1, 1, 0, 1, 'poor', 2, 3, 2, 2, 2, 2, '2024-DN', 0, 0, 2, 0),
      ('2025-DN', 'T2', 'school', 'Nguyễn Huệ', '20194', '48', 'overall', 62.5, 301, 26, 301, 275, 26, 'poor', 1, 3, 1, 2, 1, 2, '2024-DN', 50, 12.5, 2, 1),
      ('2025-DN', '20194', 'commune', 'Hải Châu', '48', '48', 'overall', 61, 308, 29, 308, 279, 29, 'poor', 1, 2, 1, 1, 1, 1, '2024-DN', null, null, null, null);
  `);
}
