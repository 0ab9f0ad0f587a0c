/**
 * What a page asks for before its script runs: the modules its script imports, all at once
 * (modulepreload; otherwise the browser finds them one level of imports at a time), and the chart
 * libraries downloaded without blocking the page (preload; loadCharts runs them when asked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'dashboards';

/** The modules `file` imports, directly or not. */
function importsOf(file: string, seen = new Set<string>()): Set<string> {
  for (const [, dep] of readFileSync(join(DIR, 'js', file), 'utf8').matchAll(/from '\.\/([\w-]+\.js)'/g)) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    importsOf(dep, seen);
  }
  return seen;
}

const pages = readdirSync(DIR).filter((f) => f.endsWith('.html'));

describe('page assets', () => {
  it.each(pages)('%s preloads every module its script imports, and no more', (page) => {
    const html = readFileSync(join(DIR, page), 'utf8');
    const main = /<script type="module" src="\/dashboards\/js\/([\w-]+\.js)"><\/script>/.exec(html)?.[1];
    expect(main, `${page} has no module script`).toBeDefined();
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/dashboards\/js\/([\w-]+\.js)" \/>/g)].map((m) => m[1]).sort();
    expect(preloaded).toEqual([...importsOf(main!)].sort());
  });

  it.each(pages)('%s loads no chart library that holds up the page, and preloads those its script draws with', (page) => {
    const html = readFileSync(join(DIR, page), 'utf8');
    expect(html).not.toMatch(/<script[^>]*src="\/vendor\//);
    const main = /<script type="module" src="\/dashboards\/js\/([\w-]+\.js)"><\/script>/.exec(html)![1];
    const draws = /\bloadCharts\(\)/.test(readFileSync(join(DIR, 'js', main), 'utf8'));
    for (const lib of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) {
      expect({ page, lib, preloaded: html.includes(`<link rel="preload" href="/vendor/${lib}" as="script" />`) }).toEqual({ page, lib, preloaded: draws });
    }
  });
});
