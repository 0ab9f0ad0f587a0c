/**
 * The response cache on a warehouse built by the real pipeline (tiny preset): answers are kept per
 * data version and scope (never across scopes), with ETags, 304 and gzip, every access audited; a
 * pipeline run invalidates them; large downloads stream; a run's DuckDB threads are limited.
 * @module-tag slow
 */
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../lib/warehouse.ts';
import { JobRunner } from '../../pipelines/jobs/job-runner.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { STREAM_AFTER_ROWS } from '../../server/output/send-table.ts';
import { servingWarehouse, type ServingWarehouse } from './support/serving-warehouse.ts';

describe('the response cache (tiny preset)', () => {
  let fx: ServingWarehouse | undefined;
  let warehouse: ServingWarehouse['warehouse'];
  let server: ServingWarehouse['server'];
  let runner: ServingWarehouse['runner'];
  let keys: ServingWarehouse['keys'];
  let period: ServingWarehouse['period'];
  let provinces: ServingWarehouse['provinces'];
  let school: ServingWarehouse['school'];
  let get: ServingWarehouse['get'];
  let sql: ServingWarehouse['sql'];
  beforeAll(async () => {
    fx = await servingWarehouse();
    ({ warehouse, server, runner, keys, period, provinces, school, get, sql } = fx);
  });
  afterAll(async () => {
    await fx?.close();
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
});
