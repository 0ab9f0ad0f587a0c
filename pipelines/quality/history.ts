/**
 * The durable side of data quality, the meta store's `meta.quality_*` tables: what each evaluation
 * run used (catalogue, record-kind weights, score bands) and found (school-level rule results,
 * the records of each kind per school, and every failing record per period). A rebuild of the
 * derived tables never drops them; re-evaluating a period replaces that period's rows only, so
 * trends over periods are queries over this history, never re-runs. The first completion of a
 * school's data by the deadline is kept across runs (meta.quality_completions, reporting.sql).
 * The models in models/quality derive everything published under schema `quality` from it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QualityBand } from '../../lib/config.ts';
import { isLiveRun, metaDb } from '../../lib/meta-store/index.ts';
import { literal, queryRows } from '../../lib/warehouse.ts';
import { recordCatalog } from './catalog-table.ts';
import type { Rule } from './rule.ts';
import { QualityError } from './run-quality.ts';

/** Refuses an id already recorded: a reused id would mix two runs' catalogues under one id. */
export async function assertNewRunId(conn: DuckDBConnection, runId: string): Promise<void> {
  const used = await queryRows(conn, `select 1 from meta.quality_runs where run_id = ${literal(runId)}`);
  if (used.length) throw new QualityError(`quality run id ${runId} is already recorded; give each run its own id`);
}

/**
 * Marks the runs left `running` by a process that died as interrupted, and returns their ids; a
 * run this process is executing is left alone. Their staged results never reached the history.
 */
export async function markInterrupted(conn: DuckDBConnection, by: string): Promise<string[]> {
  const db = metaDb(conn);
  const rows = await db.selectFrom('meta.quality_runs').select('run_id').where('status', '=', 'running').execute();
  const dead = rows.map((r) => r.run_id).filter((id) => !isLiveRun(id));
  if (dead.length === 0) return [];
  await db
    .updateTable('meta.quality_runs')
    .set({
      status: 'interrupted',
      finished_at: new Date(),
      error: `interrupted: the process stopped before the run finished (killed or crashed); the history kept the previous run's results; noticed by ${by}`,
    })
    .where('run_id', 'in', dead)
    .where('status', '=', 'running')
    .execute();
  return dead;
}

/** Records the start of a run (status 'running'). */
export async function startRun(conn: DuckDBConnection, run: { runId: string; periods: readonly string[]; rules: number }): Promise<void> {
  await assertNewRunId(conn, run.runId);
  await conn.run(`
    insert into meta.quality_runs (run_id, started_at, periods, rules, status)
    values (${literal(run.runId)}, current_localtimestamp(), [${run.periods.map(literal).join(', ')}]::varchar[],
      ${run.rules}, 'running')`);
}

/**
 * Commits a run in one transaction: replaces the history of its periods with the staged results
 * (temp tables `dq_stage_results`, `dq_stage_records` and `dq_stage_failures`), adds the first
 * completions it saw (temp table `dq_stage_completions`, when it evaluated TH-LATE), records the
 * catalogue, weights and bands it used, and marks it succeeded. A failure leaves the history as
 * the previous run left it.
 */
export async function commitRun(
  conn: DuckDBConnection,
  run: { runId: string; periods: readonly string[]; rules: readonly Rule[]; bands: readonly QualityBand[]; completions: boolean },
): Promise<void> {
  const { runId, periods, rules } = run;
  const list = periods.map(literal).join(', ');
  const id = literal(runId);
  await conn.run('begin transaction');
  try {
    for (const t of ['quality_rule_results', 'quality_failures', 'quality_record_counts']) await conn.run(`delete from meta.${t} where period in (${list})`);
    await conn.run(`
      insert into meta.quality_rule_results
      select period, unit_code, rule_id, checked, failed, ${id} from dq_stage_results`);
    await conn.run(`
      insert into meta.quality_record_counts
      select period, unit_code, record_kind, records, ${id} from dq_stage_records`);
    // sorted by school, so that a school's list is read from a few row groups
    await conn.run(`
      insert into meta.quality_failures
      select period, unit_code, rule_id, record_kind, record_id, fields, detail, related_record_id, related_unit, ${id}
      from dq_stage_failures
      order by period, unit_code, rule_id, record_id`);
    if (run.completions) {
      await conn.run(`
        insert into meta.quality_completions
        select s.period, s.unit_code, s.completed_on, s.deadline, current_localtimestamp(), ${id}
        from dq_stage_completions as s
        anti join meta.quality_completions as m on m.period = s.period and m.unit_code = s.unit_code`);
    }
    await recordCatalog(conn, runId, rules, run.bands);
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
