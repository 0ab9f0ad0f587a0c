/** Time to a ready page in headless Chromium, for each dashboard page of bench:serve. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PAGES, type BenchContext } from './serve-calls.ts';
import { quantile } from './serve-client.ts';

/**
 * Per page: `cold`, its load in a browser with an empty cache (a first visit: every script, style
 * and shape fetched and compiled); `loads`, four loads in one running browser that has visited the
 * pages before it (a returning user), and their median and max.
 */
export type PageTimes = Record<string, { cold: number; median: number; max: number; loads: number[] }>;

type Browser = Awaited<ReturnType<typeof chromium.launchPersistentContext>>;

/** A running Chromium with a profile of its own (empty cache), whose renderer and network processes have started. */
async function browserWithEmptyCache(url: string): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'csdl-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 1000 },
    locale: 'vi-VN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  // a user's browser is already running: one navigation that caches nothing the pages use
  // (health's JSON) starts Chromium's renderer and network processes before the first timing
  const warm = await browser.newPage();
  await warm.goto(`${url}/api/health`);
  await warm.close();
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// BENCH_PAGE_TRACE=1: each load's timeline (every request's start and end, the long tasks), to see where a slow load waits
const TRACE = process.env.BENCH_PAGE_TRACE === '1';

/** The page's requests (start-end ms since navigation, bytes, path) and its main thread's long tasks, one per line. */
async function timeline(page: Awaited<ReturnType<Browser['newPage']>>): Promise<string> {
  const t = await page.evaluate(() => ({
    requests: performance
      .getEntriesByType('resource')
      .map((r) => r as PerformanceResourceTiming)
      .map((r) => `  ${Math.round(r.startTime)}-${Math.round(r.responseEnd)} ms ${r.transferSize} B ${new URL(r.name).pathname}${new URL(r.name).search}`),
    dcl: Math.round((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.domContentLoadedEventEnd ?? -1),
    long: ((window as unknown as { csdlLongTasks?: string[] }).csdlLongTasks ?? []).join(' '),
  }));
  return [...t.requests, `  DOMContentLoaded ${t.dcl} ms; long tasks (start+ms) ${t.long}`].join('\n');
}

/** Time to `p` ready in `browser`; a page not ready within a minute is reported (`say`) and timed as Infinity. */
async function timeLoad(browser: Browser, url: string, p: (typeof PAGES)[number], ctx: BenchContext, say: (msg: string) => void): Promise<number> {
  const page = await browser.newPage();
  if (TRACE) {
    await page.addInitScript(() => {
      const w = window as unknown as { csdlLongTasks: string[] };
      w.csdlLongTasks = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.csdlLongTasks.push(`${Math.round(e.startTime)}+${Math.round(e.duration)}`);
      }).observe({ type: 'longtask', buffered: true });
    });
  }
  try {
    const s = performance.now();
    await page.goto(url + p.path(ctx));
    // a page not ready in a minute is reported as such (Infinity), not allowed to lose the run's figures
    const ready = await page.waitForSelector(p.ready, { timeout: 60_000 }).then(
      () => true,
      () => false,
    );
    if (!ready) say(`page ${p.name} not ready within 60 s: ${(await page.locator('body').innerText()).slice(0, 300).replace(/\s+/g, ' ')}`);
    const took = ready ? performance.now() - s : Infinity;
    if (TRACE) say(`page ${p.name} ${Math.round(took)} ms:\n${await timeline(page)}`);
    return took;
  } finally {
    await page.close();
  }
}

/** Each page's first visit in a browser of its own, then four loads of each in one running browser. */
export async function pageTimes(url: string, ctx: BenchContext, say: (msg: string) => void): Promise<PageTimes> {
  const cold = new Map<string, number>();
  for (const p of PAGES) {
    const fresh = await browserWithEmptyCache(url);
    try {
      cold.set(p.name, await timeLoad(fresh.browser, url, p, ctx, say));
    } finally {
      await fresh.close();
    }
  }
  const out: PageTimes = {};
  const shared = await browserWithEmptyCache(url);
  try {
    for (const p of PAGES) {
      const loads: number[] = [];
      // the first load of the first page also fetches the vega libraries into the browser cache, as a returning user has them
      for (let i = 0; i < 4; i++) {
        loads.push(await timeLoad(shared.browser, url, p, ctx, say));
        if (!Number.isFinite(loads[i])) break;
      }
      out[p.name] = { cold: cold.get(p.name)!, median: quantile(loads, 0.5), max: Math.max(...loads), loads };
    }
  } finally {
    await shared.close();
  }
  return out;
}
