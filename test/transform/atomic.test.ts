/**
 * A transform publishes all its models at once or none: the real models on the hand-built
 * fixture, read from a second connection of the same DuckDB instance (as the API reads them)
 * while a run is held at its pause points, and after runs that fail.
 * @module-tag slow
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimRun } from '../../lib/meta-store/index.ts';
import { defaultModelsDir } from '../../pipelines/transform/discover-models.ts';
import { runTransform, type TransformPausePoint } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse, type FixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { changeRawLayer, modelFingerprint } from './support/model-fingerprint.ts';

let fx: FixtureWarehouse;

beforeEach(async () => {
  fx = await openFixtureWarehouse();
  expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('succeeded');
});

afterEach(() => fx?.close());

/** The fingerprint as another connection of the instance sees it. */
async function seenByReader(): Promise<Record<string, string>> {
  const reader = await fx.warehouse.connect();
  try {
    return await modelFingerprint(reader);
  } finally {
    reader.closeSync();
  }
}

/** A copy of the models with `edit` applied to one file. */
function modelsWith(file: string, edit: (text: string) => string): string {
  const dir = join(fx.dir, `models-${Math.random().toString(36).slice(2)}`);
  cpSync(defaultModelsDir, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const lastRun = async () =>
  (
    await fx.rows<{ status: string; models_built: number; tests_failed: number; error: string }>(
      `select status, models_built, tests_failed, error from meta.transform_runs order by started_at desc limit 1`,
    )
  )[0];

describe('a transform seen by a reader on another connection', () => {
  it('shows the previous models until the run commits, then every new one at once', async () => {
    const before = await seenByReader();
    await changeRawLayer(fx.conn);
    const during: Array<[string, Record<string, string>]> = [];
    const summary = await runTransform({
      warehouse: fx.conn,
      deadlines: FIXTURE_DEADLINES,
      hooks: {
        async pause(point: TransformPausePoint, at) {
          if (point === 'after-model' && at.model !== 'core.fct_rooms' && at.model !== 'core.fct_staff') return;
          during.push([`${point} ${at.model ?? ''}`, await seenByReader()]);
        },
      },
    });
    expect(summary).toMatchObject({ status: 'succeeded', published: true });
    expect(during.map(([at]) => at)).toEqual(['after-model core.fct_rooms', 'after-model core.fct_staff', 'before-tests ', 'before-commit ']);
    for (const [at, seen] of during) expect(seen, at).toEqual(before);
    const after = await seenByReader();
    for (const id of ['core.fct_rooms', 'core.fct_staff', 'core.fct_learners', 'indicators.int_indicator_values']) expect(after[id], id).not.toBe(before[id]);
    expect(await lastRun()).toMatchObject({ status: 'succeeded', tests_failed: 0 });
  });
});

describe('a transform that fails', () => {
  it('publishes nothing when a test fails, and records the models, the tests and why', async () => {
    const before = await seenByReader();
    await changeRawLayer(fx.conn);
    const modelsDir = modelsWith('indicators/indicator_values.json', (text) => {
      const spec = JSON.parse(text);
      spec.tests = [...(spec.tests ?? []), { expression_is_true: "indicator <> 'LRN'" }];
      return JSON.stringify(spec);
    });
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, modelsDir });
    expect(summary).toMatchObject({ status: 'failed', published: false, testsFailed: 1 });
    expect(summary.models.every((m) => m.status === 'succeeded')).toBe(true);
    expect(summary.errors).toEqual([
      expect.stringMatching(/^model indicators\.indicator_values, test expression_is_true\(indicator <> 'LRN'\): \d+ offending/),
    ]);
    expect(await seenByReader()).toEqual(before);
    expect(await lastRun()).toMatchObject({ status: 'failed', models_built: summary.models.length, tests_failed: 1 });
    const recorded = await fx.rows<{ n: number }>(`select count(*)::int as n from meta.model_runs where run_id = ?`, [summary.runId]);
    expect(recorded[0].n).toBe(summary.models.length);
    const failedTests = await fx.rows<{ test: string }>(`select test from meta.test_results where run_id = ? and status = 'fail'`, [summary.runId]);
    expect(failedTests).toEqual([{ test: "expression_is_true(indicator <> 'LRN')" }]);
  });

  it('publishes nothing when a model fails, still building and naming the others', async () => {
    const before = await seenByReader();
    await changeRawLayer(fx.conn);
    const modelsDir = modelsWith('core/fct_staff.sql', (sql) => sql.replace(/select \* from final\s*$/, 'select *, no_such_column from final\n'));
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, modelsDir });
    expect(summary).toMatchObject({ status: 'failed', published: false });
    const byModel = Object.fromEntries(summary.models.map((m) => [m.model, m.status]));
    expect(byModel['core.fct_staff']).toBe('failed');
    expect(byModel['core.fct_rooms']).toBe('succeeded');
    expect(byModel['indicators.indicator_values']).toBe('skipped');
    expect(summary.errors[0]).toMatch(/^model core\.fct_staff failed .*no_such_column/);
    expect(await seenByReader()).toEqual(before);
  });

  it('publishes nothing when a statement aborts the transaction, and names the model that did', async () => {
    const before = await seenByReader();
    await changeRawLayer(fx.conn);
    const modelsDir = modelsWith('core/fct_rooms.sql', (sql) =>
      sql.replace(/select \* from final\s*$/, "select * from final where error('room check failed') is null\n"),
    );
    const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, modelsDir });
    expect(summary).toMatchObject({ status: 'failed', published: false });
    expect(summary.errors).toEqual([expect.stringMatching(/^model core\.fct_rooms failed .*room check failed/)]);
    const after = summary.models.slice(summary.models.findIndex((m) => m.model === 'core.fct_rooms') + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((m) => m.status === 'skipped' && /aborted the run's transaction/.test(m.error ?? ''))).toBe(true);
    expect(await seenByReader()).toEqual(before);
    expect((await lastRun()).status).toBe('failed');
  });
});

describe('a transform run left running', () => {
  it('is marked interrupted by the next start unless this process is running it', async () => {
    const live = 'run-20261204T170000Z-aaaaaa';
    const dead = 'run-20261204T160000Z-bbbbbb';
    await fx.conn.run(
      `insert into meta.transform_runs (run_id, started_at, status) values ('${dead}', now() - interval 1 hour, 'running'), ('${live}', now(), 'running')`,
    );
    const release = claimRun(live);
    try {
      const summary = await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES, select: ['core.dim_levels'] });
      const rows = await fx.rows<{ run_id: string; status: string; error: string | null }>(
        `select run_id, status, error from meta.transform_runs where run_id in ('${dead}', '${live}', '${summary.runId}')`,
      );
      expect(Object.fromEntries(rows.map(({ run_id, ...r }) => [run_id, r]))).toEqual({
        [dead]: { status: 'interrupted', error: expect.stringMatching(new RegExp(`^bị ngắt \\(interrupted\\): .*phát hiện bởi ${summary.runId}$`)) },
        [live]: { status: 'running', error: null },
        [summary.runId]: { status: 'succeeded', error: null },
      });
    } finally {
      release();
    }
  });
});
