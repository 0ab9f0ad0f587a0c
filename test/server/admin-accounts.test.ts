/**
 * Account management through the admin API (seeds 000, 001): an admin manages its subtree,
 * issues exploitation accounts for its unit and admin accounts only below it; keys are shown
 * once and stored as SHA-256 hashes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../server/db/read-rows.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('admin accounts API', () => {
  let s: TestServer;
  const post = async (key: string, body: unknown) => {
    const res = await fetch(`${s.url}/api/admin/accounts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lets a commune admin create an exploitation account for its school, storing only the hash', async () => {
    const r = await post(s.keys.communeAdmin, { unit: 'S:T2@2025', kind: 'exploit', name: 'Giáo vụ trường Nguyễn Huệ' });
    expect(r.status).toBe(201);
    expect(r.body.account).toMatchObject({ unit_key: 'S:T2@2025', kind: 'exploit', unit_level: 'school' });
    const [row] = await readRows<{ key_hash: string }>(s.conn, `select key_hash from meta.accounts where account_id = $1`, [r.body.account.account_id]);
    expect(row.key_hash).toBe(createHash('sha256').update(r.body.key).digest('hex'));
    const dump = JSON.stringify(await readRows(s.conn, `select * from meta.accounts`));
    expect(dump).not.toContain(r.body.key);
    expect((await s.get('/api/indicators?unit=S:T2@2025', r.body.key)).status).toBe(200);
  });

  it("refuses accounts outside the admin's subtree, its own admin account, and exploit keys", async () => {
    expect((await post(s.keys.communeAdmin, { unit: 'P:01@2025', kind: 'exploit', name: 'x' })).status).toBe(403);
    expect((await post(s.keys.communeAdmin, { unit: 'C:20194@2025', kind: 'admin', name: 'x' })).status).toBe(403);
    expect((await post(s.keys.province48, { unit: 'S:T1@2025', kind: 'exploit', name: 'x' })).status).toBe(403);
    const bad = await post(s.keys.communeAdmin, { unit: 'S:T1@2025', kind: 'owner', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"kind"');
    // zod's own message, in Vietnamese
    expect(bad.body.error.message).toBe('Tham số không hợp lệ (BAD_PARAMETER) "kind": Tùy chọn không hợp lệ: mong đợi một trong các giá trị "admin"|"exploit"');
  });

  it("lists only the accounts in the admin's subtree, without secrets, and revokes them", async () => {
    const list = await s.get('/api/admin/accounts', s.keys.communeAdmin);
    const units = list.body.rows.map((a: { unit_key: string }) => a.unit_key);
    expect(units).toContain('S:T1@2025');
    expect(units).not.toContain('P:48@2025');
    expect(units).not.toContain('N:VN');
    expect(JSON.stringify(list.body)).not.toContain('key_hash');
    const school = list.body.rows.find((a: { unit_key: string }) => a.unit_key === 'S:T1@2025');
    const res = await fetch(`${s.url}/api/admin/accounts/${school.account_id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${s.keys.communeAdmin}` },
    });
    expect(res.status).toBe(200);
    expect((await s.get('/api/me', s.keys.school1)).status).toBe(401);
    const nation = await s.get('/api/admin/accounts', s.keys.nationAdmin);
    expect(nation.body.rows.length).toBeGreaterThan(list.body.rows.length);
  });

  it('revokes by the same rule as it creates: no admin account of its own unit, even one the nation issued', async () => {
    const del = async (key: string, id: string) =>
      (await fetch(`${s.url}/api/admin/accounts/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${key}` } })).status;
    // the nation issues Đà Nẵng two admin accounts and a commune admin account
    const first = (await post(s.keys.nationAdmin, { unit: 'P:48@2025', kind: 'admin', name: 'Sở GDĐT Đà Nẵng (1)' })).body;
    const second = (await post(s.keys.nationAdmin, { unit: 'P:48@2025', kind: 'admin', name: 'Sở GDĐT Đà Nẵng (2)' })).body;
    const commune = (await post(s.keys.nationAdmin, { unit: 'C:20194@2025', kind: 'admin', name: 'Phường Hải Châu (2)' })).body;
    const exploit = (await post(first.key, { unit: 'P:48@2025', kind: 'exploit', name: 'Phòng KHTC' })).body;
    // creating an admin account of its own province is refused, and so is revoking one
    expect((await post(first.key, { unit: 'P:48@2025', kind: 'admin', name: 'x' })).status).toBe(403);
    expect(await del(first.key, second.account.account_id)).toBe(403);
    expect(await del(first.key, first.account.account_id)).toBe(403);
    expect((await s.get('/api/me', second.key)).status).toBe(200);
    // what it may create, it may revoke: its province's exploitation accounts, admins below it
    expect(await del(first.key, exploit.account.account_id)).toBe(200);
    expect(await del(first.key, commune.account.account_id)).toBe(200);
    expect((await s.get('/api/me', commune.key)).status).toBe(401);
    // and nothing outside its subtree
    const hanoi = (await post(s.keys.nationAdmin, { unit: 'P:01@2025', kind: 'exploit', name: 'Sở GDĐT Hà Nội (2)' })).body;
    expect(await del(first.key, hanoi.account.account_id)).toBe(403);
    // the nation revokes any of them
    expect(await del(s.keys.nationAdmin, second.account.account_id)).toBe(200);
  });

  it('answers 404 naming the unit when the nation creates an account for a unit that does not exist', async () => {
    const r = await post(s.keys.nationAdmin, { unit: 'P:77@2099', kind: 'exploit', name: 'x' });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain('P:77@2099');
  });

  it('records the unit and kind of every account created or revoked, and of a refused attempt', async () => {
    const created = await post(s.keys.nationAdmin, { unit: 'C:00004@2025', kind: 'admin', name: 'Phường Ba Đình' });
    expect(created.status).toBe(201);
    await fetch(`${s.url}/api/admin/accounts/${created.body.account.account_id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${s.keys.nationAdmin}` },
    });
    expect((await post(s.keys.communeAdmin, { unit: 'C:20194@2025', kind: 'admin', name: 'x' })).status).toBe(403);
    await s.audit.flush();
    const rows = await readRows<{ method: string; status: number; detail: string }>(
      s.conn,
      `select method, status, detail from meta.audit_log where path like '/api/admin/accounts%' and detail is not null order by accessed_at`,
    );
    const details = rows.map((r) => ({ method: r.method, status: r.status, ...JSON.parse(r.detail) }));
    expect(details).toContainEqual({
      method: 'POST',
      status: 201,
      action: 'create',
      account_id: created.body.account.account_id,
      unit_key: 'C:00004@2025',
      unit_level: 'commune',
      kind: 'admin',
    });
    expect(details).toContainEqual({
      method: 'DELETE',
      status: 200,
      action: 'revoke',
      account_id: created.body.account.account_id,
      unit_key: 'C:00004@2025',
      kind: 'admin',
    });
    expect(details).toContainEqual({ method: 'POST', status: 403, action: 'create', unit: 'C:20194@2025', kind: 'admin' });
  });

  it("keeps pipeline runs to the nation's admin and says when no scheduler runs", async () => {
    const res = await fetch(`${s.url}/api/admin/runs`, { method: 'POST', headers: { Authorization: `Bearer ${s.keys.communeAdmin}` } });
    expect(res.status).toBe(403);
    const nation = await fetch(`${s.url}/api/admin/runs`, { method: 'POST', headers: { Authorization: `Bearer ${s.keys.nationAdmin}` } });
    expect(nation.status).toBe(503);
    expect((await nation.json()).error.code).toBe('NO_SCHEDULER');
  });
});
