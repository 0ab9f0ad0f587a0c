/**
 * One data-quality run: builds the inputs (periods, unit tree) with the model runner, evaluates
 * every rule of the catalogue in DuckDB for the periods asked (all by default, and any period the
 * history holds without record counts, as an older version left it), commits the school-level
 * results, the records per school and every failing record to the quality history, meta.quality_*
 * (replacing those periods), then rebuilds the published quality.* tables (roll-ups, scores,
 * bands, ranks, failing records) for every period in the history. The CLI, the orchestrator and
 * the server call `runQuality`.
 *
 * @example
 *   const summary = await runQuality({ warehouse, periods: ['2025-DN'], bands: config.qualityBands });
 *   summary.national.find((d) => d.dimension === 'overall')?.score;
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_QUALITY_BANDS, type QualityBand } from '../../lib/config.ts';
import { CsdlError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { claimRun, newRunId, partRunId } from '../../lib/meta-store/index.ts';
import { literal, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { runTransform } from '../transform/index.ts';
import type { DeadlineConfig } from '../transform/index.ts';
import { assertModelsCurrent } from './built-models.ts';
import { assertLastTransformComplete } from './last-transform.ts';
import { buildCatalog } from './catalog.ts';
import { stageCompletions } from './completions.ts';
import { evaluateRules } from './evaluate.ts';
import { assertNewRunId, commitRun, failRun, markInterrupted, startRun } from './history.ts';
import { INPUT_MODELS, OUTPUT_MODELS } from './models.ts';
import type { Rule } from './rule.ts';
import { readSummary, type QualitySummary } from './summary.ts';
import { readWarehouseColumns } from './warehouse-columns.ts';

export type { QualitySummary } from './summary.ts';

export type QualityOptions = {
  /** An open warehouse (a connection is made and closed) or a connection to use as it is. */
  warehouse: Warehouse | DuckDBConnection;
  /** Periods to evaluate, e.g. ['2025-DN']; default every period of core.dim_periods. */
  periods?: string[];
  /** Score bands published with the scores (configuration's `qualityBands`); the default bands when omitted. */
  bands?: readonly QualityBand[];
  runId?: string;
  /** Deadlines for input.deadlines (the model runner refreshes them); from configuration when omitted. */
  deadlines?: DeadlineConfig;
  /** Restricts the catalogue (tests, benchmarks); default: every rule. */
  rules?: (catalog: Rule[]) => Rule[];
};

/** A problem with what was asked (unknown period) or with the model runs. */
export class QualityError extends CsdlError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('QUALITY_FAILED', message, { details });
  }
}

async function runModelsOrThrow(conn: DuckDBConnection, runId: string, names: readonly string[], deadlines?: DeadlineConfig): Promise<void> {
  const summary = await runTransform({ warehouse: conn, runId, select: [...names], deadlines });
  if (summary.status !== 'succeeded') {
    throw new QualityError(`Các mô hình chất lượng bị lỗi:\n${summary.errors.slice(0, 10).join('\n')}`, { runId: summary.runId });
  }
}

/**
 * Periods to evaluate: those asked for (each must exist) or all, in time order; with them, the
 * periods of the warehouse that the history holds without record counts (evaluated by a version
 * that scored rule checks, not records), so that every period published is scored alike.
 */
async function resolvePeriods(conn: DuckDBConnection, asked?: string[]): Promise<string[]> {
  const known = (await queryRows<{ period: string }>(conn, 'select period from quality.dq_periods order by period_order')).map((r) => r.period);
  if (!asked?.length) return known;
  const unknown = asked.filter((p) => !known.includes(p));
  if (unknown.length)
    throw new QualityError(
      `Không có kỳ ${unknown.join(', ')}; kho dữ liệu có ${known.join(', ') || 'chưa có kỳ nào (hãy chạy csdl etl và csdl transform trước)'}`,
    );
  const uncounted = (
    await queryRows<{ period: string }>(
      conn,
      `select distinct period from meta.quality_rule_results
       where period not in (select period from meta.quality_record_counts)`,
    )
  ).map((r) => r.period);
  if (uncounted.some((p) => !asked.includes(p) && known.includes(p))) {
    log.info('quality: periods evaluated by an older version are evaluated again', { periods: uncounted.join(',') });
  }
  return known.filter((p) => asked.includes(p) || uncounted.includes(p));
}

/** Runs the rules and publishes scores; see the module comment. */
export async function runQuality(opts: QualityOptions): Promise<QualitySummary> {
  const started = performance.now();
  const own = 'connect' in opts.warehouse;
  const conn = own ? await (opts.warehouse as Warehouse).connect() : (opts.warehouse as DuckDBConnection);
  const runId = opts.runId ?? newRunId();
  const release = claimRun(runId);
  try {
    await assertNewRunId(conn, runId);
    for (const id of await markInterrupted(conn, runId)) log.warn('marked a quality run that a stopped process left running as interrupted', { run: id });
    await assertLastTransformComplete(conn, runId);
    await runModelsOrThrow(conn, partRunId(runId, 'quality-inputs'), INPUT_MODELS, opts.deadlines);
    await assertModelsCurrent(conn);
    const periods = await resolvePeriods(conn, opts.periods);
    if (!periods.length) throw new QualityError('Kho dữ liệu chưa có kỳ báo cáo nào; hãy chạy csdl etl và csdl transform trước');
    const catalog = buildCatalog(await readWarehouseColumns(conn));
    const rules = opts.rules ? opts.rules(catalog) : catalog;
    await startRun(conn, { runId, periods, rules: rules.length });
    let steps;
    try {
      await conn.run(`create or replace temp table dq_eval_periods as
        select * from quality.dq_periods where period in (${periods.map(literal).join(', ')})`);
      steps = await evaluateRules(conn, rules);
      const completions = await stageCompletions(conn, rules);
      await commitRun(conn, { runId, periods, rules, bands: opts.bands ?? DEFAULT_QUALITY_BANDS, completions });
    } catch (err) {
      await failRun(conn, runId, (err as Error).message);
      throw err;
    }
    await runModelsOrThrow(conn, partRunId(runId, 'quality-outputs'), OUTPUT_MODELS, opts.deadlines);
    const [{ checked }] = await queryRows<{ checked: number }>(conn, 'select coalesce(sum(checked), 0) as checked from dq_stage_results');
    const seconds = (performance.now() - started) / 1000;
    log.info('quality run finished', { run: runId, periods: periods.join(','), rules: rules.length, seconds: seconds.toFixed(1) });
    return { runId, periods, rules: rules.length, recordsChecked: Number(checked), seconds, steps, ...(await readSummary(conn, periods)) };
  } finally {
    release();
    if (own) conn.closeSync();
  }
}
