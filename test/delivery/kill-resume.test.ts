/**
 * A delivery survives kill -9: `csdl serve` (a child process) is killed while its push waits on
 * the receiver; the next `csdl serve` on the same warehouse resumes the delivery at start-up with
 * the same Idempotency-Key and the same bytes, and the package ends accepted once, in one row.
 * @module-tag slow
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaDb } from '../../lib/meta-store/index.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { runQuality } from '../../pipelines/quality/index.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { approveConsumer, registerConsumer } from '../../pipelines/delivery/index.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { FIXTURE_DEADLINES, openFixtureWarehouse } from '../fixtures/fixture-warehouse.ts';
import { buildFormsFixture } from '../fixtures/forms-fixture.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { PASSING_GATE } from '../support/reports-fixture.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));
const SECRET = 'shared-secret-of-the-receiver';
const dir = mkdtempSync(join(tmpdir(), 'csdl-kill-delivery-'));
const env: Record<string, string> = {
  WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
  CSDL_EXPORT_DIR: join(dir, 'exports'),
  CSDL_DELIVERY_KEY: 'kill-test-delivery-key-0123',
  CSDL_DELIVERY_TIMEOUT_SECONDS: '30',
  CSDL_SCHEDULE: 'off',
  LOG_LEVEL: 'warn',
};
let receiver: Receiver;
let adminKey = '';
let consumerId = '';
const children: ChildProcess[] = [];

function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /csdl serve: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`csdl serve exited ${code}: ${err}`)));
  });
}

beforeAll(async () => {
  receiver = await startReceiver({ secret: SECRET, behave: (_path, n) => (n === 1 ? 'hang' : 'ok') });
  const fx = await openFixtureWarehouse(buildFormsFixture);
  await runTransform({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
  await runQuality({ warehouse: fx.conn, deadlines: FIXTURE_DEADLINES });
  const nation = await createAccount(fx.conn, { unit: 'VN', kind: 'admin', name: 'Cục CNTT' });
  const laiChau = await createAccount(fx.conn, { unit: 'P:12@2025', kind: 'admin', name: 'Sở GDĐT Lai Châu' });
  adminKey = nation.key;
  await approval.approve(fx.conn, { period: '2025-DN', unit: '12', actor: laiChau.account, gate: PASSING_GATE });
  const c = await registerConsumer(
    fx.conn,
    {
      name: 'Hệ thống báo cáo',
      owner_org: 'Bộ GDĐT',
      contact: 'Cục CNTT',
      purpose: 'Báo cáo định kỳ',
      legal_basis_number: '1/QĐ',
      legal_basis_date: '2025-01-01',
      scope_unit: '12',
      method: 'push',
      endpoint: receiver.url + '/in',
      secret: SECRET,
      figures: 'exact',
      formats: ['csv'],
    },
    { deliveryKey: env.CSDL_DELIVERY_KEY, requestedBy: null },
  );
  await approveConsumer(fx.conn, c.consumer_id, { actor: laiChau.account, until: '2099-12-31' });
  consumerId = c.consumer_id;
  fx.conn.closeSync();
  fx.warehouse.close();
  copyFileSync(join(fx.dir, 'warehouse.duckdb'), env.WAREHOUSE_PATH);
  rmSync(fx.dir, { recursive: true, force: true });
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && !c.signalCode) c.kill('SIGKILL');
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deliveries() {
  const warehouse = await openWarehouse(env.WAREHOUSE_PATH, { memoryLimit: '256MB' });
  const conn = await warehouse.connect();
  try {
    return await metaDb(conn).selectFrom('meta.deliveries').selectAll().where('consumer_id', '=', consumerId).execute();
  } finally {
    conn.closeSync();
    warehouse.close();
  }
}

describe('kill -9 during a delivery', () => {
  it('resumes on restart with the same key and bytes, and the package is accepted once', async () => {
    const first = await serve();
    const killed = new Promise<void>((resolve) => {
      receiver.onRequest = () => {
        first.child.kill('SIGKILL');
        resolve();
      };
    });
    const request = fetch(`${first.url}/api/admin/consumers/${consumerId}/deliver`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}` } }).catch(
      (err: Error) => err,
    );
    await killed;
    receiver.onRequest = undefined;
    expect(await request).toBeInstanceOf(Error);
    await new Promise((r) => (first.child.exitCode !== null || first.child.signalCode ? r(null) : first.child.once('exit', r)));
    const midway = await deliveries();
    expect(midway).toHaveLength(1);
    expect(midway[0]).toMatchObject({ state: 'sending', attempts: 1 });

    const second = await serve();
    const started = Date.now();
    while (receiver.accepted.size === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
    // the row is written after the answer: wait until the server has recorded it
    let row: Record<string, unknown> | undefined;
    while (Date.now() - started < 60_000) {
      const res = await fetch(`${second.url}/api/admin/consumers/${consumerId}`, { headers: { Authorization: `Bearer ${adminKey}` } });
      row = ((await res.json()) as { deliveries: Array<Record<string, unknown>> }).deliveries[0];
      if (row?.state === 'accepted') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    second.child.kill('SIGTERM');
    await new Promise((r) => (second.child.exitCode !== null || second.child.signalCode ? r(null) : second.child.once('exit', r)));

    const tries = receiver.requests.filter((q) => q.path === '/in');
    expect(tries).toHaveLength(2);
    expect(tries[1].key).toBe(tries[0].key);
    expect(tries[1].sha256).toBe(tries[0].sha256);
    expect(tries.every((t) => t.signatureOk)).toBe(true);
    expect(receiver.accepted.size).toBe(1);
    expect(receiver.accepted.get(tries[0].key)!.duplicates).toBe(0);
    const rows = await deliveries();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'accepted', attempts: 2, idempotency_key: tries[0].key, receipt_id: receiver.accepted.get(tries[0].key)!.id });
    expect(rows[0].delivery_id).toBe(midway[0].delivery_id);
  }, 180_000);
});
