/**
 * `csdl approve`, `csdl unapprove`, `csdl approvals` and `csdl export` as a user runs them, in a
 * child process: on the warehouse file when nothing holds it, and through the running server's
 * API (CSDL_API_KEY) when the server holds it; refusals exit 1 with the reason, no stack trace.
 * @module-tag slow
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsService } from '../../app/reports-service.ts';
import { runQuality } from '../../pipelines/quality/index.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildFormsFixture } from '../fixtures/forms-fixture.ts';
import { PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));

/** Runs the CLI without blocking the event loop (the in-process server must keep answering). */
function csdl(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('csdl approve / approvals / export on the warehouse file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-reports-cli-'));
  const env: Record<string, string> = {};
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    const fx = await openFixtureWarehouse(buildFormsFixture);
    await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
    keys.laiChau = (await createAccount(fx.conn, { unit: 'P:12@2025', kind: 'admin', name: 'Sở GDĐT Lai Châu' })).key;
    keys.reader = (await createAccount(fx.conn, { unit: 'P:12@2025', kind: 'exploit', name: 'Thống kê' })).key;
    fx.conn.closeSync();
    fx.warehouse.close();
    // the fixture's folder holds the closed warehouse; copy it so its cleanup does not remove it
    const file = join(fx.dir, 'warehouse.duckdb');
    env.WAREHOUSE_PATH = join(dir, 'warehouse.duckdb');
    await import('node:fs/promises').then((fs) => fs.copyFile(file, env.WAREHOUSE_PATH));
    rmSync(fx.dir, { recursive: true, force: true });
    env.CSDL_EXPORT_DIR = join(dir, 'exports');
    env.CSDL_CONFIG_FILE = join(dir, 'config.json');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(env.CSDL_CONFIG_FILE, JSON.stringify({ approvalGate: PASSING_GATE, deadlines: FIXTURE_DEADLINES.deadlines })),
    );
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('approves with the admin key, refuses a reading key, lists the period and writes the package', async () => {
    const none = await csdl(['approve', '--period', '2025-DN', '--unit', '12'], env);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('[NO_ACCOUNT]');
    const reader = await csdl(['approve', '--period', '2025-DN', '--unit', '12'], { ...env, CSDL_API_KEY: keys.reader });
    expect(reader.status).toBe(1);
    expect(reader.stderr).toContain('[APPROVAL_FORBIDDEN]');
    expect(reader.stderr).not.toMatch(/\n\s+at /);
    const ok = await csdl(['approve', '--period', '2025-DN', '--unit', '12', '--comment', 'Sở đã rà soát'], { ...env, CSDL_API_KEY: keys.laiChau });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Đã duyệt số liệu Tỉnh Lai Châu kỳ 2025-DN, phiên bản v-2025-DN-12-[0-9a-f]{12}/);
    const list = await csdl(['approvals', '--period', '2025-DN'], env);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain('34 tỉnh: 1 đã duyệt');
    expect(list.stdout).toMatch(/Tỉnh Lai Châu \(12\)\s+đã duyệt/);
    expect(list.stdout).toContain('31/10/2025');
    const exported = await csdl(['export', '--period', '2025-DN', '--unit', '12', '--format', 'xlsx,csv', '--csv-headers', 'vi'], env);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('Đã ghi gói');
    const [pkg] = readdirSync(join(env.CSDL_EXPORT_DIR, '2025-DN'));
    expect(pkg).toMatch(/\.ministry-vi-xlsx\+csv$/);
    const csv = readFileSync(join(env.CSDL_EXPORT_DIR, '2025-DN', pkg, 'indicator_values.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe(
      '\ufeffKỳ báo cáo;Khóa đơn vị;Mã đơn vị;Cấp đơn vị;Tên đơn vị;Đơn vị cấp trên;Mã chỉ tiêu;Phân tổ;Chiều phân tổ;Tử số;Mẫu số;Giá trị\r',
    );
    const bad = await csdl(['export', '--period', '2025-DN', '--unit', '12', '--format', 'pdf'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--format: không có định dạng pdf');
  }, 120_000);
});

describe('csdl approve / export through the server that holds the warehouse', () => {
  const h = reportsFixture();
  const out = mkdtempSync(join(tmpdir(), 'csdl-reports-cli-remote-'));
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ warehouse: h.fx.warehouse, port: 0, reports: reportsService({ approvalGate: PASSING_GATE, exportDir: join(out, 'server') }) });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('goes through the API with the key, and downloads the package checked against its manifest', async () => {
    const env = { WAREHOUSE_PATH: join(h.fx.dir, 'warehouse.duckdb'), CSDL_EXPORT_DIR: join(out, 'cli') };
    const locked = await csdl(['approvals', '--period', '2025-DN'], env);
    expect(locked.status).toBe(75);
    expect(locked.stderr).toContain('WAREHOUSE_LOCKED');
    const ok = await csdl(['approve', '--period', '2025-DN', '--unit', '12', '--server', server.url], { ...env, CSDL_API_KEY: h.keys.laiChau });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Đã duyệt số liệu Tỉnh Lai Châu');
    const list = await csdl(['approvals', '--period', '2025-DN', '--server', server.url], { ...env, CSDL_API_KEY: h.keys.laiChauReader });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/Tỉnh Lai Châu \(12\)\s+đã duyệt/);
    const exported = await csdl(['export', '--period', '2025-DN', '--unit', '12', '--recipient', 'hierarchy', '--server', server.url], {
      ...env,
      CSDL_API_KEY: h.keys.laiChauReader,
    });
    expect(exported.status, exported.stderr).toBe(0);
    const [pkg] = readdirSync(join(out, 'cli', '2025-DN'));
    const manifest = JSON.parse(readFileSync(join(out, 'cli', '2025-DN', pkg, 'manifest.json'), 'utf8'));
    expect(manifest.files.length).toBe(15);
    for (const f of manifest.files) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, 'cli', '2025-DN', pkg, f.name)))
          .digest('hex'),
        f.name,
      ).toBe(f.sha256);
    }
    const other = await csdl(['unapprove', '--period', '2025-DN', '--unit', '12', '--server', server.url], { ...env, CSDL_API_KEY: h.keys.laoCai });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('[APPROVAL_FORBIDDEN]');
  }, 120_000);
});
