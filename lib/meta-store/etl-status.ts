/**
 * What `csdl status` reports, read from the ETL's run records: the last runs, and per table the
 * last successful load (its run, when it finished, the source watermark it reached, rows after
 * it). Here in the meta store so that both `csdl status` (on the warehouse file) and the server
 * (GET /api/admin/status, when it holds the file) read them the same way.
 *
 * A run recorded `running` that no live run of this process claims (live-runs.ts) is reported
 * `interrupted`: whoever reads the records either holds the warehouse for writing, and would be
 * running it, or opened it when no process held it, so its process is gone. The record itself
 * stays `running` until the next ETL marks it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isLiveRun } from './live-runs.ts';

/** One run, newest first. Times are epoch milliseconds. */
export type RunStatus = {
  runId: string;
  kind: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  rowsRead: number;
  inserted: number;
  updated: number;
  deleted: number;
  error: string | null;
};

/** The freshness of one raw table. */
export type TableFreshness = {
  table: string;
  runId: string;
  finishedAt: number;
  /** Source max(updated_at) at that run, epoch ms; null for tables without updated_at. */
  watermark: number | null;
  rowCount: number;
};

/** What a reader is told about a run whose process stopped before it finished. */
const DEAD_RUN_ERROR =
  'bị ngắt (interrupted): tiến trình chạy lần này đã dừng trước khi xong (bị tắt hoặc bị lỗi); kho dữ liệu giữ trạng thái trước đó, lần ETL sau sẽ ghi nhận việc này';

async function queryRows<T>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
}

/** Whether the warehouse holds ETL records at all. */
export async function hasRunRecords(conn: DuckDBConnection): Promise<boolean> {
  const rows = await queryRows(conn, `select 1 from duckdb_tables() where schema_name = 'meta' and table_name = 'etl_runs'`);
  return rows.length > 0;
}

/** The `limit` most recent runs with their row totals. */
export async function lastRuns(conn: DuckDBConnection, limit = 10): Promise<RunStatus[]> {
  const rows = await queryRows<Record<string, string | number | null>>(
    conn,
    `select r.run_id, r.kind, r.status, epoch_ms(r.started_at) as started_at, epoch_ms(r.finished_at) as finished_at, r.error,
            coalesce(sum(t.rows_read), 0)::bigint as rows_read, coalesce(sum(t.inserted), 0)::bigint as inserted,
            coalesce(sum(t.updated), 0)::bigint as updated, coalesce(sum(t.deleted), 0)::bigint as deleted
       from meta.etl_runs r left join meta.etl_table_runs t using (run_id)
      group by r.run_id, r.kind, r.status, r.started_at, r.finished_at, r.error
      order by r.started_at desc limit ${Math.max(1, Math.floor(limit))}`,
  );
  return rows.map((r) => {
    const dead = r.status === 'running' && !isLiveRun(String(r.run_id));
    return {
      runId: String(r.run_id),
      kind: String(r.kind),
      status: dead ? 'interrupted' : String(r.status),
      startedAt: Number(r.started_at),
      finishedAt: r.finished_at === null ? null : Number(r.finished_at),
      rowsRead: Number(r.rows_read),
      inserted: Number(r.inserted),
      updated: Number(r.updated),
      deleted: Number(r.deleted),
      error: dead ? DEAD_RUN_ERROR : r.error === null ? null : String(r.error),
    };
  });
}

/** Per table, its last successful load. */
export async function tableFreshness(conn: DuckDBConnection): Promise<TableFreshness[]> {
  const rows = await queryRows<Record<string, string | number | null>>(
    conn,
    `select table_name, run_id, epoch_ms(finished_at) as finished_at, epoch_ms(watermark) as watermark, row_count
       from (select t.*, r.finished_at,
                    row_number() over (partition by t.table_name order by r.finished_at desc) as rn
               from meta.etl_table_runs t join meta.etl_runs r using (run_id)
              where r.status = 'succeeded')
      where rn = 1 order by table_name`,
  );
  return rows.map((r) => ({
    table: String(r.table_name),
    runId: String(r.run_id),
    finishedAt: Number(r.finished_at),
    watermark: r.watermark === null ? null : Number(r.watermark),
    rowCount: Number(r.row_count),
  }));
}
