/**
 * The ETL killed at each pause point: the warehouse stays as the last successful run left it.
 * @module-tag slow
 */
import pg from 'pg';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { expectWarehouseEqualsSource, SECRET, seedRows, testConfig, sourceClient } from './etl-support.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** count and hash-sum of every raw.* view, and the run records, as one comparable object. */
async function fingerprint(config: Config): Promise<{ raw: Record<string, string>; runs: Array<{ run_id: string; status: string }> }> {
  const wh = await openWarehouse(config.warehousePath, { readOnly: true });
  const conn = await wh.connect();
  try {
    const tables = await queryRows<{ table_name: string }>(conn, `select view_name as table_name from duckdb_views() where schema_name = 'raw' order by 1`);
    const raw: Record<string, string> = {};
    for (const { table_name } of tables) {
      const [r] = await queryRows<{ f: string }>(conn, `select count(*)::varchar || ':' || coalesce(sum(hash(t)), 0)::varchar as f from raw."${table_name}" t`);
      raw[table_name] = r.f;
    }
    const runs = await queryRows<{ run_id: string; status: string }>(conn, `select run_id, status from meta.etl_runs order by started_at`);
    return { raw, runs };
  } finally {
    conn.closeSync();
    wh.close();
  }
}

/** Bytes in the warehouse's WAL (0 when there is none). */
function walSize(config: Config): number {
  const wal = config.warehousePath + '.wal';
  return existsSync(wal) ? statSync(wal).size : 0;
}

/** raw_store tables that hold a published change not yet merged (pipelines/ingest/warehouse/merge.ts). */
async function sideTables(config: Config): Promise<string[]> {
  const wh = await openWarehouse(config.warehousePath, { readOnly: true });
  const conn = await wh.connect();
  try {
    const rows = await queryRows<{ t: string }>(
      conn,
      `select table_name as t from duckdb_tables() where schema_name = 'raw_store' and (ends_with(table_name, '__gone') or ends_with(table_name, '__delta')) order by 1`,
    );
    return rows.map((r) => r.t);
  } finally {
    conn.closeSync();
    wh.close();
  }
}

/** Starts `csdl etl` in a child process and SIGKILLs it once it reports the pause; returns the run id. */
async function killAt(config: Config, sourceUrl: string, variable: string, extra: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/ingest/support/etl-kill-child.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      CSDL_DATABASE_URL: sourceUrl,
      WAREHOUSE_PATH: config.warehousePath,
      CSDL_TMP_DIR: config.tmpDir,
      CSDL_PSEUDONYM_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      [variable]: '600000',
      ...extra,
    },
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
    child.on('exit', () => reject(new Error(`csdl etl exited before pausing:\n${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return runId;
}

describe('a run killed with SIGKILL', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 40);
    config = testConfig(src.url);
    await runEtl({ config, sourceUrl: src.url });
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  for (const [point, variable] of [
    ['after staging, before the publish', 'CSDL_ETL_TEST_PAUSE_AFTER_STAGE'],
    ['inside the publish transaction, before COMMIT', 'CSDL_ETL_TEST_PAUSE_BEFORE_COMMIT'],
  ]) {
    it(`leaves the previous state when killed ${point}, and the next run completes`, async () => {
      await db.query(`update csdl.hoc_sinh set trang_thai = trang_thai + 1 where id % 4 = 0`);
      await db.query(`delete from csdl.can_bo where id in (select max(id) from csdl.can_bo)`);
      await seedRows(db, 10_000 + Math.floor(Math.random() * 1000) * 10, 5);
      const before = await fingerprint(config);

      const killed = await killAt(config, src.url, variable);
      const after = await fingerprint(config);
      expect(after.raw).toEqual(before.raw);
      expect(after.runs).toEqual([...before.runs, { run_id: killed, status: 'running' }]);
      expect(existsSync(join(config.tmpDir, killed))).toBe(true);

      const next = await runEtl({ config, sourceUrl: src.url });
      expect(next.kind).toBe('incremental');
      const final = await fingerprint(config);
      expect(final.runs.slice(-2)).toEqual([
        { run_id: killed, status: 'interrupted' },
        { run_id: next.runId, status: 'succeeded' },
      ]);
      expect(existsSync(join(config.tmpDir, killed))).toBe(false);
      await expectWarehouseEqualsSource(src.url, config.warehousePath);
    });
  }

  it('keeps the committed run when killed after COMMIT, before its checkpoint: the WAL holds it', async () => {
    await db.query(`update csdl.hoc_sinh set trang_thai = trang_thai + 1 where id % 3 = 0`);
    await seedRows(db, 20_000 + Math.floor(Math.random() * 1000) * 10, 5);
    const before = await fingerprint(config);

    const killed = await killAt(config, src.url, 'CSDL_ETL_TEST_PAUSE_BEFORE_CHECKPOINT');
    // The run is committed but not checkpointed: its changes are in the WAL only.
    expect(walSize(config)).toBeGreaterThan(0);
    const after = await fingerprint(config);
    expect(after.runs).toEqual([...before.runs, { run_id: killed, status: 'succeeded' }]);
    expect(after.raw).not.toEqual(before.raw);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);

    const next = await runEtl({ config, sourceUrl: src.url });
    expect(next.kind).toBe('incremental');
    expect(next.tables.filter((t) => t.inserted + t.updated + t.deleted > 0)).toEqual([]);
    expect(walSize(config)).toBe(0);
  });

  it('keeps the committed run when killed in the middle of merging its change, and the next run finishes the merge', async () => {
    await db.query(`update csdl.hoc_sinh set trang_thai = trang_thai + 1 where id % 2 = 0`);
    await db.query(`delete from csdl.hoc_sinh where id in (select min(id) from csdl.hoc_sinh)`);
    const before = await fingerprint(config);

    // slices of 8 row positions: the learners' table takes several, and the kill comes after the first
    const killed = await killAt(config, src.url, 'CSDL_ETL_TEST_PAUSE_DURING_MERGE', { CSDL_ETL_TEST_MERGE_SLICE_ROWS: '8' });
    const after = await fingerprint(config);
    expect(after.runs).toEqual([...before.runs, { run_id: killed, status: 'succeeded' }]);
    expect(after.raw).not.toEqual(before.raw);
    expect(await sideTables(config)).toContain('hoc_sinh__gone');
    await expectWarehouseEqualsSource(src.url, config.warehousePath);

    const next = await runEtl({ config, sourceUrl: src.url });
    expect(next.kind).toBe('incremental');
    expect(next.tables.filter((t) => t.inserted + t.updated + t.deleted > 0)).toEqual([]);
    expect(await sideTables(config)).toEqual([]);
    expect((await fingerprint(config)).raw).toEqual(after.raw);
    expect(walSize(config)).toBe(0);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('checkpoints after the publish, merges the change into its tables, and leaves no WAL and no side table behind', async () => {
    const phases: string[] = [];
    await seedRows(db, 30_000 + Math.floor(Math.random() * 1000) * 10, 5);
    await runEtl({ config, sourceUrl: src.url, onProgress: (e) => phases.push(e.phase) });
    expect(phases.filter((p) => p === 'publish' || p === 'checkpoint' || p === 'merge')).toEqual(['publish', 'checkpoint', 'merge']);
    expect(walSize(config)).toBe(0);
    expect(await sideTables(config)).toEqual([]);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });
});
