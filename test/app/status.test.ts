/**
 * `csdl status` as a real process: a killed ETL shows as interrupted at once (not `running` until
 * the next ETL), and while `csdl serve` holds the warehouse the command reads the same through the
 * server's admin API, or says what to do.
 * @module-tag slow
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { SECRET, seedRows, sourceClient, testConfig } from '../ingest/etl-support.ts';
import { freePort, startTestSource, type TestSource } from '../support/source.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(repo, 'bin', 'csdl.js');

describe('csdl status', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  let env: NodeJS.ProcessEnv;
  let killed: string;
  let keys: { admin: string; exploit: string };
  let server: ChildProcess | undefined;
  const csdl = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
  /** The line of the runs table for `runId`. */
  const lineOf = (stdout: string, runId: string) => stdout.split('\n').find((l) => l.startsWith(runId)) ?? '';

  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 30);
    config = testConfig(src.url);
    await runEtl({ config, sourceUrl: src.url });
    const wh = await openWarehouse(config.warehousePath);
    const conn = await wh.connect();
    keys = {
      admin: (await createAccount(conn, { unit: 'VN', kind: 'admin', name: 'Cục CNTT' })).key,
      exploit: (await createAccount(conn, { unit: 'VN', kind: 'exploit', name: 'Báo cáo' })).key,
    };
    conn.closeSync();
    wh.close();
    env = {
      ...process.env,
      CSDL_DATABASE_URL: src.url,
      WAREHOUSE_PATH: config.warehousePath,
      CSDL_TMP_DIR: config.tmpDir,
      CSDL_PSEUDONYM_SECRET: SECRET,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      CSDL_SCHEDULE: 'off',
    };
    // an ETL killed after staging: its record stays `running`
    await db.query(`update csdl.hoc_sinh set trang_thai = trang_thai + 1 where id % 3 = 0`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/ingest/support/etl-kill-child.ts'], {
      cwd: repo,
      env: { ...env, CSDL_ETL_TEST_PAUSE_AFTER_STAGE: '600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise((resolve) => child.on('exit', resolve));
    killed = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /test pause \S+ run=(\S+)/.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`the ETL exited before pausing:\n${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;
  }, 120_000);
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await db?.end();
    await src?.close();
  });

  it('shows a killed ETL as interrupted, not running', () => {
    const out = csdl(['status']);
    expect(out.status).toBe(0);
    expect(lineOf(out.stdout, killed)).toMatch(/^\S+\s+tăng dần \(incremental\)\s+bị ngắt \(interrupted\)\s/);
    expect(out.stdout).not.toMatch(/^run-\S+\s+\S+ \(\S+\)\s+đang chạy/m);
    expect(out.stdout).toContain('Độ mới của kho dữ liệu');
  });

  it('reads through the server while `csdl serve` holds the warehouse, with an admin key', async () => {
    server = spawn(process.execPath, [BIN, 'serve', '--schedule', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    server.stdout!.on('data', (d) => (stdout += d));
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain('csdl serve: http://127.0.0.1:');

    const locked = csdl(['status']);
    expect(locked.status).toBe(75);
    expect(locked.stderr).toContain('WAREHOUSE_LOCKED');
    expect(locked.stderr).toContain('CSDL_API_KEY');

    const via = csdl(['status', '--runs', '5'], { CSDL_API_KEY: keys.admin });
    expect(via.stderr).toBe('');
    expect(via.status).toBe(0);
    expect(via.stdout).toContain('(đọc qua máy chủ http://127.0.0.1:');
    expect(lineOf(via.stdout, killed)).toMatch(/^\S+\s+tăng dần \(incremental\)\s+bị ngắt \(interrupted\)\s/);
    expect(via.stdout).toMatch(/\nhoc_sinh\s+run-/);
    const local = csdl(['status', '--runs', '5'], { CSDL_API_KEY: keys.admin, WAREHOUSE_PATH: '/nonexistent/warehouse.duckdb' });
    expect(local.stdout).toContain('Chưa có kho dữ liệu tại /nonexistent/warehouse.duckdb');

    const refused = csdl(['status'], { CSDL_API_KEY: keys.exploit });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('FORBIDDEN');

    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
