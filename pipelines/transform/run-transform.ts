/**
 * Runs the SQL models: discovers them, orders them by their references, then builds every one and
 * runs the sidecar tests of every model built, all in one DuckDB transaction that commits only
 * when every model built and every test passed. Readers (the API on other connections, a later
 * process) see the previous complete set of models until that COMMIT, and the new set from it;
 * a failure, or a process killed at any moment, publishes nothing. The run is recorded in
 * meta.transform_runs (committed as `running` first, so a killed run is visible and marked
 * `interrupted` by the next start), model_runs and test_results.
 *
 * @example
 *   const summary = await runTransform({ warehouse });                      // staging, core, indicators, forms
 *   await runTransform({ warehouse, select: ['indicators'] });               // one layer
 *   await runTransform({ warehouse, provinces: ['12'] });                    // recompute one province
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../../lib/config.ts';
import { log } from '../../lib/log.ts';
import { claimRun, newRunId } from '../../lib/meta-store/index.ts';
import { literal, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { buildAndTest, type BuildOutcome, type TransformHooks } from './build-models.ts';
import { transactionAborted } from './transaction-state.ts';
import { orderModels } from './dependency-graph.ts';
import { defaultModelsDir, discoverModels, listModelIds } from './discover-models.ts';
import { setPartitionScope } from './materialize-model.ts';
import type { TestResult } from './model-tests.ts';
import { markInterrupted, recordModelRuns, recordRunEnd, recordRunStart, recordTestResults, type ModelRunRecord } from './run-records.ts';
import { DEFAULT_LAYERS, selectModelIds } from './select-models.ts';
import { ensurePopulation, loadPopulation } from './population-input.ts';
import { writeDeadlines, writeFormLayout, writeIndicatorCatalog, type DeadlineConfig } from './transform-inputs.ts';

export type { TransformHooks, TransformPausePoint } from './build-models.ts';

/** What to build and with which inputs; see runTransform. */
export type TransformOptions = {
  warehouse: Warehouse | DuckDBConnection;
  /** Model names (`dim_units` or `core.dim_units`) or layers (`core`); default staging, core, indicators, forms. */
  select?: string[];
  /** Current (34-province) codes: partitioned models are rebuilt only for these provinces. */
  provinces?: string[];
  runId?: string;
  modelsDir?: string;
  /** Deadlines written to input.deadlines; read from the configuration when omitted. */
  deadlines?: DeadlineConfig;
  /** A population CSV (ma_tinh,nam,tuoi,gioi_tinh,dan_so[,dia_gioi]) to load before the models run; refused with RefusedError when it is wrong. */
  populationCsv?: string;
  catalogPath?: string;
  /** Injected by tests that kill a run at a known moment; the product never sets them. */
  hooks?: TransformHooks;
  /**
   * What else is published with the indicators, inside the run's transaction once every model
   * built and every test passed (app/ passes the suppression decisions, server/suppression). A
   * run that rebuilds indicators drops serving.suppression_decisions first, so that decisions never
   * outlive the values they were made on.
   */
  beforeCommit?: (conn: DuckDBConnection) => Promise<unknown>;
};

/** The outcome of a run: every model and test, and the failures as readable messages. */
export type TransformSummary = {
  runId: string;
  status: 'succeeded' | 'failed';
  /** True when the run's models replaced the previous ones (it succeeded); false when nothing changed. */
  published: boolean;
  seconds: number;
  models: ModelRunRecord[];
  tests: TestResult[];
  testsPassed: number;
  testsFailed: number;
  /** One message per failed model or test, naming the model, the test and offending keys. */
  errors: string[];
};

/** Builds the selected models in dependency order and tests them; see the module comment. */
export async function runTransform(opts: TransformOptions): Promise<TransformSummary> {
  const started = performance.now();
  const ownConnection = 'connect' in opts.warehouse;
  const conn = ownConnection ? await (opts.warehouse as Warehouse).connect() : (opts.warehouse as DuckDBConnection);
  const runId = opts.runId ?? newRunId();
  const release = claimRun(runId);
  const provinces = opts.provinces?.length ? opts.provinces : undefined;
  let restoreCompression: (() => Promise<void>) | undefined;
  try {
    const modelsDir = opts.modelsDir ?? defaultModelsDir;
    const allIds = listModelIds(modelsDir);
    const selected = selectModelIds(allIds, opts.select);
    const layers = [...new Set([...selected].map((id) => id.split('.')[0]))];
    const models = orderModels(
      conn,
      discoverModels(modelsDir, layers).filter((m) => selected.has(m.id)),
      allIds,
    );
    for (const id of await markInterrupted(conn, runId)) log.warn('marked a transform run that a stopped process left running as interrupted', { run: id });
    await recordRunStart(conn, runId, opts.select ?? DEFAULT_LAYERS, provinces);
    restoreCompression = await withoutFsst(conn);

    await conn.run('begin transaction');
    let summary: TransformSummary | undefined;
    try {
      await writeInputs(conn, opts);
      await setPartitionScope(conn, provinces);
      summary = summarise(runId, await buildAndTest(conn, { runId, models, layers, provinces, hooks: opts.hooks }), started);
      if (summary.status === 'succeeded') await publish(conn, summary, opts);
      else await discard(conn, summary);
    } catch (err) {
      // nothing was published: the transaction is rolled back, and the run recorded as failed
      await conn.run('rollback').catch(() => {});
      await recordRunEnd(conn, runId, {
        status: 'failed',
        built: summary?.models.filter((m) => m.status === 'succeeded').length ?? 0,
        failed: summary?.models.filter((m) => m.status === 'failed').length ?? 0,
        skipped: summary?.models.filter((m) => m.status === 'skipped').length ?? 0,
        testsPassed: summary?.testsPassed ?? 0,
        testsFailed: summary?.testsFailed ?? 0,
        error: (err as Error).message,
      }).catch((e) => log.error('could not record the failed transform run', { run: runId, error: (e as Error).message }));
      throw err;
    }
    summary.seconds = (performance.now() - started) / 1000;
    return summary;
  } finally {
    await restoreCompression?.();
    await setPartitionScope(conn, undefined).catch(() => {});
    release();
    if (ownConnection) conn.closeSync();
  }
}

/** Writes the inputs the models read (input.*), inside the run's transaction. */
async function writeInputs(conn: DuckDBConnection, opts: TransformOptions): Promise<void> {
  await writeDeadlines(conn, opts.deadlines ?? loadConfig());
  await ensurePopulation(conn);
  if (opts.populationCsv) log.info('population loaded', { rows: await loadPopulation(conn, opts.populationCsv) });
  await writeIndicatorCatalog(conn, opts.catalogPath);
  await writeFormLayout(conn);
}

function summarise(runId: string, outcome: BuildOutcome, started: number): TransformSummary {
  const testsPassed = outcome.tests.filter((t) => t.status === 'pass').length;
  return {
    runId,
    status: outcome.errors.length || outcome.aborted ? 'failed' : 'succeeded',
    published: false,
    seconds: (performance.now() - started) / 1000,
    models: outcome.models,
    tests: outcome.tests,
    testsPassed,
    testsFailed: outcome.tests.length - testsPassed,
    errors: outcome.errors,
  };
}

/** The run's records: its models, tests, and final status with counts and first errors. */
async function recordOutcome(conn: DuckDBConnection, s: TransformSummary): Promise<void> {
  await recordModelRuns(conn, s.runId, s.models);
  await recordTestResults(conn, s.runId, s.tests);
  await recordRunEnd(conn, s.runId, {
    status: s.status,
    built: s.models.filter((m) => m.status === 'succeeded').length,
    failed: s.models.filter((m) => m.status === 'failed').length,
    skipped: s.models.filter((m) => m.status === 'skipped').length,
    testsPassed: s.testsPassed,
    testsFailed: s.testsFailed,
    error: s.errors.length ? s.errors.slice(0, 20).join('\n') : null,
  });
}

/**
 * Records the run's success inside its transaction and commits: the models and the record that
 * they are the current ones become visible together. DuckDB turns the COMMIT of an aborted
 * transaction into a rollback without an error, so the transaction is checked first.
 */
async function publish(conn: DuckDBConnection, s: TransformSummary, opts: TransformOptions): Promise<void> {
  if (s.models.some((m) => m.status === 'succeeded' && /^(indicators|serving)\./.test(m.model))) {
    await conn.run(`drop table if exists serving.suppression_decisions`);
    await opts.beforeCommit?.(conn);
  }
  await recordOutcome(conn, s);
  await opts.hooks?.pause?.('before-commit', { runId: s.runId });
  if (await transactionAborted(conn)) throw new Error(`Lần tính ${s.runId}: giao dịch bị hủy trước khi COMMIT; chưa công bố gì`);
  await conn.run('commit');
  s.published = true;
}

/** Rolls the run back (the previous models stay) and records why, in a transaction of its own. */
async function discard(conn: DuckDBConnection, s: TransformSummary): Promise<void> {
  await conn.run('rollback');
  log.warn('transform run failed; nothing was published, the warehouse keeps the models of the last successful run', { run: s.runId, errors: s.errors.length });
  await conn.run('begin transaction');
  await recordOutcome(conn, s);
  await conn.run('commit');
}

/**
 * Turns off FSST string compression while models are written, and returns how to restore the
 * setting. The models' text columns are codes (periods, provinces, breakdowns) that dictionary
 * compression stores as well; FSST's analysis of every segment only costs write time, for a
 * warehouse file of about the same size. The setting is the database's, so it is put back as it
 * was when the run ends.
 */
async function withoutFsst(conn: DuckDBConnection): Promise<() => Promise<void>> {
  const [row] = await queryRows<{ methods: string | null }>(conn, `select current_setting('disabled_compression_methods') as methods`);
  const before = row?.methods ?? '';
  const methods = before
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (methods.some((m) => m.toLowerCase() === 'fsst')) return async () => {};
  await conn.run(`set disabled_compression_methods = ${literal([...methods, 'fsst'].join(','))}`);
  return async () => {
    await conn.run(before ? `set disabled_compression_methods = ${literal(before)}` : `reset disabled_compression_methods`).catch(() => {});
  };
}
