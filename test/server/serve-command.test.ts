/**
 * `csdl serve` and `csdl accounts` as real processes on one warehouse file: the server owns the
 * file, so `csdl accounts` says it cannot open it, or goes through the admin API with an admin
 * key; SIGTERM stops the server cleanly and frees the file.
 * @module-tag slow
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/source.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'csdl.js');

describe('csdl serve and csdl accounts', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | undefined;
  let url: string;
  const csdl = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-serve-'));
    const port = await freePort();
    env = {
      ...process.env,
      WAREHOUSE_PATH: join(dir, 'w.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CSDL_SCHEDULE: 'off',
    };
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the first admin account while no server holds the file, printing its key once', () => {
    const out = csdl(['accounts', 'create', '--unit', 'VN', '--kind', 'admin', '--name', 'Cục CNTT']);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/Đã tạo tài khoản quản trị \(admin\) acc_[0-9a-f]+ cho Việt Nam \(N:VN\)/);
    env.CSDL_ADMIN_KEY_FOR_TEST = out.stdout.trim().split('\n').at(-1);
    expect(env.CSDL_ADMIN_KEY_FOR_TEST).toMatch(/^csdl_/);
    expect(csdl(['accounts', 'list']).stdout).toContain('Cục CNTT');
  });

  it('serves, refuses a second opener clearly, and takes accounts through its admin API', async () => {
    server = spawn(process.execPath, [BIN, 'serve', '--schedule', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    server.stdout!.on('data', (d) => (stdout += d));
    await expect.poll(() => stdout, { timeout: 30_000 }).toContain(`csdl serve: ${url}`);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);

    const locked = csdl(['accounts', 'list']);
    expect(locked.stderr).toContain('WAREHOUSE_LOCKED');
    expect(locked.stderr).toContain('csdl serve');
    const via = csdl(['accounts', 'create', '--unit', 'VN', '--kind', 'exploit', '--name', 'Hệ thống báo cáo'], { CSDL_API_KEY: env.CSDL_ADMIN_KEY_FOR_TEST });
    expect(via.stderr).toBe('');
    const key = via.stdout.trim().split('\n').at(-1)!;
    const me = await fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect((await me.json()).account).toMatchObject({ kind: 'exploit', name: 'Hệ thống báo cáo' });
  });

  it('stops on SIGTERM and frees the warehouse', async () => {
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(csdl(['accounts', 'list']).stdout).toContain('Hệ thống báo cáo');
  });
});
