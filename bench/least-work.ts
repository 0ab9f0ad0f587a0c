/**
 * Lower bounds for the transform and quality targets: the least work any implementation of what
 * the issues ask must do, timed against the same learner-fact scan as the target. Each query is
 * a deliberately reduced part of the real computation (one indicator without breakdowns, two
 * rule families without their conditions), read-only, with its result aggregated to a few rows,
 * so that what it costs is a floor under the whole, not an estimate of it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../lib/warehouse.ts';

/** Enrolled on a census day: the statuses core.fct_learners counts (01, 02, 03, 06, 07, 10). */
const ENROLLED = '(1, 2, 3, 6, 7, 10)';

/**
 * Transform: each learner record's status on both census days of its school year, counted per
 * school and school year, straight from staging. Every learner indicator (2105 and all that
 * divide by it) needs this join of the records with their status history; here it has no
 * breakdown, no school validity, no status-date fallback, and writes nothing.
 */
export const CENSUS_STATUS_SQL = `
  with history as (
    select
      ma_hoc_sinh,
      ma_truong_hoc,
      nam_hoc,
      arg_max(trang_thai, epoch_us(ngay_hieu_luc) + hoc_sinh_trang_thai_id)
        filter (where ngay_hieu_luc <= make_date(nam_hoc, 9, 30)) as status_dn,
      arg_max(trang_thai, epoch_us(ngay_hieu_luc) + hoc_sinh_trang_thai_id)
        filter (where ngay_hieu_luc <= make_date(nam_hoc + 1, 5, 31)) as status_cn
    from staging.stg_csdl__hoc_sinh_trang_thai
    where not is_deleted
    group by all
  )
  select
    l.ma_truong_hoc,
    l.nam_hoc,
    count_if(coalesce(h.status_dn, l.trang_thai) in ${ENROLLED}) as enrolled_dn,
    count_if(coalesce(h.status_cn, l.trang_thai) in ${ENROLLED}) as enrolled_cn
  from staging.stg_csdl__hoc_sinh as l
  left join history as h using (ma_hoc_sinh, ma_truong_hoc, nam_hoc)
  where not l.is_deleted
  group by all`;

/**
 * Quality, one school year's learner records: (1) every column the warehouse keeps of them read
 * once (required fields, code lists, dates, formats and the personal-field flags are all checked
 * on these columns; here only null counts), and (2) the one group-by of their pseudonyms that
 * "the same learner in two schools" needs (here over all live records, not only the enrolled).
 * Staff, classes, schools, rooms, status history, totals, timeliness, jumps and outliers are left
 * out. Returns the two queries.
 */
export async function learnerRuleFloorSql(conn: DuckDBConnection, namHoc: number): Promise<{ everyColumn: string; duplicates: string }> {
  if (!Number.isInteger(namHoc)) throw new Error(`school year must be a whole number, got ${namHoc}`);
  const columns = await queryRows<{ column_name: string }>(
    conn,
    `select column_name from information_schema.columns
     where table_schema = 'raw_store' and table_name = 'hoc_sinh' and column_name not in ('_run_id', '_loaded_at')
     order by ordinal_position`,
  );
  const year = `nam_hoc = ${namHoc}`;
  return {
    everyColumn: `select ${columns.map((c) => `count_if("${c.column_name}" is null)`).join(', ')} from raw.hoc_sinh where ${year}`,
    duplicates: `select count(*) from (
      select ma_hoc_sinh from raw.hoc_sinh where ${year} and deleted_at is null group by 1 having count(*) > 1)`,
  };
}

/** Runs `sql` `runs` times after one untimed run; the median wall seconds. */
export async function medianSeconds(conn: DuckDBConnection, sql: string, runs = 3): Promise<number> {
  await conn.run(sql);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await conn.run(sql);
    times.push((performance.now() - t0) / 1000);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(runs / 2)];
}
