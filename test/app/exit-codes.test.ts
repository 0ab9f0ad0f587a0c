/**
 * The exit codes the README promises: 0 success, 1 failure, 2 bad configuration or usage, 75 a
 * transient failure worth retrying; and what can be checked before work starts is checked then.
 * @module-tag slow
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/source.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'csdl-test-exit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function csdl(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

type Ran = { status: number | null; stdout: string; stderr: string };

/** Runs several commands at once (each start-up is mostly waiting for the TypeScript loader). */
function csdlAll(runs: Array<{ args: string[]; env?: Record<string, string> }>): Promise<Ran[]> {
  return Promise.all(
    runs.map(
      ({ args, env = {} }) =>
        new Promise<Ran>((resolve) => {
          const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b) => (stdout += b));
          child.stderr.on('data', (b) => (stderr += b));
          child.on('close', (status) => resolve({ status, stdout, stderr }));
        }),
    ),
  );
}

/** A warehouse path and an embedded source folder of their own, so that nothing is shared. */
function isolated(name: string): { WAREHOUSE_PATH: string; CSDL_EMBEDDED_DIR: string; CSDL_TMP_DIR: string } {
  return { WAREHOUSE_PATH: join(scratch, name, 'warehouse.duckdb'), CSDL_EMBEDDED_DIR: join(scratch, name, 'pg'), CSDL_TMP_DIR: join(scratch, name, 'tmp') };
}

const noStackTrace = /\n\s+at /;

describe('csdl command line', () => {
  it('exits 2 and names every bad setting when the configuration is invalid', () => {
    const r = csdl(['status'], { CSDL_ETL_PARALLELISM: '99', PORT: 'eighty', CSDL_DATABASE_URL: 'mysql://x' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CSDL_ETL_PARALLELISM');
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('CSDL_DATABASE_URL');
    expect(r.stderr).not.toMatch(noStackTrace); // no stack trace for an expected error
  });

  it('exits 2 on an unknown command and shows the commands', () => {
    const r = csdl(['bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("csdl: không có lệnh 'bogus'");
    expect(r.stderr).toContain('Lệnh:');
  });

  it('exits 2 on an unknown option, a bad option value or no command at all, and 0 for help', async () => {
    const env = isolated('usage');
    const cases: Array<[string[], RegExp]> = [
      [['etl', '--bogus'], /không có tùy chọn '--bogus'/],
      [
        ['generate', '--preset', 'huge'],
        /giá trị 'huge' của tùy chọn '-p, --preset <preset>' không hợp lệ: cần một trong các giá trị tiny, demo, province, national/,
      ],
      [['run', '--preset', 'huge', '--no-serve'], /giá trị 'huge' của tùy chọn '--preset <preset>' không hợp lệ/],
      [['status', '-n', '0'], /giá trị '0' của tùy chọn '-n, --runs <count>' không hợp lệ: cần một số nguyên từ 1 đến 100/],
      [
        ['accounts', 'create', '--unit', 'VN', '--kind', 'boss', '--name', 'x'],
        /giá trị 'boss' của tùy chọn '--kind <kind>' không hợp lệ: cần một trong các giá trị admin, exploit/,
      ],
      [[], /Cách dùng: csdl/],
    ];
    const ran = await csdlAll(cases.map(([args]) => ({ args, env })));
    for (const [i, [args, message]] of cases.entries()) {
      const r = ran[i];
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      // refused before any work: no embedded PostgreSQL started, no warehouse created
      expect(r.stderr, args.join(' ')).not.toContain('embedded PostgreSQL started');
    }
    expect(existsSync(env.WAREHOUSE_PATH)).toBe(false);
    expect(csdl(['--help']).status).toBe(0);
  });

  it('names the unit and the warehouse looked in when an account is asked for a unit it does not hold', () => {
    const env = isolated('unknown-unit');
    const r = csdl(['accounts', 'create', '--unit', 'S:99999999@2025', '--kind', 'exploit', '--name', 'x'], env);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`[UNKNOWN_UNIT] đơn vị S:99999999@2025 không có trong danh mục đơn vị core.dim_units`);
    expect(r.stderr).toContain(`trong kho ${env.WAREHOUSE_PATH}`);
    expect(r.stderr).not.toMatch(noStackTrace);
  });

  it('checks the options that override settings with every other setting, naming the option', () => {
    const r = csdl(['serve', '--schedule', 'every night', '--port', '99999'], {
      ...isolated('overrides'),
      CSDL_SCHEDULE_TZ: 'Mars/Olympus',
      CSDL_JOB_ATTEMPTS: '0',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--schedule (CSDL_SCHEDULE): phải là biểu thức cron');
    expect(r.stderr).toContain('--port (PORT)');
    expect(r.stderr).toContain('CSDL_SCHEDULE_TZ: phải là múi giờ IANA');
    expect(r.stderr).toContain('CSDL_JOB_ATTEMPTS');
    expect(r.stderr).not.toMatch(noStackTrace);
  });

  it('exits 75 at once, before any work, when csdl run finds the source down', async () => {
    const started = Date.now();
    const r = csdl(['run', '--no-serve'], {
      ...isolated('down'),
      CSDL_DATABASE_URL: `postgres://csdl:secret@127.0.0.1:${await freePort()}/csdl`,
      CSDL_PSEUDONYM_SECRET: 'a-secret-of-sixteen-chars',
    });
    expect(r.status, r.stderr).toBe(75);
    expect(r.stderr).toContain('[SOURCE_UNAVAILABLE]');
    expect(r.stderr).toContain('postgres://csdl:***@127.0.0.1');
    expect(r.stderr).not.toMatch(noStackTrace);
    expect(r.stdout).not.toContain('lần chạy quy trình');
    // no retries with backoff: a scheduler retries the command
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('exits 2 before generating anything when the HTTP port is taken', async () => {
    const port = await freePort();
    const taken: Server = await new Promise((resolve) => {
      const s = createServer();
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const runs = [
        { args: ['run', '--preset', 'tiny', '--port', String(port)], env: { ...isolated('port-run'), CSDL_EMBEDDED_PORT: String(await freePort()) } },
        { args: ['serve'], env: { ...isolated('port-serve'), PORT: String(port) } },
      ];
      const ran = await csdlAll(runs);
      for (const [i, { args }] of runs.entries()) {
        const r = ran[i];
        expect(r.status, args[0]).toBe(2);
        expect(r.stderr, args[0]).toContain(`PORT (hoặc --port): 127.0.0.1:${port} đang bị một tiến trình khác dùng`);
        expect(r.stderr, args[0]).not.toMatch(noStackTrace);
        expect(r.stderr, args[0]).not.toContain('embedded PostgreSQL started');
      }
      // csdl run has not even created the warehouse (serve opens it first: a held file is said first)
      expect(existsSync(runs[0].env.WAREHOUSE_PATH)).toBe(false);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('exits 2 before generating anything when the warehouse path cannot be written', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    const env = { ...isolated('unwritable'), WAREHOUSE_PATH: join(file, 'warehouse.duckdb'), CSDL_EMBEDDED_PORT: String(await freePort()) };
    const commands = [['run', '--preset', 'tiny', '--no-serve'], ['etl'], ['transform'], ['serve', '--port', '0']];
    const ran = await csdlAll(commands.map((args) => ({ args, env })));
    for (const [i, args] of commands.entries()) {
      const r = ran[i];
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr, args[0]).toContain(`WAREHOUSE_PATH: không ghi được ${join(file, 'warehouse.duckdb')}`);
      expect(r.stderr, args[0]).not.toMatch(noStackTrace);
      expect(r.stderr, args[0]).not.toContain('embedded PostgreSQL started');
    }
  });

  it('prints help for every command', async () => {
    const commands = ['generate', 'etl', 'transform', 'quality', 'status', 'serve', 'run'];
    const ran = await csdlAll(commands.map((cmd) => ({ args: [cmd, '--help'] })));
    for (const [i, cmd] of commands.entries()) {
      const r = ran[i];
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Cách dùng: csdl ${cmd}`);
    }
  });

  it('says it was interrupted, with exit code 143 and no stack trace, when SIGTERM stops a generate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csdl-test-sigterm-'));
    try {
      const child = spawn(process.execPath, [bin, 'generate', '--preset', 'demo'], {
        env: { ...process.env, CSDL_EMBEDDED_DIR: join(dir, 'pg'), CSDL_EMBEDDED_PORT: String(await freePort()), LOG_LEVEL: 'info' },
      });
      let stderr = '';
      child.stderr.on('data', (b) => {
        stderr += b;
        // rows are being written: interrupt now
        if (/learner rows/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(143);
      expect(stderr).toContain('csdl: bị ngắt bởi SIGTERM; chưa hoàn thành việc gì');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
