/**
 * The durable side of data quality, schema `quality_history`: what each evaluation run used
 * (catalogue, weights) and found (school-level rule results and failure samples per period).
 * A rebuild of the derived tables never drops it; re-evaluating a period replaces that period's
 * rows only, so trends over periods are queries over this history, never re-runs. The models in
 * models/quality derive everything published under schema `quality` from it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import { recordCatalog } from './catalog-table.ts';
import type { Rule } from './rule.ts';
import { QualityError } from './run-quality.ts';

/** Creates the history tables when they do not exist; never alters existing rows. */
export async function ensureHistory(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create schema if not exists quality_history;
    -- one row per evaluation run
    create table if not exists quality_history.runs (
      run_id varchar not null,
      started_at timestamp not null,
      finished_at timestamp,
      periods varchar[] not null,
      rules integer not null,
      records_checked bigint,
      sample_size integer not null,
      status varchar not null,          -- running, succeeded, failed
      error varchar
    );
    -- the catalogue each run used (rule SQL included)
    create table if not exists quality_history.rule_catalog (
      run_id varchar not null,
      rule_id varchar not null,
      dimension varchar not null,
      family varchar not null,
      level varchar not null,
      table_name varchar not null,
      field varchar,
      description_vi varchar not null,
      description_en varchar not null,
      weight double not null,
      thresholds map(varchar, double),
      rule_sql varchar not null
    );
    -- the dimension weights each run used
    create table if not exists quality_history.dimension_weights (
      run_id varchar not null,
      dimension varchar not null,
      weight double not null
    );
    -- records checked and failed per period x school x rule, from the latest run of the period
    create table if not exists quality_history.rule_results (
      period varchar not null,
      unit_code varchar not null,
      rule_id varchar not null,
      checked bigint not null,
      failed bigint not null,
      run_id varchar not null
    );
    -- bounded sample of failing records per period x school x rule (pseudonymous keys only)
    create table if not exists quality_history.failures (
      period varchar not null,
      unit_code varchar not null,
      rule_id varchar not null,
      record_key varchar not null,
      record_id bigint,
      pseudonym varchar,
      detail varchar,
      run_id varchar not null
    );
  `);
}

/** Records the start of a run (status 'running'). */
export async function startRun(conn: DuckDBConnection, run: { runId: string; periods: readonly string[]; rules: number; sampleSize: number }): Promise<void> {
  // a reused id would mix two runs' catalogues under one id
  const used = await queryRows(conn, `select 1 from quality_history.runs where run_id = ${literal(run.runId)}`);
  if (used.length) throw new QualityError(`quality run id ${run.runId} is already recorded; give each run its own id`);
  await conn.run(`
    insert into quality_history.runs (run_id, started_at, periods, rules, sample_size, status)
    values (${literal(run.runId)}, current_localtimestamp(), [${run.periods.map(literal).join(', ')}]::varchar[],
      ${run.rules}, ${run.sampleSize}, 'running')`);
}

/**
 * Commits a run in one transaction: replaces the history of its periods with the staged results
 * (temp tables `dq_stage_results` and `dq_stage_failures`), records the catalogue and weights it
 * used, and marks it succeeded. A failure leaves the history as the previous run left it.
 */
export async function commitRun(conn: DuckDBConnection, runId: string, periods: readonly string[], rules: readonly Rule[]): Promise<void> {
  const list = periods.map(literal).join(', ');
  const id = literal(runId);
  await conn.run('begin transaction');
  try {
    await conn.run(`delete from quality_history.rule_results where period in (${list})`);
    await conn.run(`delete from quality_history.failures where period in (${list})`);
    await conn.run(`
      insert into quality_history.rule_results
      select period, unit_code, rule_id, checked, failed, ${id} from dq_stage_results`);
    await conn.run(`
      insert into quality_history.failures
      select period, unit_code, rule_id, record_key, record_id, pseudonym, detail, ${id}
      from dq_stage_failures`);
    await recordCatalog(conn, runId, rules);
    await conn.run(`
      update quality_history.runs
      set status = 'succeeded', finished_at = current_localtimestamp(),
        records_checked = (select coalesce(sum(checked), 0) from dq_stage_results)
      where run_id = ${id}`);
    await conn.run('commit');
  } catch (err) {
    await conn.run('rollback');
    throw err;
  }
}

/** Marks a run failed with its error message (the history itself is untouched). */
export async function failRun(conn: DuckDBConnection, runId: string, error: string): Promise<void> {
  await conn.run(`
    update quality_history.runs
    set status = 'failed', finished_at = current_localtimestamp(), error = ${literal(error)}
    where run_id = ${literal(runId)}`);
}
