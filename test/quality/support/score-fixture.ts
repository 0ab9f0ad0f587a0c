/**
 * A hand-built quality history for the score and rank models: two periods, five schools in
 * three communes of two provinces, four rules. Expected scores and ranks are worked out by hand
 * in scores.test.ts.
 *
 *   VN ─┬─ P1 (01) ─┬─ C11 ─┬─ S1
 *       │           │       └─ S2
 *       │           └─ C12 ─── S3
 *       └─ P2 (02) ─── C21 ─┬─ S4
 *                           └─ S5 (new in 2025-DN)
 * Province 02 is a different unit in each period (unit_key '02@2000' then '02@2025'), as a
 * code reused after the 2025 reorganisation is.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { migrate } from '../../../lib/meta-store/index.ts';
import { recordCatalog } from '../../../pipelines/quality/catalog-table.ts';
import type { Rule } from '../../../pipelines/quality/rule.ts';

const rule = (id: string, dimension: Rule['dimension'], weight: number): Rule => ({
  kind: 'query',
  id,
  dimension,
  weight,
  family: 'required',
  level: 'record',
  table: 'hoc_sinh',
  vi: `Quy tắc ${id}`,
  en: `Rule ${id}`,
  sql: 'select 1',
});

/** A (completeness, w 1), B (completeness, w 2), C (validity, w 1), D (timeliness, w 1). */
export const FIXTURE_RULES: Rule[] = [rule('A', 'completeness', 1), rule('B', 'completeness', 2), rule('C', 'validity', 1), rule('D', 'timeliness', 1)];

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
  ['2025-DN', 'S2', 'A', 10, 0],
  ['2025-DN', 'S2', 'B', 10, 5],
  ['2025-DN', 'S2', 'C', 4, 1],
  ['2025-DN', 'S2', 'D', 1, 0],
  ['2025-DN', 'S3', 'A', 20, 10],
  ['2025-DN', 'S3', 'C', 10, 0],
  ['2025-DN', 'S3', 'D', 1, 1],
  ['2025-DN', 'S4', 'A', 5, 5],
  ['2025-DN', 'S4', 'B', 5, 0],
  ['2025-DN', 'S4', 'C', 5, 5],
  ['2025-DN', 'S4', 'D', 1, 0],
  ['2025-DN', 'S5', 'D', 1, 1],
];

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
      `('${period}', ${q(key)}, ${q(code)}, ${q(level)}, 'Đơn vị ${code}', ${q(parent)}, ${q(parentLevel)}, ${q(province)})`,
  );
}

/** Builds the fixture: inputs (quality.dq_periods, quality.dq_units) and the history. */
export async function buildScoreFixture(conn: DuckDBConnection): Promise<void> {
  await migrate(conn);
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
    insert into meta.quality_runs (run_id, started_at, periods, rules, sample_size, status)
    values ('fixture', timestamp '2025-10-01 08:00', ['2024-CN', '2025-DN'], 4, 20, 'succeeded');
    insert into meta.quality_rule_results values
      ${FIXTURE_RESULTS.map(([p, s, r, c, f]) => `('${p}', '${s}', '${r}', ${c}, ${f}, 'fixture')`).join(',\n')};
    insert into meta.quality_failures values
      ('2025-DN', 'S3', 'A', 'hoc_sinh:31', 31, 'ps31', 'ma_dan_toc', 'fixture');`);
  await recordCatalog(conn, 'fixture', FIXTURE_RULES);
}
