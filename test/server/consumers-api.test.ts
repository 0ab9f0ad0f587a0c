/**
 * The registry through the real HTTP server: the role matrix (a province's admin registers,
 * approves, suspends and sees only its own province's consumers; another province's admin
 * neither sees nor acts on them; a reading key none of it), a pull consumer's system key that
 * lists and downloads its packages (each download a delivery) and stops working the moment the
 * consumer is suspended or expires, the usage report, and the routes in /api/openapi.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryService } from '../../app/delivery-service.ts';
import { reportsService } from '../../app/reports-service.ts';
import { metaDb } from '../../lib/meta-store/index.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { JobRunner } from '../../pipelines/jobs/index.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { approveLaiChauAndNation, PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';

const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-consumers-api-'));
let server: RunningServer;
let runner: JobRunner;
let release: () => void = () => {};

beforeAll(async () => {
  await approveLaiChauAndNation(h, approval);
  const delivery = { key: 'test-delivery-key-0123456789', attempts: 2, timeoutMs: 2000 };
  // a pipeline run the test holds open, to show that a delivery on request waits for no one and overlaps nothing
  runner = new JobRunner({ warehouse: h.fx.warehouse, steps: [{ name: 'etl', run: () => new Promise<void>((r) => (release = r)) }] });
  server = await startServer({
    warehouse: h.fx.warehouse,
    port: 0,
    reports: reportsService({ approvalGate: PASSING_GATE, exportDir: out }),
    deliveries: deliveryService({ exportDir: out, delivery }, runner),
  });
}, 180_000);
afterAll(async () => {
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

async function call(path: string, key: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
const post = (path: string, key: string, body: unknown = {}) => call(path, key, { method: 'POST', body: JSON.stringify(body) });

const pullConsumer = {
  name: 'Cổng thông tin tỉnh Lai Châu',
  owner_org: 'UBND tỉnh Lai Châu',
  contact: 'Trung tâm dữ liệu tỉnh',
  purpose: 'Công khai số liệu giáo dục',
  legal_basis_number: '45/QĐ-UBND',
  legal_basis_date: '2025-08-15',
  scope_unit: '12',
  method: 'pull',
  figures: 'suppressed',
  formats: ['csv'],
};

describe('/api/admin/consumers: the role matrix', () => {
  const ids: Record<string, string> = {};

  it('a province admin registers and approves its own province’s consumers, and nothing of another’s', async () => {
    const own = await post('/api/admin/consumers', h.keys.laiChau, pullConsumer);
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.consumer).toMatchObject({ state: 'requested', scope_unit_key: 'P:12@2025', method: 'pull' });
    expect(own.body.consumer.secret_sealed).toBeUndefined();
    ids.laiChau = own.body.consumer.consumer_id;
    // Lào Cai's admin may not register for Lai Châu, nor see or act on its consumer
    const foreign = await post('/api/admin/consumers', h.keys.laoCai, pullConsumer);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toBe('Không có quyền (FORBIDDEN): P:12@2025 nằm ngoài phạm vi của P:15@2025');
    const laoCai = await post('/api/admin/consumers', h.keys.laoCai, { ...pullConsumer, name: 'Cổng Lào Cai', scope_unit: '15' });
    expect(laoCai.status).toBe(201);
    ids.laoCai = laoCai.body.consumer.consumer_id;
    const seenByLaoCai = await call('/api/admin/consumers', h.keys.laoCai);
    expect(seenByLaoCai.body.rows.map((r: { consumer_id: string }) => r.consumer_id)).toEqual([ids.laoCai]);
    const seenByLaiChau = await call('/api/admin/consumers', h.keys.laiChau);
    expect(seenByLaiChau.body.rows.map((r: { consumer_id: string }) => r.consumer_id)).toEqual([ids.laiChau]);
    const seenByNation = await call('/api/admin/consumers', h.keys.nation);
    expect(seenByNation.body.rows.map((r: { consumer_id: string }) => r.consumer_id).sort()).toEqual([ids.laiChau, ids.laoCai].sort());
    const hidden = await call(`/api/admin/consumers/${ids.laiChau}`, h.keys.laoCai);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`Không tìm thấy (NOT_FOUND): hệ thống nhận ${ids.laiChau}`);
    expect((await post(`/api/admin/consumers/${ids.laiChau}/approve`, h.keys.laoCai, { until: '2099-12-31' })).status).toBe(404);
    expect((await post(`/api/admin/consumers/${ids.laiChau}/suspend`, h.keys.laoCai, {})).status).toBe(404);
    // a reading key manages nothing
    expect((await call('/api/admin/consumers', h.keys.laiChauReader)).status).toBe(403);
    expect((await post(`/api/admin/consumers/${ids.laiChau}/approve`, h.keys.laiChauReader, { until: '2099-12-31' })).status).toBe(403);
  });

  it('refuses bad registrations with 400 naming the field', async () => {
    const push = await post('/api/admin/consumers', h.keys.laiChau, {
      ...pullConsumer,
      method: 'push',
      endpoint: 'http://example.org/in',
      secret: 'x'.repeat(20),
    });
    expect(push.status).toBe(400);
    expect(push.body.error.message).toContain('"endpoint": http://example.org/in: push phải đi qua HTTPS');
    const date = await post('/api/admin/consumers', h.keys.laiChau, { ...pullConsumer, legal_basis_date: '15/08/2025' });
    expect(date.status).toBe(400);
    expect(date.body.error.message).toContain('"legal_basis_date": phải là một ngày dạng YYYY-MM-DD');
    const cron = await post('/api/admin/consumers', h.keys.laiChau, { ...pullConsumer, schedule: 'every monday' });
    expect(cron.status).toBe(400);
    const past = await post(`/api/admin/consumers/${ids.laiChau}/approve`, h.keys.laiChau, { until: '2020-01-01' });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('until: ngày 01/01/2020 đã qua');
  });

  it('issues the system key on approval; it lists and pulls packages, each pull recorded, and stops when suspended', async () => {
    const approved = await post(`/api/admin/consumers/${ids.laiChau}/approve`, h.keys.laiChau, { until: '2099-12-31', comment: 'Công văn 12/SGDĐT' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.consumer).toMatchObject({
      state: 'approved',
      approved_by: h.laiChau.account_id,
      approved_unit: 'P:12@2025',
      approved_until: '2099-12-31',
    });
    const key = approved.body.key as string;
    expect(key).toBeTruthy();
    const list = await call('/api/deliveries/packages', key);
    expect(list.status).toBe(200);
    expect(list.body.rows).toHaveLength(1);
    expect(list.body.rows[0]).toMatchObject({ period: '2025-DN', provisional: false });
    const zip = await call(list.body.rows[0].url, key);
    expect(zip.status).toBe(200);
    expect(zip.type).toBe('application/zip');
    const files = Object.keys((await JSZip.loadAsync(zip.body as Buffer)).files);
    expect(files.some((f) => f.endsWith('/manifest.json'))).toBe(true);
    expect(files.some((f) => /\.outside-csv\/indicator_values\.csv$/.test(f))).toBe(true);
    // the system key reads nothing else
    expect((await call('/api/units', key)).status).toBe(403);
    // an admin's key is not a system key
    expect((await call('/api/deliveries/packages', h.keys.laiChau)).status).toBe(403);
    const shown = await call(`/api/admin/consumers/${ids.laiChau}`, h.keys.laiChau);
    expect(shown.body.deliveries).toHaveLength(1);
    expect(shown.body.deliveries[0]).toMatchObject({ kind: 'pull', state: 'accepted', bytes: (zip.body as Buffer).length });
    expect(shown.body.keys).toHaveLength(1);

    const suspended = await post(`/api/admin/consumers/${ids.laiChau}/suspend`, h.keys.laiChau, { reason: 'Hết thời hạn thỏa thuận' });
    expect(suspended.body.consumer.state).toBe('suspended');
    const refused = await call('/api/deliveries/packages', key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('đang ở trạng thái tạm dừng (suspended): khóa hệ thống không dùng được');
    // approved again (same key, not a new one), then its approval runs out: the key stops again
    const again = await post(`/api/admin/consumers/${ids.laiChau}/approve`, h.keys.laiChau, { until: '2099-12-31' });
    expect(again.body.key).toBeUndefined();
    expect((await call('/api/deliveries/packages', key)).status).toBe(200);
    await metaDb(h.fx.conn).updateTable('meta.consumers').set({ approved_until: '2020-01-01' }).where('consumer_id', '=', ids.laiChau).execute();
    const expired = await call('/api/deliveries/packages', key);
    expect(expired.status).toBe(403);
    expect(expired.body.error.message).toContain('đang ở trạng thái hết hạn (expired)');
    expect((await call('/api/admin/consumers', h.keys.laiChau)).body.rows[0].state).toBe('expired');
  });

  it('reports usage per consumer and period within the subtree, and audits each action', async () => {
    // the API reads its dates as Vietnam's calendar days, which run 7 hours ahead of UTC
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const usage = await call(`/api/admin/consumers/usage?from=2020-01-01&to=${today}`, h.keys.laiChau);
    expect(usage.status).toBe(200);
    expect(usage.body.rows).toEqual([expect.objectContaining({ consumer_id: ids.laiChau, kind: 'pull', state: 'accepted', deliveries: 1, packages: 1 })]);
    expect((await call(`/api/admin/consumers/usage?from=2020-01-01&to=${today}`, h.keys.laoCai)).body.rows).toEqual([]);
    expect((await call('/api/admin/consumers/usage?from=2020-01-01', h.keys.laiChau)).status).toBe(400);
    const audit = await h.fx.rows<{ path: string; detail: string | null; status: number }>(
      `select path, detail, status from meta.audit_log where path like '/api/admin/consumers%' or path like '/api/deliveries%' order by accessed_at`,
    );
    expect(audit.some((a) => a.path.endsWith('/approve') && a.status === 200 && a.detail?.includes('approve_consumer'))).toBe(true);
    expect(audit.some((a) => a.path.startsWith('/api/deliveries/packages/') && a.detail?.includes('"action":"pull"'))).toBe(true);
  });

  it('sends on request as a run of the server’s runner: 409 while a pipeline run is in progress, then one run id on the delivery', async () => {
    const folder = join(out, 'drop');
    const reg = await post('/api/admin/consumers', h.keys.laiChau, { ...pullConsumer, name: 'Thư mục của Sở', method: 'folder', endpoint: folder });
    const id = reg.body.consumer.consumer_id as string;
    expect((await post(`/api/admin/consumers/${id}/deliver`, h.keys.laiChau)).status).toBe(409);
    await post(`/api/admin/consumers/${id}/approve`, h.keys.laiChau, { until: '2099-12-31' });
    const run = runner.start('manual');
    const busy = await post(`/api/admin/consumers/${id}/deliver`, h.keys.laiChau);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('JOB_RUNNING');
    release();
    await run.done;
    const sent = await post(`/api/admin/consumers/${id}/deliver`, h.keys.laiChau);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.deliveries).toHaveLength(1);
    expect(sent.body.deliveries[0]).toMatchObject({ state: 'accepted', kind: 'folder', requested_by: h.laiChau.account_id });
    const [job] = await h.fx.rows<{ trigger: string; requested_by: string }>(`select trigger, requested_by from meta.job_runs where run_id = $1`, [
      sent.body.deliveries[0].run_id,
    ]);
    expect(job).toEqual({ trigger: 'api', requested_by: h.laiChau.account_id });
  });

  it('declares its routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(server.url + '/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const p of ['/api/admin/consumers', '/api/admin/consumers/usage', '/api/admin/consumers/{id}/approve', '/api/deliveries/packages/{versionId}']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
