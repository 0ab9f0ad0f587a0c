/**
 * The edges an audit of the running server found: bad addresses answer 400/404 naming what is
 * wrong (never 500), keys are accepted in headers only, a revoked key's 401 names its account in
 * the audit log, and a failure detail never names a school outside the caller's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../server/db/read-rows.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('bad input, keys and audit on the fixture warehouse', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers a bad percent-encoding in the path with 400 naming the segment', async () => {
    for (const path of ['/api/units/%', '/api/units/%E0%A4%A']) {
      const r = await s.get(path, s.keys.nationAdmin);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.body.error.code).toBe('BAD_PATH');
      expect(r.body.error.message).toContain(path.slice('/api/units/'.length));
    }
  });

  it('answers 404 for vendor files that are names of object members', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await s.get(`/vendor/${name}`);
      expect({ name, status: r.status }).toEqual({ name, status: 404 });
      expect(r.body.error.message).toContain(`/vendor/${name}`);
      expect(r.body.error.message).toContain('vega.min.js');
    }
    expect((await s.get('/vendor/vega.min.js')).status).toBe(200);
  });

  it('never takes a key from the address, and says to send it in a header', async () => {
    for (const name of ['key', 'api_key', 'token', 'access_token', 'apiKey']) {
      const r = await s.get(`/api/me?${name}=${s.keys.nationAdmin}`);
      expect({ name, status: r.status }).toEqual({ name, status: 401 });
      expect(r.body.error.message).toContain('chỉ được gửi trong tiêu đề');
    }
    await s.audit.flush();
    const leaked = await readRows(s.conn, `select query from meta.audit_log where contains(coalesce(query, ''), $1)`, [s.keys.nationAdmin]);
    expect(leaked).toEqual([]);
  });

  it('records the account a revoked key belonged to when it is refused', async () => {
    const r = await s.get('/api/periods?format=csv', s.keys.revoked);
    expect(r.status).toBe(401);
    await s.audit.flush();
    const [revoked] = await readRows<{ account_id: string }>(s.conn, `select account_id from meta.accounts where name = 'Đã thu hồi'`);
    const rows = await readRows<{ account_id: string | null; account_kind: string; unit_key: string; status: number }>(
      s.conn,
      `select account_id, account_kind, unit_key, status from meta.audit_log where path = '/api/periods' and query = 'format=csv'`,
    );
    expect(rows).toEqual([{ account_id: revoked.account_id, account_kind: 'exploit', unit_key: 'P:48@2025', status: 401 }]);
    // an unknown key has no account to name
    expect((await s.get('/api/periods?format=json', 'csdl_unknown')).status).toBe(401);
    await s.audit.flush();
    const [unknown] = await readRows<{ account_id: string | null }>(
      s.conn,
      `select account_id from meta.audit_log where query = 'format=json' and status = 401`,
    );
    expect(unknown.account_id).toBeNull();
  });

  it("names no school outside the caller's scope beside a repeated record", async () => {
    const related = async (key: string) => {
      const r = await s.get('/api/quality/failures?period=2025-DN&unit=S:T1@2025&rule=HS_TRUNG', key);
      expect(r.status).toBe(200);
      expect(r.body.rows).toHaveLength(1);
      return { unit: r.body.rows[0].related_unit, key: r.body.rows[0].related_record_key };
    };
    // T3 is in Hà Nội: neither the school nor its commune may read it; the nation may
    expect(await related(s.keys.school1)).toEqual({ unit: null, key: null });
    expect(await related(s.keys.communeAdmin)).toEqual({ unit: null, key: null });
    expect(await related(s.keys.nationAdmin)).toEqual({ unit: 'T3', key: 'hoc_sinh:900' });
    const csv = await s.get('/api/quality/failures?period=2025-DN&unit=S:T1@2025&format=csv', s.keys.school1);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toMatch(/,T3[,\r\n]/);
  });
});
