/**
 * The work of a run inside its transaction: every selected model built in dependency order, then
 * the sidecar tests of every model built. A model that fails at binding (a missing column, a
 * typo) is named and the models that read it are skipped, the others still build, so that one
 * run names every broken model. A failure while a statement executes (a conversion, an `error()`,
 * memory) aborts DuckDB's transaction: nothing more can run in it, so the run stops there and
 * says which model or test aborted it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import { materializeModel, testScope } from './materialize-model.ts';
import type { Model } from './model-spec.ts';
import { relationColumns, runModelTests, type TestResult } from './model-tests.ts';
import type { ModelRunRecord } from './run-records.ts';
import { transactionAborted } from './transaction-state.ts';

/** Moments of a run where a test may hold it (to SIGKILL the process there). */
export type TransformPausePoint = 'after-model' | 'before-tests' | 'before-commit';

/** Injected by tests that kill a run at a known moment; a run without them never waits. */
export type TransformHooks = {
  /** Awaited at each pause point; `model` names the model just built at 'after-model'. */
  pause?: (point: TransformPausePoint, at: { runId: string; model?: string }) => Promise<void>;
};

/** What the models and tests gave: records of each, failure messages, and what aborted the run. */
export type BuildOutcome = {
  models: ModelRunRecord[];
  tests: TestResult[];
  errors: string[];
  /** Set when a statement aborted the transaction: the model or test, and its error. */
  aborted: string | null;
};

/** Builds and tests `models` on `conn` (inside the run's transaction); see the module comment. */
export async function buildAndTest(
  conn: DuckDBConnection,
  run: { runId: string; models: Model[]; layers: string[]; provinces?: string[]; hooks?: TransformHooks },
): Promise<BuildOutcome> {
  const { runId, models, provinces, hooks } = run;
  const out: BuildOutcome = { models: [], tests: [], errors: [], aborted: null };
  const broken = new Set<string>();
  for (const model of models) {
    if (out.aborted) {
      out.models.push(skipped(model, `model ${model.id} not built: ${out.aborted}`));
      broken.add(model.id);
      continue;
    }
    const record = await buildModel(conn, model, broken, provinces);
    out.models.push(record);
    if (record.status === 'succeeded') {
      await hooks?.pause?.('after-model', { runId, model: model.id });
      continue;
    }
    broken.add(model.id);
    if (record.error && record.status === 'failed') out.errors.push(record.error);
    if (record.status === 'failed' && (await transactionAborted(conn))) out.aborted = `model ${model.id} aborted the run's transaction`;
  }
  if (out.aborted) return out;
  await hooks?.pause?.('before-tests', { runId });
  // Tests run once every model is built, so a relationship may point at a later model.
  const columns = await relationColumns(conn, run.layers);
  for (const model of models.filter((m) => !broken.has(m.id))) {
    const scope = provinces ? testScope(model, provinces) : undefined;
    const tests = await runModelTests(conn, model, columns.get(model.id) ?? [], scope);
    out.tests.push(...tests);
    for (const t of tests) if (t.status !== 'pass') out.errors.push(t.message);
    const erred = tests.find((t) => t.status === 'error');
    if (erred && (await transactionAborted(conn))) {
      out.aborted = `model ${model.id}, test ${erred.test} aborted the run's transaction; the tests after it did not run`;
      out.errors.push(out.aborted);
      return out;
    }
  }
  return out;
}

function skipped(model: Model, error: string): ModelRunRecord {
  return { model: model.id, materialized: model.spec.materialized, mode: null, status: 'skipped', rows: null, seconds: 0, error };
}

async function buildModel(conn: DuckDBConnection, model: Model, broken: Set<string>, provinces?: string[]): Promise<ModelRunRecord> {
  const blocker = model.dependsOn.find((d) => broken.has(d));
  if (blocker) return skipped(model, `model ${model.id} skipped: it reads ${blocker}, which failed or was skipped`);
  const base = { model: model.id, materialized: model.spec.materialized };
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
