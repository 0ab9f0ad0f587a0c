/**
 * Runs the SQL models: discovers them, orders them by their references, materialises each,
 * then runs the sidecar tests of every built model, and records everything in meta.transform_runs / model_runs /
 * test_results. A failing model skips the models that read it; the others still run.
 *
 * @example
 *   const summary = await runTransform({ warehouse });                      // staging, core, indicators
 *   await runTransform({ warehouse, select: ['indicators'] });               // one layer
 *   await runTransform({ warehouse, provinces: ['12'] });                    // recompute one province
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../../lib/config.ts';
import { log } from '../../lib/log.ts';
import { newRunId } from '../../lib/meta-store/index.ts';
import { literal, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { orderModels } from './dependency-graph.ts';
import { defaultModelsDir, discoverModels, listModelIds } from './discover-models.ts';
import { materializeModel, setPartitionScope, testScope } from './materialize-model.ts';
import type { Model } from './model-spec.ts';
import { relationColumns, runModelTests, type TestResult } from './model-tests.ts';
import { recordModelRun, recordRunEnd, recordRunStart, recordTestResults, type ModelRunRecord } from './run-records.ts';
import { selectModelIds } from './select-models.ts';
import { ensurePopulation, loadPopulation } from './population-input.ts';
import { writeDeadlines, writeIndicatorCatalog, type DeadlineConfig } from './transform-inputs.ts';

/** What to build and with which inputs; see runTransform. */
export type TransformOptions = {
  warehouse: Warehouse | DuckDBConnection;
  /** Model names (`dim_units` or `core.dim_units`) or layers (`core`); default staging, core, indicators. */
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
};

/** The outcome of a run: every model and test, and the failures as readable messages. */
export type TransformSummary = {
  runId: string;
  status: 'succeeded' | 'failed';
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

    await writeDeadlines(conn, opts.deadlines ?? loadConfig());
    await ensurePopulation(conn);
    if (opts.populationCsv) log.info('population loaded', { rows: await loadPopulation(conn, opts.populationCsv) });
    await writeIndicatorCatalog(conn, opts.catalogPath);
    await recordRunStart(conn, runId, opts.select ?? ['staging', 'core', 'indicators'], provinces);

    const summary: TransformSummary = { runId, status: 'succeeded', seconds: 0, models: [], tests: [], testsPassed: 0, testsFailed: 0, errors: [] };
    const broken = new Set<string>();
    await setPartitionScope(conn, provinces);
    restoreCompression = await withoutFsst(conn);
    for (const model of models) {
      const record = await buildModel(conn, model, broken, provinces);
      summary.models.push(record);
      await recordModelRun(conn, runId, record);
      if (record.status === 'succeeded') continue;
      broken.add(model.id);
      if (record.error && record.status === 'failed') summary.errors.push(record.error);
    }
    // Tests run once every model is built, so a relationship may point at a later model.
    const columns = await relationColumns(conn, layers);
    for (const model of models.filter((m) => !broken.has(m.id))) {
      const scope = provinces ? testScope(model, provinces) : undefined;
      const tests = await runModelTests(conn, model, columns.get(model.id) ?? [], scope);
      summary.tests.push(...tests);
      for (const t of tests) if (t.status !== 'pass') summary.errors.push(t.message);
    }
    await recordTestResults(conn, runId, summary.tests);
    summary.testsPassed = summary.tests.filter((t) => t.status === 'pass').length;
    summary.testsFailed = summary.tests.length - summary.testsPassed;
    summary.status = summary.errors.length ? 'failed' : 'succeeded';
    summary.seconds = (performance.now() - started) / 1000;
    await recordRunEnd(conn, runId, {
      status: summary.status,
      built: summary.models.filter((m) => m.status === 'succeeded').length,
      failed: summary.models.filter((m) => m.status === 'failed').length,
      skipped: summary.models.filter((m) => m.status === 'skipped').length,
      testsPassed: summary.testsPassed,
      testsFailed: summary.testsFailed,
      error: summary.errors.length ? summary.errors.slice(0, 20).join('\n') : null,
    });
    return summary;
  } finally {
    await restoreCompression?.();
    await setPartitionScope(conn, undefined);
    if (ownConnection) conn.closeSync();
  }
}

/**
 * Turns off FSST string compression while models are written, and returns how to restore the
 * setting. The models' text columns are codes (periods, provinces, breakdowns) that dictionary
 * compression stores as well; FSST's analysis of every segment only costs time. National learner
 * fact (92,9 M rows) built in its six batches into a scratch file, two runs each: 59,7 and 57,2 s
 * against 70,9 and 59,3 s; copied from a table: 25,5 s against 30,2 s. The national warehouse
 * file was 8,64 GB after a full transform with it, 8,53 GB before. The setting is the database's,
 * so it is put back as it was when the run ends.
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

async function buildModel(conn: DuckDBConnection, model: Model, broken: Set<string>, provinces?: string[]): Promise<ModelRunRecord> {
  const base = { model: model.id, materialized: model.spec.materialized };
  const blocker = model.dependsOn.find((d) => broken.has(d));
  if (blocker) {
    return {
      ...base,
      mode: null,
      status: 'skipped',
      rows: null,
      seconds: 0,
      error: `model ${model.id} skipped: it reads ${blocker}, which failed or was skipped`,
    };
  }
  const t0 = performance.now();
  try {
    const built = await materializeModel(conn, model, provinces);
    const seconds = (performance.now() - t0) / 1000;
    log.debug('model built', { model: model.id, mode: built.mode, rows: built.rows ?? undefined, seconds: seconds.toFixed(2) });
    return { ...base, mode: built.mode, status: 'succeeded', rows: built.rows, seconds, error: null };
  } catch (err) {
    const message = `model ${model.id} failed (${model.sqlPath}): ${(err as Error).message}`;
    log.error('model failed', { model: model.id, error: (err as Error).message });
    return { ...base, mode: null, status: 'failed', rows: null, seconds: (performance.now() - t0) / 1000, error: message };
  }
}
