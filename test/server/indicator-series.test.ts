/**
 * The explorer's endpoints on the fixture warehouse through the real server: an indicator's
 * series over every period (as reported, or the periods before the merger on today's 34
 * provinces), scoped and suppressed like GET /api/indicators; the public series and catalogue;
 * the unit search with and without diacritics, within scope; breakdown=all in every format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../server/db/read-rows.ts';
import { parseCsv } from './support/csv-parse.ts';
import { buildFixtureWarehouse, PROVINCES } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Row = Record<string, unknown>;
const pick = (rows: Row[], ...cols: string[]) => rows.map((r) => cols.map((c) => r[c]));

describe('indicator series and unit search', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers breakdown=all in JSON, CSV and Parquet for the nation and every indicator', async () => {
    for (const format of ['json', 'csv', 'parquet']) {
      const r = await s.get(`/api/indicators?breakdown=all&format=${format}`, s.keys.nationAdmin);
      expect(r.status, format).toBe(200);
    }
    const json = await s.get('/api/indicators?period=2025-DN&breakdown=all', s.keys.nationAdmin);
    const breakdowns = new Set(json.body.rows.map((r: Row) => r.breakdown));
    expect([...breakdowns].sort()).toEqual(['sex=female', 'sex=male', 'total']);
    expect(json.body.rows.filter((r: Row) => r.role === 'child')).toHaveLength(34 * 6);
  });

  it("gives a unit's series over every period, as reported or on today's 34 provinces, and says which", async () => {
    const reported = await s.get('/api/indicators/series?indicator=LRN&units=N:VN,P:48@2025', s.keys.nationAdmin);
    expect(reported.status).toBe(200);
    expect(reported.body.geography).toBe('reported');
    expect(reported.body.geography_note).toContain('thời điểm báo cáo');
    expect(reported.body.indicator).toMatchObject({ code: 'LRN', name_vi: 'Số học sinh', unit: 'học sinh' });
    expect(reported.body.periods.map((p: Row) => p.period)).toEqual(['2024-DN', '2025-DN']);
    // before the merger today's Đà Nẵng reported nothing of its own (its old provinces have no values here)
    expect(pick(reported.body.rows, 'period', 'series_of', 'unit_key', 'geography', 'value')).toEqual([
      ['2025-DN', 'N:VN', 'N:VN', 'as_reported', 37912],
      ['2025-DN', 'P:48@2025', 'P:48@2025', 'as_reported', 305],
    ]);
    const on2025 = await s.get('/api/indicators/series?indicator=LRN&units=P:48@2025&geography=2025', s.keys.province48);
    expect(on2025.body.geography).toBe('2025');
    expect(pick(on2025.body.rows, 'period', 'unit_key', 'geography', 'value')).toEqual([
      ['2024-DN', 'P:48@2025', 'current_34', 290],
      ['2025-DN', 'P:48@2025', 'current_34', 305],
    ]);
    // the same figures as GET /api/indicators for each period
    const now = await s.get('/api/indicators?period=2025-DN&unit=P:48@2025&indicator=LRN', s.keys.province48);
    expect(now.body.rows.find((r: Row) => r.role === 'unit').value).toBe(305);
    const then = await s.get('/api/indicators?period=2024-DN&unit=P:48@2025&indicator=LRN', s.keys.province48);
    expect(then.body.rows.find((r: Row) => r.role === 'unit').value).toBe(290);
    // the path for the breadcrumb, each step saying whether the caller may open it
    expect(on2025.body.units[0].path.map((p: Row) => [p.unit_key, p.visible])).toEqual([
      ['N:VN', false],
      ['P:48@2025', true],
    ]);
  });

  it("follows a school through its school years within the caller's scope", async () => {
    const province = await s.get('/api/indicators/series?indicator=LRN&units=S:T1@2025', s.keys.province48);
    expect(pick(province.body.rows, 'period', 'series_of', 'unit_key', 'value')).toEqual([
      ['2024-DN', 'S:T1@2025', 'S:T1@2024', 6],
      ['2025-DN', 'S:T1@2025', 'S:T1@2025', 5],
    ]);
    const school = await s.get('/api/indicators/series?indicator=LRN', s.keys.school1);
    expect(pick(school.body.rows, 'unit_key', 'value')).toEqual([
      ['S:T1@2024', 6],
      ['S:T1@2025', 5],
    ]);
    // the commune of 2025 cannot see the school's row of 2024, under old Quảng Nam
    const commune = await s.get('/api/indicators/series?indicator=LRN&units=S:T1@2025', s.keys.communeAdmin);
    expect(pick(commune.body.rows, 'unit_key', 'value')).toEqual([['S:T1@2025', 5]]);
    expect(commune.body.units[0].path.map((p: Row) => [p.unit_key, p.visible])).toEqual([
      ['N:VN', false],
      ['P:48@2025', false],
      ['C:20194@2025', true],
      ['S:T1@2025', true],
    ]);
  });

  it('serves breakdowns and refuses units outside the scope', async () => {
    const sex = await s.get('/api/indicators/series?indicator=LRN&units=C:20194@2025&breakdown=sex', s.keys.communeAdmin);
    expect(pick(sex.body.rows, 'breakdown', 'value')).toEqual([
      ['sex=female', 152],
      ['sex=male', 153],
    ]);
    const cell = await s.get('/api/indicators/series?indicator=LRN&units=C:20194@2025&breakdown=sex=female', s.keys.communeAdmin);
    expect(pick(cell.body.rows, 'breakdown', 'value')).toEqual([['sex=female', 152]]);
    const all = await s.get('/api/indicators/series?indicator=LRN&units=C:20194@2025&breakdown=all', s.keys.communeAdmin);
    expect(all.body.rows).toHaveLength(3);
    const other = await s.get('/api/indicators/series?indicator=LRN&units=P:48@2025,P:01@2025', s.keys.province48);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('P:01@2025');
    expect((await s.get('/api/indicators/series?indicator=LRN&units=N:VN', s.keys.communeAdmin)).status).toBe(403);
    expect((await s.get('/api/indicators/series?indicator=LRN')).status).toBe(401);
  });

  it('names what is wrong in a bad request', async () => {
    const cases: Array<[string, string]> = [
      ['indicator=NOPE', 'indicator'],
      ['indicator=LRN,PTR', 'indicator'],
      ['', 'indicator'],
      ['indicator=LRN&geography=1990', 'geography'],
      [`indicator=LRN&units=${Array.from({ length: 41 }, (_, i) => `U${i}`).join(',')}`, 'units'],
      ['indicator=LRN&units=P:01@2025;drop', 'units'],
      ['indicator=LRN&breakdown=colour', 'breakdown'],
      ['indicator=LRN&format=xml', 'format'],
      ['indicator=LRN&unit=N:VN', 'unit'],
    ];
    for (const [query, param] of cases) {
      const r = await s.get(`/api/indicators/series?${query}`, s.keys.nationAdmin);
      expect(r.status, query).toBe(400);
      expect(r.body.error.message, query).toContain(`"${param}"`);
    }
    expect((await s.get('/api/indicators/series?indicator=LRN&units=P:77@2025', s.keys.nationAdmin)).status).toBe(404);
  });

  it('suppresses the CSV and the public series exactly as GET /api/indicators and the public map', async () => {
    const csv = await s.get('/api/indicators/series?indicator=LRN&units=S:T1@2025,S:T2@2025&format=csv', s.keys.communeAdmin);
    expect(csv.status).toBe(200);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.text);
    const api = parseCsv((await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN&format=csv', s.keys.communeAdmin)).text);
    for (const key of ['S:T1@2025', 'S:T2@2025']) {
      const mine = rows.find((r) => r.unit_key === key && r.period === '2025-DN')!;
      const theirs = api.find((r) => r.unit_key === key)!;
      expect([mine.numerator, mine.value, mine.suppressed], key).toEqual([theirs.numerator, theirs.value, theirs.suppressed]);
    }
    expect(rows.find((r) => r.unit_key === 'S:T1@2025')!.value).toBe('<10');

    const units = ['N:VN', ...PROVINCES.slice(0, 7).map((p) => `P:${p.code}@2025`)];
    const pub = await s.get(`/api/public/indicators/series?indicator=LRN&units=${units.join(',')}`);
    expect(pub.status).toBe(200);
    const map = await s.get('/api/public/indicators?period=2025-DN&indicator=LRN');
    for (const key of units) {
      const mine = pub.body.rows.find((r: Row) => r.unit_key === key && r.period === '2025-DN');
      const theirs = map.body.rows.find((r: Row) => r.unit_key === key);
      expect(mine.value, key).toEqual(theirs.value);
    }
    expect(pub.body.rows.find((r: Row) => r.unit_key === 'P:04@2025').value).toBe('<10');
    // Đà Nẵng re-aggregated for 2024 is one cell the public family decides too
    const dn = await s.get('/api/public/indicators/series?indicator=LRN&units=P:48@2025&geography=2025');
    const dn2024 = dn.body.rows.find((r: Row) => r.period === '2024-DN');
    const map2024 = (await s.get('/api/public/indicators?period=2024-DN&indicator=LRN')).body.rows.find((r: Row) => r.unit_key === 'P:48@2025');
    expect(dn2024.value).toEqual(map2024.value);
    const commune = await s.get('/api/public/indicators/series?indicator=LRN&units=C:20194@2025');
    expect(commune.status).toBe(403);
  });

  it('serves the whole catalogue publicly and audits the explorer endpoints', async () => {
    const cat = await s.get('/api/public/indicators/catalog');
    expect(cat.status).toBe(200);
    expect(cat.body.rows.map((r: Row) => r.code)).toEqual(['LRN', 'LPC', 'PTR', 'QT']);
    expect(cat.body.rows[0]).toMatchObject({ definition: 'Học sinh đang học vào ngày chốt số liệu', formula: 'count(học sinh)', breakdowns: ['total', 'sex'] });
    await s.get('/api/units/search?q=hai%20chau', s.keys.province48);
    await s.audit.flush();
    const audited = await readRows<{ path: string; unit_key: string | null }>(
      s.conn,
      `select distinct path, unit_key from meta.audit_log where path in ('/api/indicators/series', '/api/public/indicators/series', '/api/units/search', '/api/public/indicators/catalog') order by path, unit_key`,
    );
    expect(audited.map((a) => a.path)).toEqual(
      expect.arrayContaining(['/api/indicators/series', '/api/public/indicators/series', '/api/units/search', '/api/public/indicators/catalog']),
    );
    const doc = await s.get('/api/openapi.json');
    for (const path of ['/api/indicators/series', '/api/public/indicators/series', '/api/units/search', '/api/public/indicators/catalog'])
      expect(doc.body.paths[path], path).toBeDefined();
  });

  it('finds units in scope by name with or without diacritics, or by code', async () => {
    const names = async (q: string, key: string) => {
      const r = await s.get(`/api/units/search?q=${encodeURIComponent(q)}`, key);
      expect(r.status, q).toBe(200);
      return r.body.rows.map((u: Row) => u.unit_key);
    };
    expect(await names('da nang', s.keys.nationAdmin)).toEqual(['P:48@2025']);
    expect(await names('Đà Nẵng', s.keys.nationAdmin)).toEqual(['P:48@2025']);
    expect(await names('DA  NANG', s.keys.nationAdmin)).toEqual(['P:48@2025']);
    expect(await names('hai chau', s.keys.province48)).toEqual(['C:20194@2025']);
    expect(await names('truong', s.keys.province48)).toEqual(['S:T2@2025', 'S:T1@2025']);
    expect(await names('T2', s.keys.province48)).toEqual(['S:T2@2025']);
    // outside the scope: nothing, not a 403 that would confirm the unit exists
    expect(await names('hai chau', s.keys.province01)).toEqual([]);
    expect(await names('nguyen hue', s.keys.school1)).toEqual([]);
    expect(await names('le loi', s.keys.school1)).toEqual(['S:T1@2025']);
    // the school of 2024 under old Quảng Nam, found by its province of today in that period
    expect(await names('le loi', s.keys.province48)).toEqual(['S:T1@2025']);
    const r2024 = await s.get('/api/units/search?q=le%20loi&period=2024-DN', s.keys.province48);
    expect(r2024.body.rows.map((u: Row) => [u.unit_key, u.parent_name])).toEqual([['S:T1@2024', 'Thành phố Tam Kỳ']]);
    const bad = await s.get('/api/units/search?q=%20', s.keys.nationAdmin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"q"');
    expect((await s.get('/api/units/search?q=a&limit=0', s.keys.nationAdmin)).status).toBe(400);
  });
});
