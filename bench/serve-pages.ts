/** Time to a ready page in headless Chromium, for each dashboard page of bench:serve. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PAGES, type BenchContext } from './serve-calls.ts';
import { quantile } from './serve-client.ts';

export type PageTimes = Record<string, { median: number; max: number; loads: number[] }>;

/** Each page loaded four times in one running browser; a page not ready within a minute is reported (`say`) and timed as Infinity. */
export async function pageTimes(url: string, ctx: BenchContext, say: (msg: string) => void): Promise<PageTimes> {
  const profile = mkdtempSync(join(tmpdir(), 'csdl-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 1000 },
    locale: 'vi-VN',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  const out: PageTimes = {};
  try {
    // a user's browser is already running: one navigation that caches nothing the pages use
    // (health's JSON) starts Chromium's renderer and network processes before the first timing
    const warm = await browser.newPage();
    await warm.goto(`${url}/api/health`);
    await warm.close();
    for (const p of PAGES) {
      const loads: number[] = [];
      // the first load also fetches the vega libraries into the browser cache, as a returning user has them
      for (let i = 0; i < 4; i++) {
        const page = await browser.newPage();
        const s = performance.now();
        await page.goto(url + p.path(ctx));
        // a page not ready in a minute is reported as such (Infinity), not allowed to lose the run's figures
        const ready = await page.waitForSelector(p.ready, { timeout: 60_000 }).then(
          () => true,
          () => false,
        );
        loads.push(ready ? performance.now() - s : Infinity);
        if (!ready) say(`page ${p.name} not ready within 60 s: ${(await page.locator('body').innerText()).slice(0, 300).replace(/\s+/g, ' ')}`);
        await page.close();
        if (!ready) break;
      }
      out[p.name] = { median: quantile(loads, 0.5), max: Math.max(...loads), loads };
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}
