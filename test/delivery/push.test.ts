/**
 * Delivery to a real HTTP receiver on 127.0.0.1 (test/support/receiver.ts) that fails, times
 * out, drops the connection, refuses and deduplicates replays: every package ends accepted
 * exactly once, signed and with its receipt stored; no package reaches a suspended or expired
 * consumer; folder drops land atomically with their checksums.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaDb } from '../../lib/meta-store/index.ts';
import * as approval from '../../pipelines/approval/index.ts';
import {
  approveConsumer,
  deliverAll,
  deliverToConsumer,
  registerConsumer,
  resumeDeliveries,
  suspendConsumer,
  type DeliveryContext,
} from '../../pipelines/delivery/index.ts';
import { startReceiver, type Behaviour, type Receiver } from '../support/receiver.ts';
import { approveLaiChauAndNation, reportsFixture } from '../support/reports-fixture.ts';

const SECRET = 'shared-secret-of-the-receiver';
const KEY = 'test-delivery-key-0123456789';
const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-delivery-'));
let receiver: Receiver;
const behaviours: Record<string, (nth: number) => Behaviour> = {
  '/flaky': (n) => (n === 1 ? '500' : 'ok'),
  '/slow': (n) => (n === 1 ? 'hang' : 'ok'),
  '/drop': (n) => (n === 1 ? 'drop' : 'ok'),
  '/refuse': () => '400',
  '/down': () => '500',
};

function ctx(extra: Partial<DeliveryContext> = {}): DeliveryContext {
  return { conn: h.fx.conn, exportDir: join(out, 'exports'), deliveryKey: KEY, attempts: 4, timeoutMs: 400, backoffMs: 5, ...extra };
}

const base = {
  owner_org: 'Cục Thống kê tỉnh Lai Châu',
  contact: 'Phòng Tổng hợp, 0213 000 000',
  purpose: 'Báo cáo định kỳ',
  legal_basis_number: '123/QĐ-SGDĐT',
  legal_basis_date: '2025-09-01',
  scope_unit: '12',
};

async function approved(name: string, over: Record<string, unknown>) {
  const c = await registerConsumer(h.fx.conn, { ...base, name, ...over }, { deliveryKey: KEY, requestedBy: h.laiChau.account_id });
  return approveConsumer(h.fx.conn, c.consumer_id, { actor: h.laiChau, until: '2099-12-31' });
}

async function rowsOf(consumerId: string) {
  return metaDb(h.fx.conn).selectFrom('meta.deliveries').selectAll().where('consumer_id', '=', consumerId).orderBy('created_at').execute();
}

beforeAll(async () => {
  await approveLaiChauAndNation(h, approval);
  receiver = await startReceiver({ secret: SECRET, behave: (path, n) => behaviours[path]?.(n) ?? 'ok' });
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('push with retries and receipts', () => {
  it('retries a 500, a timeout and a dropped connection, and each package ends accepted once, signed, with its receipt', async () => {
    const ids: string[] = [];
    for (const path of ['/flaky', '/slow', '/drop', '/ok']) {
      ids.push(
        (await approved(`Hệ thống ${path}`, { method: 'push', endpoint: receiver.url + path, secret: SECRET, figures: 'exact', formats: ['csv', 'xlsx'] }))
          .consumer_id,
      );
    }
    const results = await deliverAll(ctx());
    expect(results).toHaveLength(4);
    for (const r of results) expect(r.state, r.error ?? '').toBe('accepted');
    const byId = new Map(results.map((r) => [r.consumer_id, r]));
    expect(byId.get(ids[0])!.attempts).toBe(2);
    expect(byId.get(ids[1])!.attempts).toBe(2);
    expect(byId.get(ids[2])!.attempts).toBe(2);
    expect(byId.get(ids[3])!.attempts).toBe(1);
    for (const id of ids) {
      const rows = await rowsOf(id);
      expect(rows).toHaveLength(1);
      const [row] = rows;
      const got = receiver.accepted.get(row.idempotency_key);
      expect(got, row.idempotency_key).toBeDefined();
      expect(row.idempotency_key).toBe(`${row.version_id}.${id}`);
      expect(row.receipt_id).toBe(got!.id);
      expect(row.receipt_status).toBe(201);
      expect(row.sha256).toBe(createHash('sha256').update(got!.body).digest('hex'));
      expect(row.bytes).toBe(got!.body.length);
      expect(row.rows).toBeGreaterThan(0);
    }
    for (const r of receiver.requests.filter((q) => q.answered === 'ok')) expect(r.signatureOk).toBe(true);
    // the shared secret is stored sealed, never as it is
    const stored = await h.fx.rows<{ secret_sealed: string }>(`select secret_sealed from meta.consumers where consumer_id = $1`, [ids[0]]);
    expect(stored[0].secret_sealed).toMatch(/^v1:/);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    // the zip holds the Ministry's package of the approved version, manifest included
    const zip = await JSZip.loadAsync(receiver.accepted.get((await rowsOf(ids[3]))[0].idempotency_key)!.body);
    const names = Object.keys(zip.files);
    expect(names.some((n) => n.endsWith('/manifest.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('/indicator_values.csv'))).toBe(true);
    const manifest = JSON.parse(await zip.file(names.find((n) => n.endsWith('/manifest.json'))!)!.async('string'));
    expect(manifest.recipient).toBe('ministry');
    expect(manifest.version.id).toMatch(/^v-2025-DN-12-/);

    // a second run sends nothing: each key is accepted already
    const before = receiver.requests.length;
    expect(await deliverAll(ctx())).toEqual([]);
    expect(receiver.requests.length).toBe(before);
    for (const v of receiver.accepted.values()) expect(v.duplicates).toBe(0);
  }, 120_000);

  it('does not retry a 4xx, and gives up on a receiver that keeps failing after the configured tries', async () => {
    const refuse = await approved('Hệ thống từ chối', { method: 'push', endpoint: receiver.url + '/refuse', secret: SECRET });
    const down = await approved('Hệ thống lỗi', { method: 'push', endpoint: receiver.url + '/down', secret: SECRET });
    const [r1] = await deliverToConsumer(ctx(), refuse.consumer_id);
    expect(r1.state).toBe('failed');
    expect(r1.attempts).toBe(1);
    expect(r1.error).toMatch(/^HTTP 400[\s\S]*\(bên nhận từ chối; không gửi lại\)$/);
    expect(receiver.requests.filter((q) => q.path === '/refuse')).toHaveLength(1);
    const [r2] = await deliverToConsumer(ctx({ attempts: 3 }), down.consumer_id);
    expect(r2.state).toBe('failed');
    expect(r2.attempts).toBe(3);
    expect(r2.error).toMatch(/^HTTP 500[\s\S]*\(sau 3 lần thử\)$/);
    expect(receiver.requests.filter((q) => q.path === '/down')).toHaveLength(3);
  }, 60_000);

  it('a replayed delivery (resumed after a stop) carries the same key and the receiver keeps one copy', async () => {
    const c = await approved('Hệ thống phát lại', { method: 'push', endpoint: receiver.url + '/replay', secret: SECRET });
    const [first] = await deliverToConsumer(ctx(), c.consumer_id);
    expect(first.state).toBe('accepted');
    // as if the process stopped after the receiver answered and before the answer was recorded
    await metaDb(h.fx.conn).updateTable('meta.deliveries').set({ state: 'sending', receipt_id: null }).where('delivery_id', '=', first.delivery_id).execute();
    const resumed = await resumeDeliveries(ctx());
    expect(resumed.map((r) => r.delivery_id)).toEqual([first.delivery_id]);
    expect(resumed[0].state).toBe('accepted');
    expect(resumed[0].receipt_id).toBe(first.receipt_id);
    const key = (await rowsOf(c.consumer_id))[0].idempotency_key;
    expect(receiver.requests.filter((q) => q.key === key)).toHaveLength(2);
    expect(receiver.accepted.get(key)!.duplicates).toBe(1);
    expect((await rowsOf(c.consumer_id)).filter((r) => r.state === 'accepted')).toHaveLength(1);
  }, 60_000);
});

describe('only approved, unexpired consumers receive', () => {
  it('sends nothing to a requested, suspended or expired consumer, and fails a resumed delivery of one suspended meanwhile', async () => {
    const requested = await registerConsumer(
      h.fx.conn,
      { ...base, name: 'Chưa duyệt', method: 'push', endpoint: receiver.url + '/never', secret: SECRET },
      { deliveryKey: KEY, requestedBy: null },
    );
    const suspended = await approved('Tạm dừng', { method: 'push', endpoint: receiver.url + '/never', secret: SECRET });
    await suspendConsumer(h.fx.conn, suspended.consumer_id, { actor: h.laiChau, reason: 'hết hợp đồng' });
    const expiring = await registerConsumer(
      h.fx.conn,
      { ...base, name: 'Hết hạn', method: 'push', endpoint: receiver.url + '/never', secret: SECRET },
      { deliveryKey: KEY, requestedBy: null },
    );
    await approveConsumer(h.fx.conn, expiring.consumer_id, { actor: h.laiChau, until: '2030-01-31', now: new Date('2029-12-01T00:00:00Z') });
    const later = () => new Date('2030-02-01T00:00:00Z');
    const sent = await deliverAll(ctx({ now: later }));
    expect(sent.map((s) => s.consumer_id)).not.toContain(expiring.consumer_id);
    expect(sent.map((s) => s.consumer_id)).not.toContain(suspended.consumer_id);
    expect(sent.map((s) => s.consumer_id)).not.toContain(requested.consumer_id);
    await expect(deliverToConsumer(ctx({ now: later }), expiring.consumer_id)).rejects.toThrow(/expired/);
    await expect(deliverToConsumer(ctx(), suspended.consumer_id)).rejects.toThrow(/suspended/);
    await expect(deliverToConsumer(ctx(), requested.consumer_id)).rejects.toThrow(/requested/);

    // a delivery under way when its consumer is suspended is not sent on resumption
    const midway = await approved('Dừng giữa chừng', { method: 'push', endpoint: receiver.url + '/never', secret: SECRET });
    expect(await rowsOf(midway.consumer_id)).toHaveLength(0);
    await metaDb(h.fx.conn)
      .insertInto('meta.deliveries')
      .values({
        delivery_id: 'dlv_midway',
        consumer_id: midway.consumer_id,
        run_id: null,
        version_id: 'v-x',
        period: '2025-DN',
        unit_key: 'P:12@2025',
        package_id: 'v-x',
        provisional: false,
        kind: 'push',
        state: 'sending',
        idempotency_key: `v-x.${midway.consumer_id}`,
        attempts: 1,
        rows: null,
        bytes: null,
        sha256: null,
        receipt_status: null,
        receipt_id: null,
        error: null,
        requested_by: null,
        created_at: new Date(),
        started_at: new Date(),
        finished_at: null,
      })
      .execute();
    await suspendConsumer(h.fx.conn, midway.consumer_id, { actor: h.nation });
    const resumed = await resumeDeliveries(ctx());
    const m = resumed.find((r) => r.delivery_id === 'dlv_midway')!;
    expect(m.state).toBe('failed');
    expect(m.error).toContain('đang ở trạng thái tạm dừng (suspended), không nhận dữ liệu');
    expect(receiver.requests.filter((q) => q.path === '/never')).toHaveLength(0);
  }, 60_000);
});

describe('folder drop and provisional packages', () => {
  it('drops each file under a temporary name then renames it, with a .sha256 beside it', async () => {
    const folder = join(out, 'drop');
    const c = await approved('Thư mục', { method: 'folder', endpoint: folder, figures: 'suppressed', formats: ['csv', 'json'] });
    const [r] = await deliverToConsumer(ctx(), c.consumer_id);
    expect(r.state, r.error ?? '').toBe('accepted');
    const [pkg] = readdirSync(folder);
    expect(pkg).toMatch(/^v-2025-DN-12-[0-9a-f]{12}\.outside-csv\+json$/);
    const files = readdirSync(join(folder, pkg)).sort();
    expect(files.some((f) => f.includes('.tmp-'))).toBe(false);
    expect(files).toContain('manifest.json');
    expect(files).toContain('manifest.json.sha256');
    for (const f of files.filter((f) => !f.endsWith('.sha256'))) {
      const sum = readFileSync(join(folder, pkg, `${f}.sha256`), 'utf8');
      expect(sum).toBe(
        `${createHash('sha256')
          .update(readFileSync(join(folder, pkg, f)))
          .digest('hex')}  ${f}\n`,
      );
    }
    expect(JSON.parse(readFileSync(join(folder, pkg, 'manifest.json'), 'utf8')).recipient).toBe('outside');
    expect(await deliverToConsumer(ctx(), c.consumer_id)).toEqual([]);
  }, 60_000);

  it('gives a provisional consumer the unapproved period as a package that says so, and others nothing of it', async () => {
    const periods = await h.fx.rows<{ period: string }>(`select distinct period from indicators.indicator_values where unit_key = 'P:12@2025' order by 1`);
    const unapproved = periods.map((p) => p.period).filter((p) => p !== '2025-DN');
    const folder = join(out, 'provisional');
    const c = await approved('Tạm thời', { method: 'folder', endpoint: folder, figures: 'exact', provisional: true, formats: ['csv'] });
    const results = await deliverToConsumer(ctx(), c.consumer_id);
    expect(results.every((r) => r.state === 'accepted')).toBe(true);
    const rows = await rowsOf(c.consumer_id);
    expect(
      rows
        .filter((r) => r.provisional)
        .map((r) => r.period)
        .sort(),
    ).toEqual(unapproved.sort());
    expect(rows.filter((r) => !r.provisional).map((r) => r.period)).toEqual(['2025-DN']);
    for (const r of rows.filter((x) => x.provisional)) {
      const manifest = JSON.parse(readFileSync(join(folder, r.package_id, 'manifest.json'), 'utf8'));
      expect(manifest.provisional).toBe(true);
      expect(manifest.notice).toBe('SỐ LIỆU TẠM THỜI, CHƯA ĐƯỢC DUYỆT — không dùng thay số liệu chính thức đã duyệt');
      expect(existsSync(join(folder, r.package_id, 'indicator_values.csv'))).toBe(true);
    }
    await expect(
      registerConsumer(h.fx.conn, { ...base, name: 'x', method: 'pull', provisional: true, figures: 'suppressed' }, { deliveryKey: KEY, requestedBy: null }),
    ).rejects.toThrow(/provisional/);
  }, 60_000);
});
