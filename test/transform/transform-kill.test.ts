/**
 * A transform killed with SIGKILL at known moments, in a child process over a real warehouse
 * file: the warehouse keeps exactly the previous model set, the next start marks the run
 * interrupted, and quality refuses until a transform completes.
 * @module-tag slow
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { TransformIncompleteError } from '../../pipelines/quality/last-transform.ts';
import { runQuality } from '../../pipelines/quality/run-quality.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { changeRawLayer, modelFingerprint } from './support/model-fingerprint.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let path: string;

/** Opens the warehouse file (read-only unless asked), runs `fn` on a connection, closes it. */
async function withWarehouse<T>(
  fn: (conn: Awaited<ReturnType<Awaited<ReturnType<typeof openWarehouse>>['connect']>>) => Promise<T>,
  write = false,
): Promise<T> {
  const wh = await openWarehouse(path, { readOnly: !write, memoryLimit: '1GB' });
  const conn = await wh.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    wh.close();
  }
}

const runStatus = (runId: string) =>
  withWarehouse(async (c) => (await queryRows<{ status: string }>(c, `select status from meta.transform_runs where run_id = ?`, [runId]))[0]?.status);

/** Starts the transform in a child and SIGKILLs it once it reports the pause; returns the run id. */
async function killAt(point: string, model?: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/transform/support/transform-kill-child.ts', path, point, ...(model ? [model] : [])], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const runId = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /test pause \S+ run=(\S+)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`the transform exited before pausing:\n${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return runId;
}

describe('a transform killed with SIGKILL', () => {
  beforeAll(async () => {
    const fx = await openFixtureWarehouse();
    dir = fx.dir;
    path = join(dir, 'warehouse.duckdb');
    expect((await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES })).status).toBe('succeeded');
    // what a new transform would change: rooms, staff, learners and every indicator
    await changeRawLayer(fx.conn);
    fx.conn.closeSync();
    fx.warehouse.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [label, point, model] of [
    ['after core.fct_rooms was rebuilt', 'after-model', 'core.fct_rooms'],
    ['after every model was built, before the tests', 'before-tests', undefined],
    ['after the tests passed, just before COMMIT', 'before-commit', undefined],
  ] as const) {
    it(`leaves exactly the previous models when killed ${label}; the next start marks it interrupted and quality refuses`, async () => {
      const before = await withWarehouse(modelFingerprint);
      expect(Object.keys(before).length).toBeGreaterThan(40);

      const killed = await killAt(point, model);
      expect(await withWarehouse(modelFingerprint)).toEqual(before);
      expect(await runStatus(killed)).toBe('running');

      const refused = await withWarehouse(
        (conn) =>
          runQuality({ warehouse: conn, deadlines: FIXTURE_DEADLINES }).then(
            () => null,
            (e: unknown) => e,
          ),
        true,
      );
      expect(refused).toBeInstanceOf(TransformIncompleteError);
      expect((refused as TransformIncompleteError).runId).toBe(killed);
      expect((refused as Error).message).toContain('csdl transform');
      expect(await runStatus(killed)).toBe('interrupted');
      expect(await withWarehouse(modelFingerprint)).toEqual(before);
    }, 120_000);
  }

  it('makes `csdl quality` exit non-zero naming the run, and a completed transform lifts the refusal', async () => {
    const killed = await killAt('before-commit');
    const env = { ...process.env, WAREHOUSE_PATH: path, CSDL_TMP_DIR: join(dir, 'tmp'), LOG_LEVEL: 'warn' };
    const cli = spawnSync(process.execPath, [join(repo, 'bin/csdl.js'), 'quality'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`[TRANSFORM_INCOMPLETE]`);
    expect(cli.stderr).toContain(killed);
    expect(cli.stderr).toContain('`csdl transform`');
    expect(await runStatus(killed)).toBe('interrupted');

    const before = await withWarehouse(modelFingerprint);
    const done = await withWarehouse((conn) => runTransform({ warehouse: conn, deadlines: FIXTURE_DEADLINES }), true);
    expect(done).toMatchObject({ status: 'succeeded', published: true });
    const after = await withWarehouse(modelFingerprint);
    for (const id of ['core.fct_rooms', 'core.fct_staff', 'indicators.int_indicator_values']) expect(after[id], id).not.toBe(before[id]);
    const quality = await withWarehouse((conn) => runQuality({ warehouse: conn, deadlines: FIXTURE_DEADLINES, periods: ['2025-DN'] }), true);
    expect(quality.periods).toEqual(['2025-DN']);
  }, 240_000);
});
