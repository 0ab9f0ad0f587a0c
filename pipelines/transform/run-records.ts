/**
 * The durable history of transform runs in schema `meta` (never dropped by a rebuild): one row per
 * run, per model built, and per test evaluated, so "what ran, how long, what failed" is a query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TestResult } from './model-tests.ts';

export type ModelRunRecord = {
  model: string;
  materialized: string;
  mode: 'full' | 'partitions' | null;
  status: 'success' | 'error' | 'skipped';
  rows: number | null;
  seconds: number;
  error: string | null;
};

/** Creates the meta tables when missing. */
export async function ensureRunTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create schema if not exists meta;
    create table if not exists meta.transform_runs (
      run_id varchar primary key,
      started_at timestamptz not null,
      finished_at timestamptz,
      status varchar not null,          -- running, success, failed
      selection varchar,                -- models or layers asked for, comma-separated
      provinces varchar,                -- provinces recomputed (null: all)
      models_built integer,
      models_failed integer,
      models_skipped integer,
      tests_passed integer,
      tests_failed integer,
      error varchar
    );
    create table if not exists meta.model_runs (
      run_id varchar not null,
      model varchar not null,
      materialized varchar not null,
      mode varchar,                     -- full, partitions
      status varchar not null,          -- success, error, skipped
      rows bigint,
      seconds double,
      error varchar,
      finished_at timestamptz not null default current_timestamp
    );
    create table if not exists meta.test_results (
      run_id varchar not null,
      model varchar not null,
      test varchar not null,
      status varchar not null,          -- pass, fail, error
      failures bigint not null,
      sample_keys json,                 -- keys of up to 10 offending rows
      message varchar,
      seconds double
    );`);
}

/** Opens the run's row in meta.transform_runs with status 'running'. */
export async function recordRunStart(conn: DuckDBConnection, runId: string, selection: string[], provinces?: string[]): Promise<void> {
  await conn.run(`insert into meta.transform_runs (run_id, started_at, status, selection, provinces) values (?, current_timestamp, 'running', ?, ?)`, [
    runId,
    selection.join(','),
    provinces && provinces.length ? provinces.join(',') : null,
  ]);
}

/** Appends one model's outcome (rows, seconds, error) to meta.model_runs. */
export async function recordModelRun(conn: DuckDBConnection, runId: string, r: ModelRunRecord): Promise<void> {
  await conn.run(`insert into meta.model_runs (run_id, model, materialized, mode, status, rows, seconds, error) values (?, ?, ?, ?, ?, ?, ?, ?)`, [
    runId,
    r.model,
    r.materialized,
    r.mode,
    r.status,
    r.rows,
    r.seconds,
    r.error,
  ]);
}

/** Appends the run's test results in one statement. */
export async function recordTestResults(conn: DuckDBConnection, runId: string, results: TestResult[]): Promise<void> {
  if (results.length === 0) return;
  const values: Array<string | number | null> = [];
  for (const t of results) {
    values.push(runId, t.model, t.test, t.status, t.failures, t.sample.length ? JSON.stringify(t.sample) : null, t.message || null, t.seconds);
  }
  const rows = results.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  await conn.run(`insert into meta.test_results values ${rows}`, values);
}

/** Closes the run's row: final status, counts of models and tests, the first errors. */
export async function recordRunEnd(
  conn: DuckDBConnection,
  runId: string,
  s: { status: string; built: number; failed: number; skipped: number; testsPassed: number; testsFailed: number; error: string | null },
): Promise<void> {
  await conn.run(
    `update meta.transform_runs set finished_at = current_timestamp, status = ?, models_built = ?, models_failed = ?, models_skipped = ?,
       tests_passed = ?, tests_failed = ?, error = ? where run_id = ?`,
    [s.status, s.built, s.failed, s.skipped, s.testsPassed, s.testsFailed, s.error, runId],
  );
}
