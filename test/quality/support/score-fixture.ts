/**
 * A hand-built quality history for the score and rank models: two periods, five schools in
 * three communes of two provinces, four rules over three record kinds. Expected scores and ranks
 * are worked out by hand in scores.test.ts.
 *
 *   VN ─┬─ P1 (01) ─┬─ C11 ─┬─ S1 Trường Lê Lợi
 *       │           │       └─ S2 Trường Bạch Đằng
 *       │           └─ C12 ─── S3 Trường Nguyễn Huệ
 *       └─ P2 (02) ─── C21 ─┬─ S4 Trường Chu Văn An
 *                           └─ S5 Trường Đinh Tiên Hoàng (new in 2025-DN, reported nothing)
 * Province 02 is a different unit in each period (unit_key '02@2000' then '02@2025'), as a
 * code reused after the 2025 reorganisation is. The names sort in another order than the codes,
 * so that a rank broken by name shows it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QualityBand } from '../../../lib/config.ts';
import { migrate } from '../../../lib/meta-store/index.ts';
import { recordCatalog } from '../../../pipelines/quality/catalog-table.ts';
import type { Rule } from '../../../pipelines/quality/rule.ts';

const rule = (id: string, dimension: Rule['dimension'], table: string, level: Rule['level']): Rule => ({
  kind: 'query',
  id,
  dimension,
  family: 'required',
  level,
  table,
  vi: `Quy tắc ${id}`,
  en: `Rule ${id}`,
  sql: 'select 1',
});

/** A, B (completeness, learners), C (validity, staff), D (timeliness, the school). */
export const FIXTURE_RULES: Rule[] = [
  rule('A', 'completeness', 'hoc_sinh', 'record'),
  rule('B', 'completeness', 'hoc_sinh', 'record'),
  rule('C', 'validity', 'can_bo', 'record'),
  rule('D', 'timeliness', 'truong_hoc', 'unit'),
];

/** Bands of the fixture: 56,25 shown rounded down (56,2) falls below 56,3. */
export const FIXTURE_BANDS: QualityBand[] = [
  { band: 'good', min: 96.8, label: 'Tốt', color: '#2b8a3e' },
  { band: 'fair', min: 56.3, label: 'Cần cải thiện', color: '#e8590c' },
  { band: 'poor', min: 0, label: 'Kém', color: '#c92a2a' },
];

/** School-level results: [period, school, rule, checked, failed]. */
export const FIXTURE_RESULTS: Array<[string, string, string, number, number]> = [
  ['2024-CN', 'S1', 'A', 10, 0],
  ['2024-CN', 'S1', 'B', 10, 0],
  ['2024-CN', 'S1', 'C', 4, 0],
  ['2024-CN', 'S1', 'D', 1, 0],
  ['2024-CN', 'S2', 'D', 1, 1],
  ['2024-CN', 'S3', 'A', 20, 0],
  ['2024-CN', 'S3', 'C', 10, 0],
  ['2024-CN', 'S3', 'D', 1, 0],
  ['2024-CN', 'S4', 'A', 5, 0],
  ['2024-CN', 'S4', 'B', 5, 0],
  ['2024-CN', 'S4', 'C', 5, 0],
  ['2024-CN', 'S4', 'D', 1, 0],
  ['2025-DN', 'S1', 'A', 10, 0],
  ['2025-DN', 'S1', 'B', 10, 5],
  ['2025-DN', 'S1', 'C', 4, 1],
  ['2025-DN', 'S1', 'D', 1, 0],
  ['2025-DN', 'S2', 'A', 20, 0],
  ['2025-DN', 'S2', 'B', 20, 10],
  ['2025-DN', 'S2', 'C', 8, 2],
  ['2025-DN', 'S2', 'D', 1, 0],
  ['2025-DN', 'S3', 'A', 20, 10],
  ['2025-DN', 'S3', 'B', 20, 4],
  ['2025-DN', 'S3', 'C', 10, 0],
  ['2025-DN', 'S3', 'D', 1, 1],
  ['2025-DN', 'S4', 'A', 5, 5],
  ['2025-DN', 'S4', 'B', 5, 0],
  ['2025-DN', 'S4', 'C', 5, 5],
  ['2025-DN', 'S4', 'D', 1, 0],
  ['2025-DN', 'S5', 'D', 1, 1],
];

/** Records per school and kind: [period, school, kind, records]. */
export const FIXTURE_RECORDS: Array<[string, string, string, number]> = [
  ['2024-CN', 'S1', 'hoc_sinh', 10],
  ['2024-CN', 'S1', 'can_bo', 4],
  ['2024-CN', 'S1', 'truong_hoc', 1],
  ['2024-CN', 'S2', 'truong_hoc', 1],
  ['2024-CN', 'S3', 'hoc_sinh', 20],
  ['2024-CN', 'S3', 'can_bo', 10],
  ['2024-CN', 'S3', 'truong_hoc', 1],
  ['2024-CN', 'S4', 'hoc_sinh', 5],
  ['2024-CN', 'S4', 'can_bo', 5],
  ['2024-CN', 'S4', 'truong_hoc', 1],
  ['2025-DN', 'S1', 'hoc_sinh', 10],
  ['2025-DN', 'S1', 'can_bo', 4],
  ['2025-DN', 'S1', 'truong_hoc', 1],
  ['2025-DN', 'S2', 'hoc_sinh', 20],
  ['2025-DN', 'S2', 'can_bo', 8],
  ['2025-DN', 'S2', 'truong_hoc', 1],
  ['2025-DN', 'S3', 'hoc_sinh', 20],
  ['2025-DN', 'S3', 'can_bo', 10],
  ['2025-DN', 'S3', 'truong_hoc', 1],
  ['2025-DN', 'S4', 'hoc_sinh', 5],
  ['2025-DN', 'S4', 'can_bo', 5],
  ['2025-DN', 'S4', 'truong_hoc', 1],
  ['2025-DN', 'S5', 'truong_hoc', 1],
];

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Failing records: [period, school, rule, kind, record ids]. S3's learners 37-40 fail both A and B. */
export const FIXTURE_FAILURES: Array<[string, string, string, string, number[]]> = [
  ['2024-CN', 'S2', 'D', 'truong_hoc', [2]],
  ['2025-DN', 'S1', 'B', 'hoc_sinh', ids(11, 15)],
  ['2025-DN', 'S1', 'C', 'can_bo', [101]],
  ['2025-DN', 'S2', 'B', 'hoc_sinh', ids(21, 30)],
  ['2025-DN', 'S2', 'C', 'can_bo', [201, 202]],
  ['2025-DN', 'S3', 'A', 'hoc_sinh', ids(31, 40)],
  ['2025-DN', 'S3', 'B', 'hoc_sinh', ids(37, 40)],
  ['2025-DN', 'S3', 'D', 'truong_hoc', [3]],
  ['2025-DN', 'S4', 'A', 'hoc_sinh', ids(41, 45)],
  ['2025-DN', 'S4', 'C', 'can_bo', ids(301, 305)],
  ['2025-DN', 'S5', 'D', 'truong_hoc', [5]],
];

const NAMES: Record<string, string> = {
  S1: 'Trường Lê Lợi',
  S2: 'Trường Bạch Đằng',
  S3: 'Trường Nguyễn Huệ',
  S4: 'Trường Chu Văn An',
  S5: 'Trường Đinh Tiên Hoàng',
};

function units(period: string, p2Key: string, schools: string[]): string[] {
  const rows = [
    ['VN', 'VN', 'nation', null, null, null],
    ['01', '01@2000', 'province', 'VN', 'nation', '01'],
    ['02', p2Key, 'province', 'VN', 'nation', '02'],
    ['C11', 'C11', 'commune', '01', 'province', '01'],
    ['C12', 'C12', 'commune', '01', 'province', '01'],
    ['C21', 'C21', 'commune', '02', 'province', '02'],
    ['S1', 'S1', 'school', 'C11', 'commune', '01'],
    ['S2', 'S2', 'school', 'C11', 'commune', '01'],
    ['S3', 'S3', 'school', 'C12', 'commune', '01'],
    ['S4', 'S4', 'school', 'C21', 'commune', '02'],
    ['S5', 'S5', 'school', 'C21', 'commune', '02'],
  ].filter((u) => u[2] !== 'school' || schools.includes(u[0] as string));
  const q = (v: string | null) => (v === null ? 'null' : `'${v}'`);
  return rows.map(
    ([code, key, level, parent, parentLevel, province]) =>
      `('${period}', ${q(key)}, ${q(code)}, ${q(level)}, '${NAMES[code as string] ?? `Đơn vị ${code}`}', ${q(parent)}, ${q(parentLevel)}, ${q(province)})`,
  );
}

/**
 * Builds the fixture: inputs (quality.dq_periods, quality.dq_units), the history, and the raw
 * records the failure list describes (S3's learners in classes 6A and 6B of grade 6).
 */
export async function buildScoreFixture(conn: DuckDBConnection): Promise<void> {
  await migrate(conn);
  const failures = FIXTURE_FAILURES.flatMap(([p, s, r, kind, list]) =>
    list.map((id) => `('${p}', '${s}', '${r}', '${kind}', ${id}, 'f_${r}', 'Lỗi ${r} của ${kind}:${id}', null, null, 'fixture')`),
  );
  await conn.run(`
    create schema if not exists quality;
    create or replace table quality.dq_periods as
    select * from (values
      ('2024-CN', 2024, 'CN', date '2025-05-31', 1),
      ('2025-DN', 2025, 'DN', date '2025-09-30', 2)
    ) t(period, nam_hoc, ky, census_day, period_order);
    create or replace table quality.dq_units (
      period varchar, unit_key varchar, unit_code varchar, unit_level varchar, unit_name varchar,
      parent_code varchar, parent_level varchar, province_code varchar);
    insert into quality.dq_units values
      ${[...units('2024-CN', '02@2000', ['S1', 'S2', 'S3', 'S4']), ...units('2025-DN', '02@2025', ['S1', 'S2', 'S3', 'S4', 'S5'])].join(',\n')};
    insert into meta.quality_runs (run_id, started_at, periods, rules, status)
    values ('fixture', timestamp '2025-10-01 08:00', ['2024-CN', '2025-DN'], 4, 'succeeded');
    insert into meta.quality_rule_results values
      ${FIXTURE_RESULTS.map(([p, s, r, c, f]) => `('${p}', '${s}', '${r}', ${c}, ${f}, 'fixture')`).join(',\n')};
    insert into meta.quality_record_counts values
      ${FIXTURE_RECORDS.map(([p, s, k, n]) => `('${p}', '${s}', '${k}', ${n}, 'fixture')`).join(',\n')};
    insert into meta.quality_failures values ${failures.join(',\n')};
    create schema if not exists raw;
    create or replace table raw.hoc_sinh as
    select i as id, 'ps' || i as ma_hoc_sinh, 'S3' as ma_truong_hoc, 2025 as nam_hoc, 6 as khoi_hoc,
      case when i < 36 then 'L6A' else 'L6B' end as ma_lop_hoc_dn, 'L6B' as ma_lop_hoc_cn
    from range(31, 41) t(i);
    create or replace table raw.lop_hoc as select * from (values
      (901, 'L6A', 'S3', 2025, '6A', '06', null::timestamptz),
      (902, 'L6B', 'S3', 2025, '6B', '06', null::timestamptz)
    ) t(id, ma_lop_hoc, ma_truong_hoc, nam_hoc, ten_lop_hoc, khoi_hoc, deleted_at);
    create or replace table raw.can_bo (id bigint, ma_can_bo varchar, ma_truong_hoc varchar, nam_hoc integer);`);
  await recordCatalog(conn, 'fixture', FIXTURE_RULES, FIXTURE_BANDS);
}
