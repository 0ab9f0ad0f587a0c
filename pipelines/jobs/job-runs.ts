/**
 * Run history in meta.job_runs (durable: the pipelines never drop schema meta): one row per run
 * of ETL -> transform -> quality, with its trigger, status, the step it reached and attempts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const DDL = `
create schema if not exists meta;
create table if not exists meta.job_runs (
    run_id varchar primary key,
    trigger varchar not null,
    requested_by varchar,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    step varchar,
    attempts integer not null default 0,
    etl_run_id varchar,
    error varchar
);`;

/** Creates meta.job_runs when missing. */
export async function ensureJobRuns(conn: DuckDBConnection): Promise<void> {
  await conn.run(DDL);
}

/** Records a run's start (status 'running'). */
export async function recordStart(conn: DuckDBConnection, runId: string, trigger: string, requestedBy: string | null): Promise<void> {
  await conn.run(
    `insert into meta.job_runs (run_id, trigger, requested_by, started_at, status) values ($1, $2, $3, current_timestamp, 'running')`,
    [runId, trigger, requestedBy],
  );
}

/** Records the step a run is on (attempts counts every try of every step). */
export async function recordStep(conn: DuckDBConnection, runId: string, step: string): Promise<void> {
  await conn.run(`update meta.job_runs set step = $2, attempts = attempts + 1 where run_id = $1`, [runId, step]);
}

/** Records the ETL's own run id, to join meta.etl_runs. */
export async function recordEtlRunId(conn: DuckDBConnection, runId: string, etlRunId: string): Promise<void> {
  await conn.run(`update meta.job_runs set etl_run_id = $2 where run_id = $1`, [runId, etlRunId]);
}

/** Records the end of a run. */
export async function recordEnd(conn: DuckDBConnection, runId: string, status: 'success' | 'failed', error: string | null): Promise<void> {
  await conn.run(`update meta.job_runs set status = $2, finished_at = current_timestamp, error = $3 where run_id = $1`, [runId, status, error]);
}

/** Marks runs left 'running' by a process that died as 'interrupted' (called at server start). */
export async function closeInterrupted(conn: DuckDBConnection): Promise<void> {
  await conn.run(`update meta.job_runs set status = 'interrupted', finished_at = current_timestamp where status = 'running'`);
}
