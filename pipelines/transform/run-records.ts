/**
 * The durable history of transform runs (tables created by the meta store's migrations, never
 * dropped by a rebuild): one row per run, per model built, and per test evaluated, so "what ran,
 * how long, what failed" is a query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isLiveRun, metaDb } from '../../lib/meta-store/index.ts';
import type { TestResult } from './model-tests.ts';

export type ModelRunRecord = {
  model: string;
  materialized: string;
  mode: 'full' | 'partitions' | null;
  status: 'succeeded' | 'failed' | 'skipped';
  rows: number | null;
  seconds: number;
  error: string | null;
};

/**
 * Marks the runs left `running` by a process that died (killed or crashed) as interrupted, and
 * returns their ids. A run this process is executing (lib/meta-store live-runs) is left alone.
 */
export async function markInterrupted(conn: DuckDBConnection, by: string): Promise<string[]> {
  const db = metaDb(conn);
  const rows = await db.selectFrom('meta.transform_runs').select('run_id').where('status', '=', 'running').execute();
  const dead = rows.map((r) => r.run_id).filter((id) => !isLiveRun(id));
  if (dead.length === 0) return [];
  await db
    .updateTable('meta.transform_runs')
    .set({
      status: 'interrupted',
      finished_at: new Date(),
      error: `bị ngắt (interrupted): tiến trình đã dừng trước khi lần chạy xong (bị tắt hoặc bị lỗi); không phần nào được công bố, kho dữ liệu giữ các mô hình của lần chạy thành công gần nhất; phát hiện bởi ${by}`,
    })
    .where('run_id', 'in', dead)
    .where('status', '=', 'running')
    .execute();
  return dead;
}

/** Opens the run's row in meta.transform_runs with status 'running'. */
export async function recordRunStart(conn: DuckDBConnection, runId: string, selection: string[], provinces?: string[]): Promise<void> {
  await metaDb(conn)
    .insertInto('meta.transform_runs')
    .values({
      run_id: runId,
      started_at: new Date(),
      status: 'running',
      selection: selection.join(','),
      provinces: provinces?.length ? provinces.join(',') : null,
    })
    .execute();
}

/** Appends every model's outcome (rows, seconds, error) to meta.model_runs in one statement. */
export async function recordModelRuns(conn: DuckDBConnection, runId: string, records: ModelRunRecord[]): Promise<void> {
  if (records.length === 0) return;
  await metaDb(conn)
    .insertInto('meta.model_runs')
    .values(
      records.map((r) => ({
        run_id: runId,
        model: r.model,
        materialized: r.materialized,
        mode: r.mode,
        status: r.status,
        rows: r.rows,
        seconds: r.seconds,
        error: r.error,
      })),
    )
    .execute();
}

/** Appends the run's test results in one statement. */
export async function recordTestResults(conn: DuckDBConnection, runId: string, results: TestResult[]): Promise<void> {
  if (results.length === 0) return;
  await metaDb(conn)
    .insertInto('meta.test_results')
    .values(
      results.map((t) => ({
        run_id: runId,
        model: t.model,
        test: t.test,
        status: t.status,
        failures: t.failures,
        sample_keys: t.sample.length ? JSON.stringify(t.sample) : null,
        message: t.message || null,
        seconds: t.seconds,
      })),
    )
    .execute();
}

/** Closes the run's row: final status, counts of models and tests, the first errors. */
export async function recordRunEnd(
  conn: DuckDBConnection,
  runId: string,
  s: { status: 'succeeded' | 'failed'; built: number; failed: number; skipped: number; testsPassed: number; testsFailed: number; error: string | null },
): Promise<void> {
  await metaDb(conn)
    .updateTable('meta.transform_runs')
    .set({
      finished_at: new Date(),
      status: s.status,
      models_built: s.built,
      models_failed: s.failed,
      models_skipped: s.skipped,
      tests_passed: s.testsPassed,
      tests_failed: s.testsFailed,
      error: s.error,
    })
    .where('run_id', '=', runId)
    .execute();
}
