/**
 * The version of the published data that suppression decisions are kept under: when the last
 * transform and quality runs started and finished (meta.transform_runs, meta.quality_runs). A
 * run that starts or ends changes it, so that decisions are made afresh on the data it publishes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '../db/read-rows.ts';

const OF = (table: string) =>
  `(select coalesce(cast(max(started_at) as varchar), '') || '/' || coalesce(cast(max(finished_at) as varchar), '') || '/' || count(*) from ${table})`;

/** The data version, read in the caller's snapshot (the meta tables exist once the warehouse is open). */
export async function dataVersion(conn: DuckDBConnection): Promise<string> {
  const [row] = await readRows<{ v: string }>(conn, `select ${OF('meta.transform_runs')} || '|' || ${OF('meta.quality_runs')} as v`);
  return row.v;
}
