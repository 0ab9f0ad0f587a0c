/**
 * The ETL's durable records, in schema `meta` of the warehouse file (never dropped by a rebuild):
 *   meta.etl_runs        one row per run: kind, start and end, status, error, snapshot, source
 *   meta.etl_table_runs  one row per table per successful run: mode, rows read / inserted /
 *                        updated / deleted, row count after the run, watermark, seconds
 * A run is inserted as 'running' and becomes 'succeeded' in the same transaction that publishes
 * its data; a run found 'running' at the next start was interrupted and is marked 'failed'.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';

/** What one table contributed to a run. */
export type TableRunRecord = {
  table: string;
  mode: 'full' | 'incremental';
  rowsRead: number;
  keysRead: number;
  inserted: number;
  updated: number;
  deleted: number;
  rowCount: number;
  /** max(updated_at) of the snapshot, text with offset; null for tables without updated_at. */
  watermark: string | null;
  /** md5 of the extracted content of a table without ids (null for id-keyed tables). */
  contentMd5: string | null;
  /** How an incremental load found its changes ('xmin' or 'keys'); null for full loads. */
  changeDetection: 'xmin' | 'keys' | null;
  seconds: number;
};

/** A fresh run id: `etl-20261121T233000Z-1a2b`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `etl-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Creates the meta schema and tables when missing. */
export async function ensureRunTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create schema if not exists meta;
    create table if not exists meta.etl_runs (
      run_id varchar primary key,
      kind varchar not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      status varchar not null,
      error varchar,
      snapshot_id varchar,
      source_url_redacted varchar
    );
    create table if not exists meta.etl_table_runs (
      run_id varchar not null,
      table_name varchar not null,
      mode varchar not null,
      rows_read bigint not null,
      keys_read bigint not null,
      inserted bigint not null,
      updated bigint not null,
      deleted bigint not null,
      row_count bigint not null,
      watermark timestamptz,
      seconds double not null,
      primary key (run_id, table_name)
    );
    alter table meta.etl_table_runs add column if not exists content_md5 varchar;
    alter table meta.etl_table_runs add column if not exists change_detection varchar;
    alter table meta.etl_runs add column if not exists source_xmin varchar;
    alter table meta.etl_runs add column if not exists source_xmax varchar;`);
}

/** Marks runs left 'running' by a killed process as failed; returns their ids. */
export async function markInterrupted(conn: DuckDBConnection, by: string): Promise<string[]> {
  const rows = await queryRows<{ run_id: string }>(
    conn,
    `update meta.etl_runs set status = 'failed', finished_at = $1::timestamptz,
            error = 'interrupted: the process stopped before the run finished (killed or crashed); the warehouse kept the previous state; noticed by ' || $2
      where status = 'running' returning run_id`,
    [new Date().toISOString(), by],
  );
  return rows.map((r) => r.run_id);
}

/** Whether a run ever succeeded (an incremental load needs a previous full one). */
export async function hasSucceededRun(conn: DuckDBConnection): Promise<boolean> {
  const rows = await queryRows(conn, `select 1 from meta.etl_runs where status = 'succeeded' limit 1`);
  return rows.length > 0;
}

/** Per table, the content md5 recorded by its last successful load (tables without ids). */
export async function lastContentMd5(conn: DuckDBConnection): Promise<Map<string, string>> {
  const rows = await queryRows<{ table_name: string; content_md5: string }>(
    conn,
    `select table_name, content_md5 from (
       select t.table_name, t.content_md5, row_number() over (partition by t.table_name order by r.started_at desc) as rn
         from meta.etl_table_runs t join meta.etl_runs r using (run_id) where r.status = 'succeeded')
      where rn = 1 and content_md5 is not null`,
  );
  return new Map(rows.map((r) => [r.table_name, r.content_md5]));
}

/** Records the start of a run. */
export async function startRun(conn: DuckDBConnection, run: { runId: string; kind: string; startedAt: string; source: string }): Promise<void> {
  await conn.run(`insert into meta.etl_runs (run_id, kind, started_at, status, source_url_redacted) values ($1, $2, $3::timestamptz, 'running', $4)`, [
    run.runId,
    run.kind,
    run.startedAt,
    run.source,
  ]);
}

/** Records the snapshot a run reads, with its transaction horizon. */
export async function setSnapshot(conn: DuckDBConnection, runId: string, snapshot: { snapshotId: string; xmin: string; xmax: string }): Promise<void> {
  await conn.run(`update meta.etl_runs set snapshot_id = $1, source_xmin = $2, source_xmax = $3 where run_id = $4`, [snapshot.snapshotId, snapshot.xmin, snapshot.xmax, runId]);
}

/** The transaction horizon of the last successful run's snapshot (null when it was not recorded). */
export async function lastHorizon(conn: DuckDBConnection): Promise<{ runId: string; xmin: bigint; xmax: bigint } | null> {
  const rows = await queryRows<{ run_id: string; source_xmin: string | null; source_xmax: string | null }>(
    conn,
    `select run_id, source_xmin, source_xmax from meta.etl_runs where status = 'succeeded' order by started_at desc limit 1`,
  );
  const r = rows[0];
  if (!r || r.source_xmin === null || r.source_xmax === null) return null;
  return { runId: r.run_id, xmin: BigInt(r.source_xmin), xmax: BigInt(r.source_xmax) };
}

/** Marks a run failed with its (value-free) error message. */
export async function failRun(conn: DuckDBConnection, runId: string, error: string): Promise<void> {
  await conn.run(`update meta.etl_runs set status = 'failed', finished_at = $1::timestamptz, error = $2 where run_id = $3`, [
    new Date().toISOString(),
    error.slice(0, 4000),
    runId,
  ]);
}

/** Inside the publish transaction: the per-table records and the run's success. */
export async function recordSuccess(conn: DuckDBConnection, runId: string, tables: TableRunRecord[], finishedAt: string): Promise<void> {
  const text = (v: string | null) => (v === null ? 'null' : literal(v));
  const rows = tables.map(
    (t) =>
      `(${text(runId)}, ${text(t.table)}, ${text(t.mode)}, ${t.rowsRead}, ${t.keysRead}, ${t.inserted}, ${t.updated}, ${t.deleted}, ` +
      `${t.rowCount}, ${text(t.watermark)}::timestamptz, ${t.seconds}, ${text(t.contentMd5)}, ${text(t.changeDetection)})`,
  );
  if (rows.length > 0) {
    await conn.run(
      `insert into meta.etl_table_runs (run_id, table_name, mode, rows_read, keys_read, inserted, updated, deleted, row_count, watermark, seconds, content_md5, change_detection)
       values ${rows.join(',\n')}`,
    );
  }
  await conn.run(`update meta.etl_runs set status = 'succeeded', finished_at = $1::timestamptz where run_id = $2`, [finishedAt, runId]);
}
