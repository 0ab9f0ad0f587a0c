/**
 * Sign-off and export packages through the real HTTP server on the forms fixture: who may act and
 * read, refusals answered with their status and reason, packages and single files served to keys
 * that may read the unit, each download audited.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsService } from '../../app/reports-service.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';

const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-reports-api-'));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ warehouse: h.fx.warehouse, port: 0, reports: reportsService({ approvalGate: PASSING_GATE, exportDir: out }) });
});
afterAll(async () => {
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

async function call(path: string, key: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.includes('json') ? ((await res.json()) as any) : Buffer.from(await res.arrayBuffer()) };
}
const post = (path: string, key: string, body: unknown) => call(path, key, { method: 'POST', body: JSON.stringify(body) });

describe('/api/approvals and /api/exports', () => {
  it('lets only the province’s admin approve it, and answers refusals with their reason', async () => {
    const reader = await post('/api/approvals', h.keys.laiChauReader, { period: '2025-DN', unit: '12' });
    expect(reader.status).toBe(403);
    const other = await post('/api/approvals', h.keys.laoCai, { period: '2025-DN', unit: '12' });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('APPROVAL_FORBIDDEN');
    const bad = await post('/api/approvals', h.keys.laiChau, { period: '2025', unit: '12' });
    expect(bad.status).toBe(400);
    const nation = await post('/api/approvals', h.keys.nation, { period: '2025-DN', unit: 'VN' });
    expect(nation.status).toBe(409);
    expect(nation.body.error.message).toContain('Tỉnh Lai Châu (12): chưa duyệt');
    const ok = await post('/api/approvals', h.keys.laiChau, { period: '2025-DN', unit: '12', comment: 'Sở đã rà soát' });
    expect(ok.status).toBe(200);
    expect(ok.body.version.version_id).toMatch(/^v-2025-DN-12-/);
  });

  it('shows each key the provinces it may read, with the nation', async () => {
    const own = await call('/api/approvals?period=2025-DN', h.keys.laiChauReader);
    expect(own.status).toBe(200);
    expect(own.body.provinces.map((p: { unit_code: string }) => p.unit_code)).toEqual(['12']);
    expect(own.body.provinces[0]).toMatchObject({ status: 'approved', changed_since_approval: false });
    expect(own.body.nation.status).toBe('pending');
    const all = await call('/api/approvals?period=2025-DN', h.keys.nation);
    expect(all.body.provinces).toHaveLength(34);
    expect((await call('/api/approvals/history?period=2025-DN&unit=12', h.keys.laoCai)).status).toBe(403);
    const history = await call('/api/approvals/history?period=2025-DN&unit=12', h.keys.laiChauReader);
    expect(history.body.rows[0]).toMatchObject({ action: 'approve', comment: 'Sở đã rà soát' });
    const diff = await call('/api/approvals/diff?period=2025-DN&unit=12', h.keys.laiChau);
    expect(diff.body.changed).toBe(false);
  });

  it('serves the package, its files and a zip to keys that may read the unit, each download audited', async () => {
    expect((await call('/api/exports?period=2025-DN&unit=12', h.keys.laoCai)).status).toBe(403);
    const manifest = await call('/api/exports?period=2025-DN&unit=12', h.keys.laiChauReader);
    expect(manifest.status).toBe(200);
    expect(manifest.body.recipient).toBe('hierarchy');
    const csv = manifest.body.files.find((f: { name: string }) => f.name === 'form_cells.csv');
    const file = await call(csv.url, h.keys.laiChauReader);
    expect(file.status).toBe(200);
    expect(file.type).toContain('text/csv');
    expect(createHash('sha256').update(file.body).digest('hex')).toBe(csv.sha256);
    const xlsx = await call(manifest.body.files.find((f: { name: string }) => f.name === 'bieu-02-th-dn.xlsx').url, h.keys.laiChauReader);
    expect(xlsx.type).toContain('spreadsheetml');
    const zip = await call(manifest.body.zip, h.keys.laiChauReader);
    const entries = Object.keys((await JSZip.loadAsync(zip.body)).files).filter((n) => !n.endsWith('/'));
    expect(entries).toHaveLength(manifest.body.files.length + 1);
    expect((await call(`/api/exports/file?period=2025-DN&unit=12&name=nope.csv`, h.keys.laiChauReader)).status).toBe(404);
    const audit = await h.fx.rows<{ path: string; status: number; detail: string }>(
      `select path, status, detail from meta.audit_log where path like '/api/exports%' and status = 200 order by accessed_at`,
    );
    expect(audit.map((a) => a.path)).toEqual(['/api/exports', '/api/exports/file', '/api/exports/file', '/api/exports/zip']);
    expect(JSON.parse(audit[1].detail)).toMatchObject({ file: 'form_cells.csv', sha256: csv.sha256, recipient: 'hierarchy' });
    const runs = await h.fx.rows<{ via: string }>(`select via from meta.export_runs`);
    // the package is looked up for each of the five requests (the one naming a missing file too)
    expect(runs.length).toBe(5);
    expect(runs.every((r) => r.via === 'api')).toBe(true);
  });

  it('answers 409 for a unit without an approved version, and lets an admin withdraw its approval', async () => {
    const none = await call('/api/exports?period=2025-CN&unit=12', h.keys.laiChau);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NOT_APPROVED');
    const withdrawn = await post('/api/approvals/unapprove', h.keys.laiChau, { period: '2025-DN', unit: '12' });
    expect(withdrawn.status).toBe(200);
    expect((await post('/api/approvals/unapprove', h.keys.laiChau, { period: '2025-DN', unit: '12' })).status).toBe(409);
    expect((await post('/api/approvals/not-reporting', h.keys.laiChau, { period: '2025-DN', unit: '15', not_reporting: true })).status).toBe(403);
    expect((await post('/api/approvals/not-reporting', h.keys.nation, { period: '2025-DN', unit: '15', not_reporting: true })).status).toBe(200);
  });

  it('answers sign-off actions that arrive together one after another, never with a 500', async () => {
    const body = { period: '2025-CN', unit: '12' };
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2 ? post('/api/approvals/unapprove', h.keys.laiChau, body) : post('/api/approvals', h.keys.laiChau, { ...body, comment: `lần ${i}` }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    // every action kept alternates: an approval follows a withdrawal, and the reverse
    const history = await call('/api/approvals/history?period=2025-CN&unit=12', h.keys.laiChau);
    const actions = (history.body.rows as { action: string }[]).map((r) => r.action).filter((a) => a === 'approve' || a === 'unapprove');
    expect(actions.length).toBeGreaterThan(0);
    for (let i = 1; i < actions.length; i++) expect(actions[i]).not.toBe(actions[i - 1]);
  });
});
