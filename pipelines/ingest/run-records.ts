/**
 * The ETL's durable records (tables created by the meta store's migrations, never dropped):
 *   meta.etl_runs        one row per run: kind, start and end, status, error, snapshot, source
 *   meta.etl_table_runs  one row per table per successful run: mode, rows read / inserted /
 *                        updated / deleted, row count after the run, watermark, seconds
 * A run is inserted as 'running' and becomes 'succeeded' in the same transaction that publishes
 * its data; a run found 'running' at the next start was interrupted and is marked so.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { metaDb } from '../../lib/meta-store/index.ts';

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

/** Marks runs left 'running' by a killed process as interrupted; returns their ids. */
export async function markInterrupted(conn: DuckDBConnection, by: string): Promise<string[]> {
  const rows = await metaDb(conn)
    .updateTable('meta.etl_runs')
    .set({
      status: 'interrupted',
      finished_at: new Date(),
      error: `bị ngắt (interrupted): tiến trình đã dừng trước khi lần chạy xong (bị tắt hoặc bị lỗi); kho dữ liệu giữ trạng thái trước đó; phát hiện bởi ${by}`,
    })
    .where('status', '=', 'running')
    .returning('run_id')
    .execute();
  return rows.map((r) => r.run_id);
}

/** Whether a run ever succeeded (an incremental load needs a previous full one). */
export async function hasSucceededRun(conn: DuckDBConnection): Promise<boolean> {
  const row = await metaDb(conn).selectFrom('meta.etl_runs').select('run_id').where('status', '=', 'succeeded').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Per table, the content md5 recorded by its last successful load (tables without ids). */
export async function lastContentMd5(conn: DuckDBConnection): Promise<Map<string, string>> {
  const rows = await metaDb(conn)
    .selectFrom('meta.etl_table_runs as t')
    .innerJoin('meta.etl_runs as r', 'r.run_id', 't.run_id')
    .where('r.status', '=', 'succeeded')
    .where('t.content_md5', 'is not', null)
    .select(['t.table_name', 't.content_md5', 'r.started_at'])
    .orderBy('r.started_at', 'desc')
    .execute();
  const latest = new Map<string, string>();
  for (const r of rows) if (!latest.has(r.table_name)) latest.set(r.table_name, r.content_md5!);
  return latest;
}

/** Records the start of a run. */
export async function startRun(conn: DuckDBConnection, run: { runId: string; kind: string; startedAt: string; source: string }): Promise<void> {
  await metaDb(conn)
    .insertInto('meta.etl_runs')
    .values({ run_id: run.runId, kind: run.kind, started_at: run.startedAt, status: 'running', source_url_redacted: run.source })
    .execute();
}

/** Records the snapshot a run reads, with its transaction horizon. */
export async function setSnapshot(conn: DuckDBConnection, runId: string, snapshot: { snapshotId: string; xmin: string; xmax: string }): Promise<void> {
  await metaDb(conn)
    .updateTable('meta.etl_runs')
    .set({ snapshot_id: snapshot.snapshotId, source_xmin: snapshot.xmin, source_xmax: snapshot.xmax })
    .where('run_id', '=', runId)
    .execute();
}

/** The transaction horizon of the last successful run's snapshot (null when it was not recorded). */
export async function lastHorizon(conn: DuckDBConnection): Promise<{ runId: string; xmin: bigint; xmax: bigint } | null> {
  const r = await metaDb(conn)
    .selectFrom('meta.etl_runs')
    .select(['run_id', 'source_xmin', 'source_xmax'])
    .where('status', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r || r.source_xmin === null || r.source_xmax === null) return null;
  return { runId: r.run_id, xmin: BigInt(r.source_xmin), xmax: BigInt(r.source_xmax) };
}

/** Marks a run failed with its (value-free) error message. */
export async function failRun(conn: DuckDBConnection, runId: string, error: string): Promise<void> {
  await metaDb(conn)
    .updateTable('meta.etl_runs')
    .set({ status: 'failed', finished_at: new Date(), error: error.slice(0, 4000) })
    .where('run_id', '=', runId)
    .execute();
}

/** Inside the publish transaction: the per-table records and the run's success. */
export async function recordSuccess(conn: DuckDBConnection, runId: string, tables: TableRunRecord[], finishedAt: string): Promise<void> {
  const db = metaDb(conn);
  if (tables.length > 0) {
    await db
      .insertInto('meta.etl_table_runs')
      .values(
        tables.map((t) => ({
          run_id: runId,
          table_name: t.table,
          mode: t.mode,
          rows_read: t.rowsRead,
          keys_read: t.keysRead,
          inserted: t.inserted,
          updated: t.updated,
          deleted: t.deleted,
          row_count: t.rowCount,
          watermark: t.watermark,
          seconds: t.seconds,
          content_md5: t.contentMd5,
          change_detection: t.changeDetection,
        })),
      )
      .execute();
  }
  await db.updateTable('meta.etl_runs').set({ status: 'succeeded', finished_at: finishedAt }).where('run_id', '=', runId).execute();
}
