/**
 * The durable side of data quality, the meta store's `meta.quality_*` tables: what each evaluation
 * run used (catalogue, weights) and found (school-level rule results and failing records per
 * period). A rebuild of the derived tables never drops them; re-evaluating a period replaces that
 * period's rows only, so trends over periods are queries over this history, never re-runs. The
 * models in models/quality derive everything published under schema `quality` from it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import { recordCatalog } from './catalog-table.ts';
import type { Rule } from './rule.ts';
import { QualityError } from './run-quality.ts';

/** Refuses an id already recorded: a reused id would mix two runs' catalogues under one id. */
export async function assertNewRunId(conn: DuckDBConnection, runId: string): Promise<void> {
  const used = await queryRows(conn, `select 1 from meta.quality_runs where run_id = ${literal(runId)}`);
  if (used.length) throw new QualityError(`quality run id ${runId} is already recorded; give each run its own id`);
}

/** Records the start of a run (status 'running'). */
export async function startRun(conn: DuckDBConnection, run: { runId: string; periods: readonly string[]; rules: number; sampleSize: number }): Promise<void> {
  await assertNewRunId(conn, run.runId);
  await conn.run(`
    insert into meta.quality_runs (run_id, started_at, periods, rules, sample_size, status)
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
    await conn.run(`delete from meta.quality_rule_results where period in (${list})`);
    await conn.run(`delete from meta.quality_failures where period in (${list})`);
    await conn.run(`
      insert into meta.quality_rule_results
      select period, unit_code, rule_id, checked, failed, ${id} from dq_stage_results`);
    await conn.run(`
      insert into meta.quality_failures
      select period, unit_code, rule_id, record_key, record_id, pseudonym, detail, ${id}
      from dq_stage_failures`);
    await recordCatalog(conn, runId, rules);
    await conn.run(`
      update meta.quality_runs
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
    update meta.quality_runs
    set status = 'failed', finished_at = current_localtimestamp(), error = ${literal(error)}
    where run_id = ${literal(runId)}`);
}
