/**
 * A real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser
 * is downloaded) with a fresh empty profile, collecting each page's console errors and page errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type TestBrowser = {
  context: BrowserContext;
  open(url: string): Promise<Page>;
  /** Console and page errors of one page opened by `open`. */
  errorsOf(page: Page): string[];
  close(): Promise<void>;
};

/** Launches Chromium headless with networking extras off. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'csdl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    locale: 'vi-VN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const byPage = new WeakMap<Page, string[]>();
  return {
    context,
    async open(url) {
      const page = await context.newPage();
      const errors: string[] = [];
      byPage.set(page, errors);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${url}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
      await page.goto(url);
      return page;
    },
    errorsOf(page) {
      return byPage.get(page) ?? [];
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
