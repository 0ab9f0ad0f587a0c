/**
 * The HTTP API end to end: a real server on an ephemeral port over a real DuckDB file with the
 * hand-built fixture marts (support/fixture-warehouse.ts). Scoping, formats, errors and audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../server/db/read-rows.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('HTTP API on the fixture warehouse', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers the health check without a key', async () => {
    const r = await s.get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', ready: true });
  });

  it('refuses data without a key, with an unknown key and with a revoked key', async () => {
    for (const key of [undefined, 'csdl_nope', s.keys.revoked]) {
      const r = await s.get('/api/periods', key);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it('accepts the key in X-API-Key too and tells the caller who they are', async () => {
    const res = await fetch(`${s.url}/api/me`, { headers: { 'X-API-Key': s.keys.province48 } });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.account).toMatchObject({ kind: 'exploit', unit_key: 'P:48@2025', unit_level: 'province' });
    expect(JSON.stringify(body)).not.toContain('key_hash');
  });

  it('lists periods with their Vietnamese names', async () => {
    const r = await s.get('/api/periods', s.keys.school1);
    expect(r.body.rows.map((p: { period: string; name_vi: string }) => [p.period, p.name_vi])).toEqual([
      ['2024-DN', 'Đầu năm học 2024-2025'],
      ['2025-DN', 'Đầu năm học 2025-2026'],
    ]);
  });

  it('gives the nation every province and a province only itself and below', async () => {
    const nation = await s.get('/api/units/N:VN?period=2025-DN', s.keys.nationAdmin);
    expect(nation.status).toBe(200);
    expect(nation.body.rows).toHaveLength(34);
    const own = await s.get('/api/units/P:48@2025', s.keys.province48);
    expect(own.body.rows.map((u: { unit_key: string }) => u.unit_key)).toEqual(['C:20194@2025']);
    const other = await s.get('/api/units/P:01@2025', s.keys.province48);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('P:01@2025');
    expect(other.body.error.message).toContain('P:48@2025');
    const up = await s.get('/api/indicators?unit=VN', s.keys.province48);
    expect(up.status).toBe(403);
  });

  it('lets a current province see the old province that merged into it, and its school of 2024', async () => {
    const r = await s.get('/api/units/P:48@2025?period=2024-DN', s.keys.province48);
    expect(r.status).toBe(200);
    expect(r.body.rows.map((u: { unit_key: string }) => u.unit_key)).toEqual(['P:48@2000', 'P:49@2000']);
    const school = await s.get('/api/indicators?period=2024-DN&unit=S:T1@2024&indicator=LRN', s.keys.province48);
    expect(school.status).toBe(200);
    expect(school.body.rows[0]).toMatchObject({ unit_key: 'S:T1@2024', value: 6 });
    const merged = await s.get('/api/indicators?period=2024-DN&unit=P:48@2025&indicator=LRN', s.keys.province48);
    expect(merged.body.rows.find((r: { role: string }) => r.role === 'unit')).toMatchObject({ unit_key: 'P:48@2025', value: 290 });
  });

  it('shows a school key its own school only, in any year', async () => {
    expect((await s.get('/api/indicators?unit=S:T1@2025', s.keys.school1)).status).toBe(200);
    expect((await s.get('/api/indicators?period=2024-DN&unit=S:T1@2024', s.keys.school1)).status).toBe(200);
    const sibling = await s.get('/api/indicators?unit=S:T2@2025', s.keys.school1);
    expect(sibling.status).toBe(403);
    expect((await s.get('/api/indicators?unit=C:20194@2025', s.keys.school1)).status).toBe(403);
  });

  it('serves exact values for the unit and its children in JSON', async () => {
    const r = await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN', s.keys.province48);
    expect(r.status).toBe(200);
    const rows = r.body.rows.map((x: { role: string; unit_code: string; value: number }) => [x.role, x.unit_code, x.value]);
    expect(rows).toEqual([
      ['unit', '20194', 305],
      ['child', 'T1', 5],
      ['child', 'T2', 300],
    ]);
  });

  it('serves every breakdown with breakdown=all', async () => {
    const r = await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN&breakdown=all', s.keys.province48);
    expect(r.status).toBe(200);
    const breakdowns = new Set(r.body.rows.map((x: { breakdown: string }) => x.breakdown));
    expect(breakdowns.has('total')).toBe(true);
    expect([...breakdowns].some((b) => String(b).startsWith('sex='))).toBe(true);
  });

  it('exports CSV with a BOM, quoted fields and small cells suppressed', async () => {
    const r = await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN&format=csv', s.keys.province48);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toContain('.csv');
    expect(r.text.charCodeAt(0)).toBe(0xfeff);
    const lines = r.text.slice(1).split('\r\n');
    expect(lines[0]).toBe('role,unit_key,unit_code,unit_level,unit_name,indicator,breakdown,numerator,denominator,value,suppressed');
    // T1 5 learners -> '<10'. The commune is Đà Nẵng's only one, so it equals the province, which
    // the public map hides ('x', to protect Cao Bằng's 7): the commune is hidden too, and T2 with
    // it ('x'), so that neither the commune nor T1 follows from the other figures
    expect(lines).toContain('unit,C:20194@2025,20194,commune,Phường Hải Châu,LRN,total,x,,x,true');
    expect(lines).toContain('child,S:T1@2025,T1,school,Trường Tiểu học Lê Lợi,LRN,total,<10,,<10,true');
    expect(lines).toContain('child,S:T2@2025,T2,school,"Trường THCS Nguyễn Huệ, ""cơ sở 2""",LRN,total,x,,x,true');
  });

  it('exports Parquet written by DuckDB', async () => {
    const res = await fetch(`${s.url}/api/quality/scores?period=2025-DN&unit=C:20194@2025&format=parquet`, {
      headers: { Authorization: `Bearer ${s.keys.communeAdmin}` },
    });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
  });

  it('writes Parquet with its figures typed as numbers, a hidden figure null beside its status', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'csdl-parquet-'));
    const read = async (path: string) => {
      const res = await fetch(s.url + path, { headers: { Authorization: `Bearer ${s.keys.province48}` } });
      expect(res.status).toBe(200);
      const file = join(dir, 'export.parquet');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const types = Object.fromEntries(
        (await conn.runAndReadAll(`describe select * from read_parquet('${file}')`)).getRowObjectsJson().map((r) => [r.column_name, r.column_type]),
      );
      const rows = (await conn.runAndReadAll(`select * from read_parquet('${file}')`)).getRowObjectsJson();
      conn.closeSync();
      return { types, rows };
    };
    try {
      const values = await read('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN,LPC,QT&format=parquet');
      expect(values.types).toMatchObject({
        numerator: 'BIGINT',
        denominator: 'BIGINT',
        value: 'DOUBLE',
        numerator_status: 'VARCHAR',
        value_status: 'VARCHAR',
        suppressed: 'BOOLEAN',
      });
      const t1 = values.rows.find((r) => r.unit_code === 'T1' && r.indicator === 'LRN')!;
      expect(t1).toMatchObject({ numerator: null, numerator_status: '<10', value: null, value_status: '<10', suppressed: true });
      // T2's learners are hidden ('x', see the CSV above), its classes shown: the ratio is hidden
      const lpc = values.rows.find((r) => r.unit_code === 'T2' && r.indicator === 'LPC')!;
      expect(lpc).toMatchObject({ numerator: null, numerator_status: 'x', denominator: '10', denominator_status: null, value: null, value_status: 'x' });
      const qt = values.rows.find((r) => r.unit_code === 'T2' && r.indicator === 'QT')!;
      expect(qt).toMatchObject({ numerator: '14', denominator: '15', value_status: null, suppressed: false });
      expect(qt.value).toBeCloseTo(93.333, 3);
      const scores = await read('/api/quality/scores?period=2025-DN&unit=C:20194@2025&format=parquet');
      expect(scores.types).toMatchObject({ score: 'DOUBLE', checked: 'BIGINT', failed: 'BIGINT', rank_in_parent: 'BIGINT', deadline_status: 'VARCHAR' });
      const periods = await read('/api/periods?format=parquet');
      expect(periods.types).toMatchObject({ nam_hoc: 'INTEGER', period: 'VARCHAR' });
      expect(periods.rows).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ranks the children in rank order with band, records to fix, dimensions, change and deadline status', async () => {
    const r = await s.get('/api/quality/scores?period=2025-DN&unit=C:20194@2025', s.keys.communeAdmin);
    expect(r.status).toBe(200);
    const [first, second] = r.body.rows;
    expect(first).toMatchObject({
      unit_code: 'T2',
      score: 62.5,
      band: 'poor',
      records: 301,
      failing_records: 26,
      rank_in_parent: 1,
      parent_ranked_units: 2,
      score_change: 12.5,
      validity: 91.666667,
      timeliness: 0,
      deadline: '2025-10-31',
    });
    expect(second).toMatchObject({ unit_code: 'T1', score: 55, failing_records: 3, rank_in_parent: 2, validity: 60, consistency: 0, deadline_status: 'met' });
    expect(r.body.bands.map((b: { band: string; min_score: number; label_vi: string }) => [b.band, b.min_score, b.label_vi])).toEqual([
      ['good', 98, 'Tốt'],
      ['fair', 90, 'Cần cải thiện'],
      ['poor', 0, 'Kém'],
    ]);
    expect(['late', 'open']).toContain(first.deadline_status);
    expect(r.body.unit).toMatchObject({ unit_key: 'C:20194@2025', score: 61 });
  });

  it("lists a school's failing rules and the record keys to fix", async () => {
    const rules = await s.get('/api/quality/rules?period=2025-DN&unit=S:T1@2025', s.keys.school1);
    expect(rules.body.rows.map((x: { rule_id: string; failed: number }) => [x.rule_id, x.failed])).toEqual([
      ['HS_NGAY_SINH', 2],
      ['LOP_SI_SO', 1],
    ]);
    const failures = await s.get('/api/quality/failures?period=2025-DN&rule=HS_NGAY_SINH', s.keys.school1);
    expect(failures.status).toBe(200);
    expect(failures.body.rows.map((x: { record_key: string }) => x.record_key)).toEqual(['hoc_sinh:101', 'hoc_sinh:102']);
    expect(failures.body.rows[0]).toMatchObject({ unit_code: 'T1', record_id: 101, class_name: '1A', grade: '1', fields: 'ngay_sinh' });
    expect(failures.body).toMatchObject({ total: 2, next: null });
  });

  it('answers 400 naming the bad parameter, and 404 for unknown periods, units and rules', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/indicators?period=2025', 400, '"period"'],
      ['/api/indicators?format=xlsx', 400, '"format"'],
      ['/api/indicators?indicator=NOPE', 400, '"indicator"'],
      ['/api/indicators?breakdown=colour', 400, '"breakdown"'],
      ['/api/indicators?unit=%27%3B%20drop%20table%20x', 400, '"unit"'],
      ['/api/indicators?perod=2025-DN', 400, '"perod"'],
      ['/api/indicators?period=2025-DN&period=2024-DN', 400, '"period"'],
      ['/api/quality/failures?unit=C:20194@2025&limit=0', 400, '"limit"'],
      ['/api/quality/failures?unit=C:20194@2025&cursor=bm9wZQ', 400, '"cursor"'],
      ['/api/indicators?period=2030-DN', 404, '2030-DN'],
      ['/api/indicators?unit=P:99@2025', 404, 'P:99@2025'],
      ['/api/quality/failures?unit=S:T1@2025&rule=NO_SUCH_RULE', 404, 'NO_SUCH_RULE'],
      ['/api/nothing-here', 404, '/nothing-here'],
    ];
    for (const [path, status, mention] of cases) {
      const r = await s.get(path, s.keys.nationAdmin);
      expect({ path, status: r.status }).toEqual({ path, status });
      expect(r.body.error.message).toContain(mention);
      // Vietnamese words with the technical code beside them, no English
      expect(r.body.error.message).toMatch(/^(Tham số không hợp lệ \(BAD_PARAMETER\) "|Không tìm thấy \(NOT_FOUND\): )/);
      expect(r.body.error.message).not.toMatch(/\b(must|unknown|not found|lists? them|bad parameter|endpoint|give it)\b/i);
      expect(r.text).not.toMatch(/select |at .*\.ts:\d+/i);
    }
  });

  it('publishes the national map suppressed, without a key', async () => {
    const r = await s.get('/api/public/indicators?period=2025-DN&indicator=LRN');
    expect(r.status).toBe(200);
    const provinces = r.body.rows.filter((x: { unit_level: string }) => x.unit_level === 'province');
    expect(provinces).toHaveLength(34);
    // Cao Bằng (04) has 7 learners -> '<10'; the next smallest province is hidden ('x')
    expect(provinces.find((x: { unit_code: string }) => x.unit_code === '04').value).toBe('<10');
    expect(provinces.filter((x: { value: unknown }) => x.value === 'x')).toHaveLength(1);
    expect(provinces.find((x: { value: unknown }) => x.value === 'x').unit_code).toBe('48');
  });

  it('writes an audit row for every access, with account, query, status and rows', async () => {
    await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN&format=csv', s.keys.province48);
    await s.get('/api/units/P:01@2025', s.keys.province48);
    await s.audit.flush();
    const rows = await readRows<{ path: string; query: string; status: number; rows_returned: number; account_id: string; unit_key: string; format: string }>(
      s.conn,
      `select path, query, status, rows_returned, account_id, unit_key, format from meta.audit_log
       where (path = '/api/indicators' and format = 'csv') or path = '/api/units/P:01@2025'`,
    );
    const csv = rows.find((r) => r.path === '/api/indicators')!;
    expect(csv).toMatchObject({ status: 200, rows_returned: 3, unit_key: 'P:48@2025', format: 'csv' });
    expect(csv.query).toContain('unit=C:20194@2025');
    expect(rows.find((r) => r.path === '/api/units/P:01@2025')).toMatchObject({ status: 403 });
    const [{ n }] = await readRows<{ n: number }>(s.conn, `select count(*) as n from meta.audit_log where status = 401`);
    expect(n).toBeGreaterThanOrEqual(3);
  });
});
