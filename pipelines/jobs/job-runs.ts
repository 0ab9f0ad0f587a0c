/**
 * Run history in meta.job_runs (durable: created by the meta store's migrations, never dropped):
 * one row per pipeline run, with its trigger, status, the step it reached and attempts. The
 * run's id is also the id every step records under, so one id joins them all.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { metaDb } from '../../lib/meta-store/index.ts';

/** Records a run's start (status 'running'). */
export async function recordStart(conn: DuckDBConnection, runId: string, trigger: string, requestedBy: string | null): Promise<void> {
  await metaDb(conn)
    .insertInto('meta.job_runs')
    .values({ run_id: runId, trigger, requested_by: requestedBy, started_at: new Date(), status: 'running' })
    .execute();
}

/** Records the step a run is on (attempts counts every try of every step). */
export async function recordStep(conn: DuckDBConnection, runId: string, step: string): Promise<void> {
  await metaDb(conn)
    .updateTable('meta.job_runs')
    .set((eb) => ({ step, attempts: eb('attempts', '+', 1) }))
    .where('run_id', '=', runId)
    .execute();
}

/** Records the end of a run. */
export async function recordEnd(conn: DuckDBConnection, runId: string, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
  await metaDb(conn).updateTable('meta.job_runs').set({ status, finished_at: new Date(), error }).where('run_id', '=', runId).execute();
}

/** Marks runs left 'running' by a process that died as 'interrupted' (called at server start); returns their ids. */
export async function closeInterrupted(conn: DuckDBConnection): Promise<string[]> {
  const rows = await metaDb(conn)
    .updateTable('meta.job_runs')
    .set({ status: 'interrupted', finished_at: new Date() })
    .where('status', '=', 'running')
    .returning('run_id')
    .execute();
  return rows.map((r) => r.run_id);
}
