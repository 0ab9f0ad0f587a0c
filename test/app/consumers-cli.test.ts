/**
 * `csdl consumers list|add|approve|suspend|show` as a user runs them, in a child process: on the
 * warehouse file when nothing holds it, and through the server's admin API (CSDL_API_KEY) when a
 * server holds it. Bad values exit 2 naming the field; acting outside one's subtree is refused.
 * @module-tag slow
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryService } from '../../app/delivery-service.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { runQuality } from '../../pipelines/quality/index.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { startServer } from '../../server/start-server.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildFormsFixture } from '../fixtures/forms-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'csdl-consumers-cli-'));
const env: Record<string, string> = {
  WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
  CSDL_EXPORT_DIR: join(dir, 'exports'),
  CSDL_DELIVERY_KEY: 'cli-test-delivery-key-0123',
};
const keys: Record<string, string> = {};

function csdl(args: string[], extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env, ...extra } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const ADD = [
  'consumers',
  'add',
  '--name',
  'Hệ thống báo cáo quốc gia',
  '--owner',
  'Bộ GDĐT',
  '--contact',
  'Cục CNTT',
  '--purpose',
  'Báo cáo định kỳ',
  '--cost',
  'Không thu phí',
  '--legal-basis',
  '123/QĐ-BGDĐT',
  '--legal-basis-date',
  '2025-09-01',
  '--scope',
  '12',
];

beforeAll(async () => {
  const fx = await openFixtureWarehouse(buildFormsFixture);
  await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
  await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
  keys.laiChau = (await createAccount(fx.conn, { unit: 'P:12@2025', kind: 'admin', name: 'Sở GDĐT Lai Châu' })).key;
  keys.laoCai = (await createAccount(fx.conn, { unit: 'P:15@2025', kind: 'admin', name: 'Sở GDĐT Lào Cai' })).key;
  fx.conn.closeSync();
  fx.warehouse.close();
  copyFileSync(join(fx.dir, 'warehouse.duckdb'), env.WAREHOUSE_PATH);
  rmSync(fx.dir, { recursive: true, force: true });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csdl consumers', () => {
  let pushId = '';
  let pullId = '';

  it('registers, approves, suspends and shows on the warehouse file', async () => {
    const noSecret = await csdl([...ADD, '--method', 'push', '--endpoint', 'https://baocao.example.vn/in']);
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr).toContain('secret: hệ thống nhận kiểu push cần khóa bí mật chung (secret) từ 16 ký tự');
    const badDate = await csdl([...ADD.slice(0, -4), '--legal-basis-date', '01/09/2025', '--scope', '12', '--method', 'pull']);
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toContain('legal_basis_date: phải là một ngày dạng YYYY-MM-DD');
    const push = await csdl([...ADD, '--method', 'push', '--endpoint', 'https://baocao.example.vn/in', '--formats', 'csv,xlsx'], {
      CSDL_CONSUMER_SECRET: 'secret-of-the-national-system',
    });
    expect(push.status, push.stderr).toBe(0);
    pushId = /\((con_[0-9a-f]{12})\)/.exec(push.stdout)![1];
    const pull = await csdl([...ADD, '--method', 'pull']);
    pullId = /\((con_[0-9a-f]{12})\)/.exec(pull.stdout)![1];

    const noKey = await csdl(['consumers', 'approve', pushId, '--until', '2099-12-31']);
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('[NO_ACCOUNT] Cần khóa của tài khoản quản trị');
    const foreign = await csdl(['consumers', 'approve', pushId, '--until', '2099-12-31'], { CSDL_API_KEY: keys.laoCai });
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain(`[UNKNOWN_CONSUMER] Không có hệ thống nhận ${pushId} trong phạm vi của P:15@2025`);
    const past = await csdl(['consumers', 'approve', pushId, '--until', '2001-01-01'], { CSDL_API_KEY: keys.laiChau });
    expect(past.status).toBe(2);
    expect(past.stderr).toContain('until: ngày 01/01/2001 đã qua');
    const ok = await csdl(['consumers', 'approve', pushId, '--until', '2099-12-31', '--comment', 'Công văn 5/SGDĐT'], { CSDL_API_KEY: keys.laiChau });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('đến hết ngày 31/12/2099');
    expect(ok.stdout).not.toContain('Khóa hệ thống');
    const pulled = await csdl(['consumers', 'approve', pullId, '--until', '2099-12-31'], { CSDL_API_KEY: keys.laiChau });
    expect(pulled.stdout).toMatch(/Khóa hệ thống[^\n]*\n\S{20,}\n/);

    const list = await csdl(['consumers', 'list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${pushId}\\s+đã duyệt\\s+đẩy \\(HTTPS\\)\\s+Tỉnh Lai Châu \\(12\\)\\s+31/12/2099`));
    const suspended = await csdl(['consumers', 'suspend', pushId, '--reason', 'Bảo trì'], { CSDL_API_KEY: keys.laiChau });
    expect(suspended.status, suspended.stderr).toBe(0);
    const show = await csdl(['consumers', 'show', pushId]);
    expect(show.stdout).toContain('tạm dừng');
    expect(show.stdout).toContain('Căn cứ pháp lý: 123/QĐ-BGDĐT ngày 01/09/2025');
    expect(show.stdout).toContain('chi phí: Không thu phí');
    expect(show.stdout).not.toContain('secret-of-the-national-system');
    const unknown = await csdl(['consumers', 'show', 'con_000000000000']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('[UNKNOWN_CONSUMER] Không có hệ thống nhận con_000000000000 (xem csdl consumers list)');
  }, 120_000);

  it('goes through the server’s admin API when a server holds the warehouse', async () => {
    const warehouse = await openWarehouse(env.WAREHOUSE_PATH, { memoryLimit: '512MB' });
    const server = await startServer({
      warehouse,
      port: 0,
      deliveries: deliveryService({ exportDir: env.CSDL_EXPORT_DIR, delivery: { key: env.CSDL_DELIVERY_KEY, attempts: 1, timeoutMs: 1000 } }),
    });
    try {
      const list = await csdl(['consumers', 'list', '--server', server.url], { CSDL_API_KEY: keys.laoCai });
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toContain('Chưa có hệ thống nhận nào');
      const own = await csdl(['consumers', 'list', '--server', server.url], { CSDL_API_KEY: keys.laiChau });
      expect(own.stdout).toContain(pushId);
      expect(own.stdout).toContain(pullId);
      const approved = await csdl(['consumers', 'approve', pushId, '--until', '2099-06-30', '--server', server.url], { CSDL_API_KEY: keys.laiChau });
      expect(approved.status, approved.stderr).toBe(0);
      expect(approved.stdout).toContain('30/06/2099');
      const refused = await csdl(['consumers', 'suspend', pushId, '--server', server.url], { CSDL_API_KEY: keys.laoCai });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`Không tìm thấy (NOT_FOUND): hệ thống nhận ${pushId}`);
      const bad = await csdl([...ADD, '--method', 'folder', '--endpoint', 'relative/dir', '--server', server.url], { CSDL_API_KEY: keys.laiChau });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('thư mục relative/dir phải là đường dẫn tuyệt đối');
    } finally {
      await server.close();
      warehouse.close();
    }
  }, 120_000);
});
