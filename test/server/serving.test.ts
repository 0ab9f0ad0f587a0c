/**
 * The serving layer on a warehouse built by the real pipeline (tiny preset): the serving tables
 * equal the same question asked of the contract tables; the API answers the same bytes from them
 * as from the contract; answers are cached per data version and scope (never across scopes),
 * with ETags and 304, every access audited, and a pipeline run invalidates them.
 * @module-tag slow
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { generate } from '../../sample/generate/generate.ts';
import { JobRunner } from '../../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../../pipelines/jobs/pipeline-steps.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { STREAM_AFTER_ROWS } from '../../server/output/send-table.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { publishIndicatorDecisions } from '../../server/suppression/publish-decisions.ts';
import { childUnits, listPeriods, type Unit } from '../../server/units/units.queries.ts';
import { startTestSource, type TestSource } from '../support/source.ts';

const SERVING = ['serving.indicator_values', 'serving.unit_children', 'quality.league_scores', 'serving.suppression_decisions'];

describe('serving tables and the response cache (tiny preset)', () => {
  let src: TestSource;
  let dir: string;
  let warehouse: Warehouse;
  let server: RunningServer;
  let runner: JobRunner;
  const keys: Record<'nation' | 'provinceA' | 'provinceB' | 'school', string> = { nation: '', provinceA: '', provinceB: '', school: '' };
  let period: string;
  let provinces: string[];
  let school: string;
  /** A province and a commune with data, and the first period (before the 2025 merger). */
  let deep: { province: string; commune: string; earlier: string };

  const get = async (url: string, path: string, key?: string, headers: Record<string, string> = {}) => {
    // identity unless asked: a kept answer is gzipped for a client that accepts it, under another ETag
    const res = await fetch(url + path, { headers: { 'Accept-Encoding': 'identity', ...headers, ...(key ? { Authorization: `Bearer ${key}` } : {}) } });
    return { status: res.status, text: await res.text(), etag: res.headers.get('etag'), cache: res.headers.get('x-cache') };
  };
  const sql = async <T = Record<string, unknown>>(q: string, params?: unknown[]) => {
    const conn = await warehouse.connect();
    try {
      return await queryRows<T>(conn, q, params);
    } finally {
      conn.closeSync();
    }
  };

  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    await generate({ url: src.url, preset: 'tiny', seed: 11 });
    dir = mkdtempSync(join(tmpdir(), 'csdl-serving-'));
    const config = loadConfig({
      CSDL_DATABASE_URL: src.url,
      CSDL_PSEUDONYM_SECRET: 'serving-test-secret-0123456789',
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '1GB' });
    runner = new JobRunner({ warehouse, steps: pipelineSteps(config, { beforeCommit: publishIndicatorDecisions }), attempts: 1, threads: 1 });
    await runner.init();
    expect((await runner.start('manual').done).status).toBe('succeeded');
    server = await startServer({ warehouse, port: 0 });
    [{ period }] = await sql<{ period: string }>(`select period from core.dim_periods where ky = 'DN' order by census_day desc limit 1`);
    provinces = (
      await sql<{ unit_key: string }>(`select unit_key from core.dim_units where unit_level = 'province' and valid_to is null order by unit_code limit 2`)
    ).map((r) => r.unit_key);
    [{ unit_key: school }] = await sql<{ unit_key: string }>(
      `select unit_key from serving.indicator_values where unit_level = 'school' and period = $1 order by unit_key limit 1`,
      [period],
    );
    const [row] = await sql<{ province: string; commune: string; earlier: string }>(
      `select u.province_key as province, u.parent_key as commune, (select min(period) from core.dim_periods) as earlier
       from core.dim_units as u where u.unit_key = $1`,
      [school],
    );
    deep = row;
    const conn = await warehouse.connect();
    const make = async (unit: string, kind: 'admin' | 'exploit') => (await createAccount(conn, { unit, kind, name: `test ${unit}` })).key;
    keys.nation = await make('VN', 'admin');
    keys.provinceA = await make(provinces[0], 'exploit');
    keys.provinceB = await make(provinces[1], 'exploit');
    keys.school = await make(school, 'exploit');
    conn.closeSync();
  });
  afterAll(async () => {
    await server?.close();
    warehouse?.close();
    await src?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds serving tables equal to the same question asked of the contract tables', async () => {
    const values = `select period, unit_key, unit_code, unit_level, unit_name, indicator, breakdown, dimension, numerator, denominator, value
      from indicators.indicator_values
      qualify row_number() over (partition by period, unit_key, indicator, breakdown order by (geography = 'as_reported') desc) = 1`;
    const served = `select period, unit_key, unit_code, unit_level, unit_name, indicator, breakdown, dimension, numerator, denominator, value from serving.indicator_values`;
    const [v] = await sql<{ served: number; contract: number; differ: number }>(
      `select (select count(*) from serving.indicator_values)::int as served, (select count(*) from (${values}))::int as contract,
         (select count(*) from ((${served} except all ${values}) union all (${values} except all ${served})))::int as differ`,
    );
    expect(v.served).toBeGreaterThan(1000);
    expect(v).toEqual({ served: v.contract, contract: v.contract, differ: 0 });
    // one unit's rows are one contiguous run of the table
    const [runs] = await sql<{ units: number; runs: number }>(
      `select count(distinct k)::int as units,
         count(*) filter (where k is distinct from prev)::int as runs
       from (select period || unit_key as k, lag(period || unit_key) over (order by rowid) as prev from serving.indicator_values)`,
    );
    expect(runs.runs).toBe(runs.units);

    const scores = `select period, unit_level, unit_code,
        max(score) filter (where dimension = 'overall') as score, max(rank) filter (where dimension = 'overall') as rank,
        max(rank_in_parent) filter (where dimension = 'overall') as rank_in_parent, max(failing_records) filter (where dimension = 'overall') as failing,
        max(score) filter (where dimension = 'timeliness') as timeliness, max(failed) filter (where dimension = 'timeliness') as timeliness_failed
      from quality.dq_unit_scores group by all`;
    const league = `select period, unit_level, unit_code, score, rank, rank_in_parent, failing_records, timeliness, timeliness_failed from quality.league_scores`;
    const [l] = await sql<{ n: number; differ: number }>(
      `select (select count(*) from quality.league_scores)::int as n,
         (select count(*) from ((${league} except all ${scores}) union all (${scores} except all ${league})))::int as differ`,
    );
    expect(l.n).toBeGreaterThan(10);
    expect(l.differ).toBe(0);

    // the children of the nation, every province (today's and old) and a sample of districts and
    // communes, in every period, as the contract's rule lists them
    const conn = await warehouse.connect();
    try {
      const units = await queryRows<Unit>(
        conn,
        `select unit_key, unit_code, unit_level, unit_name, parent_key, province_key, province_code, current_province_code,
           cast(valid_from as varchar) as valid_from, cast(valid_to as varchar) as valid_to, nam_hoc
         from core.dim_units
         where unit_level in ('nation', 'province')
            or unit_key in (select unit_key from core.dim_units where unit_level in ('district', 'commune') order by hash(unit_key) limit 40)`,
      );
      let pairs = 0;
      for (const p of await listPeriods(conn)) {
        for (const u of units) {
          // a connection outside a request reads the contract (core.dim_units)
          const expected = await childUnits(conn, u, p);
          const served = await queryRows<{ unit_key: string }>(
            conn,
            `select unit_key from serving.unit_children where period = $1 and of_unit_key = $2 order by child_order`,
            [p.period, u.unit_key],
          );
          expect(
            served.map((r) => r.unit_key),
            `${u.unit_key} ${p.period}`,
          ).toEqual(expected.map((c) => c.unit_key));
          pairs += expected.length;
        }
      }
      expect(pairs).toBeGreaterThan(100);
    } finally {
      conn.closeSync();
    }
  });

  it('answers the same bytes from the serving tables as from the contract tables', async () => {
    const e = encodeURIComponent;
    const paths: Array<[string, string | undefined]> = [
      [`/api/public/indicators?period=${period}`, undefined],
      [`/api/public/indicators?period=${period}&format=csv`, undefined],
      [`/api/indicators?period=${period}&breakdown=all`, keys.nation],
      [`/api/indicators?period=${period}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&unit=${e(provinces[0])}&breakdown=sex&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&breakdown=all`, keys.provinceA],
      [`/api/indicators?period=${period}&unit=${e(school)}`, keys.school],
      [`/api/quality/scores?period=${period}`, keys.nation],
      [`/api/quality/scores?period=${period}&format=csv`, keys.provinceA],
      [`/api/quality/scores?period=${period}&unit=${e(school)}`, keys.school],
      [`/api/units/${e(provinces[0])}?period=${period}`, keys.nation],
      // every family below the nation: a province's communes, a commune's schools, the old tree before the merger
      [`/api/indicators?period=${period}&unit=${e(deep.province)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&unit=${e(deep.commune)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${deep.earlier}&unit=${e(deep.province)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${deep.earlier}&breakdown=all&format=csv`, keys.nation],
    ];
    const before = [];
    for (const [p, k] of paths) before.push(await get(server.url, p, k));
    expect(before.map((r) => r.status)).toEqual(paths.map(() => 200));
    // the same warehouse without its serving tables: a new server reads the contract
    for (const t of SERVING) await sql(`alter table ${t} rename to ${t.split('.')[1]}_off`);
    const contract = await startServer({ warehouse, port: 0 });
    try {
      for (const [i, [p, k]] of paths.entries()) {
        const r = await get(contract.url, p, k);
        expect(r.status, p).toBe(200);
        expect(r.text, p).toBe(before[i].text);
      }
    } finally {
      await contract.close();
      for (const t of SERVING) await sql(`alter table ${t.split('.')[0]}.${t.split('.')[1]}_off rename to ${t.split('.')[1]}`);
    }
  });

  it('never serves a cached answer across scopes, answers 304 to its ETag, audits every access', async () => {
    const path = `/api/indicators?period=${period}&breakdown=all`;
    const since = new Date();
    const a1 = await get(server.url, path, keys.provinceA);
    const b1 = await get(server.url, path, keys.provinceB);
    const a2 = await get(server.url, path, keys.provinceA);
    const b2 = await get(server.url, path, keys.provinceB);
    expect([a1.status, b1.status, a2.status, b2.status]).toEqual([200, 200, 200, 200]);
    expect(JSON.parse(a1.text).unit.unit_key).toBe(provinces[0]);
    expect(JSON.parse(b1.text).unit.unit_key).toBe(provinces[1]);
    expect(a1.text).not.toBe(b1.text);
    expect(a1.etag).not.toBe(b1.etag);
    expect([a2.cache, b2.cache]).toEqual(['hit', 'hit']);
    expect(a2.text).toBe(a1.text);
    expect(b2.text).toBe(b1.text);
    // the same query parameters in another order are the same request
    const reordered = await get(server.url, `/api/indicators?breakdown=all&period=${period}`, keys.provinceA);
    expect(reordered).toMatchObject({ cache: 'hit', etag: a1.etag, text: a1.text });

    const not = await get(server.url, path, keys.provinceA, { 'If-None-Match': a1.etag! });
    expect(not.status).toBe(304);
    expect(not.text).toBe('');
    // another scope's ETag is not this scope's answer
    expect((await get(server.url, path, keys.provinceB, { 'If-None-Match': a1.etag! })).status).toBe(200);

    await server.audit.flush();
    const rows = await sql<{ status: number; n: number }>(
      `select status, count(*)::int as n from meta.audit_log where path = '/api/indicators' and query like '%breakdown=all%'
         and unit_key in ($1, $2) and accessed_at >= $3 group by 1 order by 1`,
      [...provinces, since.toISOString()],
    );
    expect(rows).toEqual([
      { status: 200, n: 6 },
      { status: 304, n: 1 },
    ]);
  });

  it("keeps the explorer's series and unit search per scope: each scope its own answer, hit on asking again", async () => {
    // the province of the tiny preset that has schools in the period, and a school of it
    const [{ unit_key: province }] = await sql<{ unit_key: string }>(
      `select distinct unit_key from serving.indicator_values where unit_level = 'province' and period = $1 and indicator = 'LRN' order by 1 limit 1`,
      [period],
    );
    const conn = await warehouse.connect();
    const keyP = (await createAccount(conn, { unit: province, kind: 'exploit', name: 'series province' })).key;
    conn.closeSync();
    const search = `/api/units/search?q=tr&period=${period}&limit=100`;
    for (const path of ['/api/indicators/series?indicator=LRN', search]) {
      const p1 = await get(server.url, path, keyP);
      const s1 = await get(server.url, path, keys.school);
      const p2 = await get(server.url, path, keyP);
      const s2 = await get(server.url, path, keys.school);
      expect([p1.status, s1.status, p2.status, s2.status], path).toEqual([200, 200, 200, 200]);
      expect([p2.cache, s2.cache], path).toEqual(['hit', 'hit']);
      expect(p2.text, path).toBe(p1.text);
      expect(s2.text, path).toBe(s1.text);
      expect(p1.etag, path).not.toBe(s1.etag);
    }
    // each scope's series is its own unit's, and the school's search finds the school alone
    const rowsOf = async (path: string, key: string) => JSON.parse((await get(server.url, path, key)).text).rows;
    const keysIn = async (path: string, key: string) => (await rowsOf(path, key)).map((r: { unit_key: string }) => r.unit_key);
    const seriesOf = async (key: string) => new Set((await rowsOf('/api/indicators/series?indicator=LRN', key)).map((r: { series_of: string }) => r.series_of));
    expect(await seriesOf(keyP)).toEqual(new Set([province]));
    expect(await seriesOf(keys.school)).toEqual(new Set([school]));
    expect(await keysIn(search, keys.school)).toEqual([school]);
    expect((await keysIn(search, keyP)).length).toBeGreaterThan(1);
  });

  it('computes an answer asked for by many clients at once once', async () => {
    const path = `/api/quality/failures?period=${period}&format=csv`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(server.url, path, keys.nation)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(answers.filter((a) => a.cache === 'miss')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  });

  it('gzips a kept answer for a client that accepts it, under its own ETag', async () => {
    const path = `/api/indicators?period=${period}&breakdown=all&format=csv`;
    const plain = await get(server.url, path, keys.nation);
    const raw = await new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      httpGet(server.url + path, { headers: { 'Accept-Encoding': 'gzip', Authorization: `Bearer ${keys.nation}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(raw.headers['x-cache']).toBe('hit');
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.body.length).toBeLessThan(Buffer.byteLength(plain.text));
    expect(
      gunzipSync(raw.body)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    ).toBe(plain.text);
    const tag = raw.headers.etag!;
    expect(tag).not.toBe(plain.etag);
    expect((await get(server.url, path, keys.nation, { 'If-None-Match': tag })).status).toBe(304);
  });

  it('keys the public map by the data version: a pipeline run changes the ETag and the cached answer', async () => {
    const path = `/api/public/indicators?period=${period}`;
    const first = await get(server.url, path);
    expect((await get(server.url, path)).cache).toBe('hit');
    expect((await get(server.url, path, undefined, { 'If-None-Match': first.etag! })).status).toBe(304);
    expect((await runner.start('manual').done).status).toBe('succeeded');
    const after = await get(server.url, path, undefined, { 'If-None-Match': first.etag! });
    expect(after.status).toBe(200);
    expect(after.cache).toBe('miss');
    expect(after.etag).not.toBe(first.etag);
  });

  it('streams a large CSV download chunk by chunk, counted in the audit row', async () => {
    const path = `/api/indicators?period=${period}&breakdown=all&format=csv`;
    const json = await get(server.url, path.replace('&format=csv', ''), keys.nation);
    const rows = JSON.parse(json.text).rows.length;
    // larger than what is sent in one piece
    expect(rows).toBeGreaterThan(STREAM_AFTER_ROWS);
    const since = new Date();
    const res = await fetch(server.url + path, { headers: { Authorization: `Bearer ${keys.nation}`, 'Cache-Control': 'no-cache' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    // the body arrives in pieces: the first before the last row has been read
    const reader = res.body!.getReader();
    let pieces = 0;
    let text = '';
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      pieces++;
      text += decoder.decode(r.value, { stream: true });
    }
    expect(pieces).toBeGreaterThan(1);
    expect(text.startsWith('\uFEFFrole,unit_key,')).toBe(true);
    expect(text.split('\r\n').filter((l) => l !== '')).toHaveLength(rows + 1);
    await server.audit.flush();
    const [audit] = await sql<{ rows_returned: number }>(
      `select rows_returned::int as rows_returned from meta.audit_log where path = '/api/indicators' and format = 'csv' and accessed_at >= $1`,
      [since.toISOString()],
    );
    expect(audit.rows_returned).toBe(rows);
    // kept whole by the cache, every chunk of it
    const again = await get(server.url, path, keys.nation);
    expect(again.cache).toBe('hit');
    // (text() drops the byte-order mark)
    expect(again.text).toBe(text.replace(/^\uFEFF/, ''));
  });

  it('limits the DuckDB threads while a run is in progress and puts them back after', async () => {
    const conn = await warehouse.connect();
    try {
      const threads = async () => (await queryRows<{ n: number }>(conn, `select current_setting('threads')::int as n`))[0].n;
      const before = await threads();
      const limit = before === 1 ? 2 : 1;
      let during = 0;
      const probe = new JobRunner({
        warehouse,
        attempts: 1,
        threads: limit,
        steps: [{ name: 'probe', run: async () => void (during = await threads()) }],
      });
      expect((await probe.start('manual').done).status).toBe('succeeded');
      expect(during).toBe(limit);
      expect(await threads()).toBe(before);
    } finally {
      conn.closeSync();
    }
  });

  it('publishes a decision for every published cell with the values, and a transform that does not drops them', async () => {
    const decisions = `select period, count, unit_key, cell, status, value from serving.suppression_decisions order by all`;
    const before = await sql<Record<string, unknown>>(decisions);
    // every count cell of every unit in the tree, every period: the nation's, a school's
    const [cover] = await sql<{ periods: number; nation: number; school: number; small: number; hidden: number }>(
      `select count(distinct period)::int as periods, count(*) filter (where unit_key = 'N:VN')::int as nation,
              count(*) filter (where unit_key = $1)::int as school, count(*) filter (where status = 'small')::int as small,
              count(*) filter (where status = 'hidden')::int as hidden
       from serving.suppression_decisions`,
      [school],
    );
    const [periods] = await sql<{ n: number }>(`select count(distinct period)::int as n from serving.indicator_values`);
    expect(cover.periods).toBe(periods.n);
    expect(cover.nation).toBeGreaterThan(50);
    expect(cover.school).toBeGreaterThan(10);
    expect(cover.small).toBeGreaterThan(0);
    expect(cover.hidden).toBeGreaterThan(0);
    const conn = await warehouse.connect();
    try {
      // decisions never outlive the values they were made on
      expect((await runTransform({ warehouse: conn, select: ['serving'] })).status).toBe('succeeded');
      expect(await sql(`select 1 from duckdb_tables() where schema_name = 'serving' and table_name = 'suppression_decisions'`)).toEqual([]);
      expect((await runTransform({ warehouse: conn, select: ['serving'], beforeCommit: publishIndicatorDecisions })).status).toBe('succeeded');
      expect(await sql(decisions)).toEqual(before);
    } finally {
      conn.closeSync();
    }
  });
});
