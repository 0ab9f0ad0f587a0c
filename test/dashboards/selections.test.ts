/**
 * The quality and school pages in a real headless Chromium against the real server: a late answer
 * never overwrites a newer selection (the older request is held back by the test, so that it lands
 * last), "↑ Đơn vị cấp trên" opens the parent of the unit shown, and a current province's 2024
 * view ranks its old provinces among the units the account can see. The fixture warehouse gets a
 * third old province (Lai Châu, outside Đà Nẵng) with a 2024 score.
 * @module-tag browser
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureWarehouse } from '../server/support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from '../server/support/test-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

/** The fixture with the 2024 scores of three old provinces, two of them now in Đà Nẵng. */
async function withOldProvinces(conn: DuckDBConnection): Promise<void> {
  await buildFixtureWarehouse(conn);
  await conn.run(`
    insert into core.dim_units values
      ('P:12@2000', '12', 'province', 'Lai Châu (cũ)', 'N:VN', 'P:12@2000', '12', '12', date '2000-01-01', date '2025-06-30', null);
    insert into quality.dq_unit_scores values
      ('2024-DN', '48', 'province', 'Đà Nẵng (cũ)', 'VN', '48', 'overall', 90, 100, 10, 100, 90, 10, 'fair', 1, 3, 1, 3, 1, 1, null, null, null, null, null),
      ('2024-DN', '12', 'province', 'Lai Châu (cũ)', 'VN', '12', 'overall', 85, 100, 15, 100, 85, 15, 'poor', 2, 3, 2, 3, 1, 1, null, null, null, null, null),
      ('2024-DN', '49', 'province', 'Quảng Nam', 'VN', '49', 'overall', 80, 100, 20, 100, 80, 20, 'poor', 3, 3, 3, 3, 1, 1, null, null, null, null, null);
  `);
}

/** Holds back the answers to requests whose address matches `match` by `ms`; counts them as they settle. */
async function holdBack(page: Page, match: (url: string) => boolean, ms: number): Promise<{ settled: () => number; started: () => number }> {
  let started = 0;
  let settled = 0;
  await page.route(
    (url) => match(url.toString()),
    async (route) => {
      started += 1;
      await new Promise((r) => setTimeout(r, ms));
      await route.continue().catch(() => undefined);
    },
  );
  const done = (r: { url(): string }) => {
    if (match(r.url())) settled += 1;
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return { settled: () => settled, started: () => started };
}

describe('quality and school pages: selections, the way up, ranks', () => {
  let s: TestServer;
  let b: TestBrowser;
  beforeAll(async () => {
    s = await startTestServer(withOldProvinces);
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  it("gives today's province no score of the old province that had its code in a period before it existed", async () => {
    const body = (await s.get('/api/quality/scores?period=2024-DN&unit=P:48@2025', s.keys.province48)).body;
    expect(body.unit.unit_key).toBe('P:48@2025');
    expect(body.unit.score ?? null).toBeNull();
    expect(body.unit.rank ?? null).toBeNull();
    // the old Đà Nẵng keeps its own score among the rows
    expect(body.rows.find((r: { unit_key: string; unit_code: string; score: number }) => r.unit_key !== 'P:48@2025' && r.unit_code === '48')?.score).toBe(90);
  });

  it('ranks the old provinces of a province 2024 view among the units the account sees', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html?period=2024-DN#key=${s.keys.province48}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2024-DN|P:48@2025');
    const rows = await page.locator('#ranking tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Đà Nẵng (cũ)');
    expect(rows[0].split('\t')[0]).toBe('1/2');
    expect(rows[1]).toContain('Quảng Nam');
    expect(rows[1].split('\t')[0]).toBe('2/2');
    expect(await page.locator('#ranking').innerText()).not.toContain('Lai Châu');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('goes up to the parent of the unit shown, not to the account’s own unit', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html?unit=C:20194@2025#key=${s.keys.nationAdmin}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|C:20194@2025');
    expect(await page.locator('#title').innerText()).toContain('Phường Hải Châu');
    await page.locator('#up').click();
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|P:48@2025');
    expect(new URL(page.url()).searchParams.get('unit')).toBe('P:48@2025');
    const province = (await s.get('/api/quality/scores?period=2025-DN&unit=P:48@2025', s.keys.nationAdmin)).body;
    expect(await page.locator('#title').innerText()).toBe(`Xếp hạng chất lượng dữ liệu · ${province.unit.unit_name}`);
    expect(await page.locator('#ranking tbody').innerText()).toContain('Phường Hải Châu');
    // one more step reaches the nation, the account's own unit, where the button is gone
    await page.locator('#up').click();
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|N:VN');
    expect(await page.locator('#up').isHidden()).toBe(true);
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('shows the final period on the quality page when the earlier answer arrives last', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.province48}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|P:48@2025');
    const held = await holdBack(page, (u) => u.includes('/api/quality/scores') && u.includes('period=2024-DN'), 1500);
    await page.evaluate(() => delete document.body.dataset.drawn);
    await page.locator('#period').selectOption('2024-DN');
    await expect.poll(held.started).toBe(1);
    await page.locator('#period').selectOption('2025-DN');
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|P:48@2025');
    await expect.poll(held.settled, { timeout: 5000 }).toBe(1);
    await page.waitForTimeout(500);
    const api = (await s.get('/api/quality/scores?period=2025-DN&unit=P:48@2025', s.keys.province48)).body;
    const rows = await page.locator('#ranking tbody tr').allInnerTexts();
    expect(rows).toHaveLength(api.rows.filter((r: { score: number | null }) => r.score !== null).length);
    expect(rows[0]).toContain(api.rows[0].unit_name);
    expect(rows[0]).toContain(new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1 }).format(api.rows[0].score));
    expect(await page.locator('#subtitle').innerText()).toContain('Đầu năm 2025-2026');
    expect(await page.locator('#period').inputValue()).toBe('2025-DN');
    expect(await page.locator('#status').getAttribute('data-kind')).not.toBe('error');
  });

  it('shows the final school on the school page when the earlier answers arrive last', async () => {
    const page = await b.open(`${s.url}/dashboards/school.html?unit=S:T3@2025#key=${s.keys.nationAdmin}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|S:T3@2025');
    const held = await holdBack(page, (u) => u.includes('/api/') && u.includes('unit=S%3AT1%402025'), 1500);
    await page.locator('#unit').fill('S:T1@2025');
    await page.locator('#show').click();
    await expect.poll(held.started).toBe(4);
    await page.locator('#unit').fill('S:T2@2025');
    await page.locator('#show').click();
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|S:T2@2025');
    await expect.poll(held.settled, { timeout: 5000 }).toBe(4);
    await page.waitForTimeout(500);
    const q = 'period=2025-DN&unit=S:T2@2025';
    const values = (await s.get(`/api/indicators?${q}`, s.keys.nationAdmin)).body;
    const failures = (await s.get(`/api/quality/failures?${q}`, s.keys.nationAdmin)).body;
    const score = (await s.get(`/api/quality/scores?${q}`, s.keys.nationAdmin)).body;
    expect(await page.locator('#title').innerText()).toBe(values.unit.unit_name);
    expect(await page.locator('#failures tbody tr').count()).toBe(failures.rows.length);
    expect(await page.locator('#failures tbody').innerText()).toContain(failures.rows[0].record_key);
    expect(await page.locator('#failures tbody').innerText()).not.toContain('hoc_sinh:101');
    const shown = Math.floor(score.unit.score * 10) / 10;
    expect(await page.locator('#quality-score').innerText()).toContain(new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1 }).format(shown));
    expect(page.url()).toContain('unit=S%3AT2%402025');
  });
});
