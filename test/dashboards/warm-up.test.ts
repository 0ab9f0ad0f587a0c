/**
 * The warm-up of the public answers (server/cache/warm-up.ts), on the fixture warehouse with the
 * real server and a real headless Chromium: after the server's start-up warm-up, a first visit
 * of the overview without a key, and a click on a province, find every cacheable answer they ask
 * for in the cache, the same bytes as computed afresh; a second warm-up of the same data version
 * asks one question; a new data version is warmed again; its audit rows say they are the
 * warm-up's, and a client cannot make its own say so.
 * @module-tag browser
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { buildFixtureWarehouse } from '../server/support/fixture-warehouse.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

/** The public routes whose answers are kept (`cache: true`). */
const CACHED = /^\/api\/public\/(periods|indicators|indicators\/series|indicators\/catalog)$/;

describe('the warm-up of the public answers', () => {
  let dir: string;
  let warehouse: Warehouse;
  let conn: DuckDBConnection;
  let server: RunningServer;
  let b: TestBrowser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-warm-up-'));
    warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'), { memoryLimit: '512MB' });
    conn = await warehouse.connect();
    await buildFixtureWarehouse(conn);
    server = await startServer({ warehouse, port: 0, warmSeconds: 60 });
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await server?.close();
    conn?.closeSync();
    warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The public requests `page` makes until `done` resolves: path, query and X-Cache of each. */
  async function publicRequests(page: Page, done: () => Promise<unknown>): Promise<Array<{ path: string; url: string; cache: string | null }>> {
    const seen: Array<{ path: string; url: string; cache: string | null }> = [];
    const listen = (res: import('playwright-core').Response) => {
      const u = new URL(res.url());
      if (u.pathname.startsWith('/api/public/')) seen.push({ path: u.pathname, url: u.pathname + u.search, cache: res.headers()['x-cache'] ?? null });
    };
    page.on('response', listen);
    await done();
    page.off('response', listen);
    return seen;
  }
  const drawn = (page: Page, what: string) => page.waitForFunction((w) => document.body.dataset.drawn === w && document.body.dataset.loading === 'false', what);

  it("answers a first visitor's overview and a click on a province from the cache, with the bytes computed afresh", async () => {
    await server.warm();
    const page = await b.context.newPage();
    const first = await publicRequests(page, async () => {
      await page.goto(`${server.url}/dashboards/`);
      await drawn(page, 'N:VN|2025-DN|LRN|total|reported');
    });
    const opened = await publicRequests(page, async () => {
      await page.locator('#provinces a[data-unit="P:01@2025"]').click();
      await drawn(page, 'P:01@2025|2025-DN|LRN|total|reported');
    });
    const cacheable = [...first, ...opened].filter((r) => CACHED.test(r.path));
    // the page's map and table, its series, the catalogue and periods; then Hà Nội's series
    expect(cacheable.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/public/periods', '/api/public/indicators/catalog', '/api/public/indicators', '/api/public/indicators/series']),
    );
    expect(opened.some((r) => r.url.includes('units=P%3A01%402025'))).toBe(true);
    expect(cacheable.filter((r) => r.cache !== 'hit')).toEqual([]);
    await page.close();

    // what the cache holds is what the same request computes with the cache out of the way
    const fresh = await startServer({ warehouse, port: 0, cacheBytes: 0 });
    try {
      for (const r of cacheable) {
        const [kept, computed] = await Promise.all([fetch(server.url + r.url), fetch(fresh.url + r.url)]);
        expect(kept.headers.get('x-cache')).toBe('hit');
        expect(await kept.text()).toBe(await computed.text());
      }
    } finally {
      await fresh.close();
    }
  });

  it('asks one question to warm a data version that is warm already, and warms a new version again', async () => {
    const count = async () => {
      await server.audit.flush();
      const [{ n }] = await queryRows<{ n: number }>(
        conn,
        `select count(*)::int as n from meta.audit_log where path like '/api/public/%' and account_id is null`,
      );
      return n;
    };
    const before = await count();
    await server.warm();
    expect((await count()) - before).toBe(1);
    // its audit rows say they are the warm-up's; a client cannot say so of its own requests
    await fetch(`${server.url}/api/public/periods`, { headers: { 'X-CSDL-Warm-Up': 'a guess' } });
    await server.audit.flush();
    const marks = await queryRows<{ detail: string | null; n: number }>(
      conn,
      `select detail, count(*)::int as n from meta.audit_log where path like '/api/public/%' group by 1 order by 1 nulls first`,
    );
    // the page's and this test's own requests, and the warm-ups' (both versions' periods, the rest once)
    expect(marks).toEqual([
      { detail: null, n: expect.any(Number) },
      { detail: '{"warm_up":true}', n: expect.any(Number) },
    ]);
    expect(marks[1].n).toBeGreaterThan(10);
    const [guessed] = await queryRows<{ detail: string | null }>(
      conn,
      `select detail from meta.audit_log where path = '/api/public/periods' order by accessed_at desc limit 1`,
    );
    expect(guessed.detail).toBeNull();

    // a pipeline run's start and end change the data version (suppression/data-version.ts)
    await conn.run(
      `insert into meta.transform_runs (run_id, started_at, finished_at, status) values ('warm-up-test', current_timestamp, current_timestamp, 'succeeded')`,
    );
    const changed = await count();
    await server.warm();
    expect((await count()) - changed).toBeGreaterThan(10);
    // the health check says how the last warm-up ended
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.warm_up).toMatchObject({ running: false, last: { ended: 'done', failed: 0 } });
    expect(health.warm_up.last.asked).toBe((await count()) - changed);
    const series = await fetch(`${server.url}/api/public/indicators/series?indicator=LRN&units=N:VN&breakdown=total&geography=reported`);
    expect(series.headers.get('x-cache')).toBe('hit');
  });
});
