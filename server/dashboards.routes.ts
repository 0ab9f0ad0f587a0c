/**
 * Serves the dashboards (dashboards/: HTML pages, their scripts, vega-lite specs, page
 * definitions), the province shapes they draw, and vega / vega-lite / vega-embed from
 * node_modules, and exceljs for the pages' workbook downloads: nothing comes from a CDN, the machine may have no internet.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { z } from 'zod';
import type { ApiRouter } from './api/api-router.ts';
import { notFound } from './http-errors.ts';
import { sendStatic } from './static-gzip.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Browser builds of the charting libraries, by the name the pages load them under. */
const VENDOR = new Map<string, string>([
  ['vega.min.js', 'vega/build/vega.min.js'],
  ['vega-lite.min.js', 'vega-lite/build/vega-lite.min.js'],
  ['vega-embed.min.js', 'vega-embed/build/vega-embed.min.js'],
  // loaded only when a page writes a workbook (dashboards/js/downloads.js)
  ['exceljs.min.js', 'exceljs/dist/exceljs.min.js'],
]);

/** A file inside an installed package (whose `exports` may hide package.json): walks up from its entry. */
function packageFile(spec: string): string {
  const [pkg, ...rest] = spec.split('/');
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || basename(dir) !== pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package ${pkg} not found`);
    dir = up;
  }
  return join(dir, ...rest);
}

/** The pages' routes: /dashboards/*, /vendor/*, /reference/vn-provinces-34.topojson, / -> overview. */
export function dashboardsRoutes(pages: ApiRouter): void {
  // the vendored libraries and the shapes go gzipped (static-gzip.ts); the pages' own files are small
  const cache = { maxAge: '1h' };
  pages.get(
    '/',
    { summary: 'Redirects to the dashboards', tags: ['pages'], auth: 'page', response: { kind: 'redirect', description: '302 to /dashboards/' } },
    (_req, res) => res.redirect(302, '/dashboards/'),
  );
  pages.router.use('/dashboards', express.static(join(root, 'dashboards'), { ...cache, index: 'index.html', extensions: ['html'] }));
  pages.get(
    '/reference/vn-provinces-34.topojson',
    {
      summary: "The 34 provinces' shapes the map draws",
      tags: ['pages'],
      auth: 'page',
      response: { kind: 'file', type: 'application/json', description: 'TopoJSON' },
    },
    (req, res) => sendStatic(req, res, join(root, 'data', 'reference', 'vn-provinces-34.topojson'), 'application/json'),
  );
  pages.get(
    '/vendor/:file',
    {
      summary: 'vega, vega-lite, vega-embed and exceljs for the pages, from node_modules',
      tags: ['pages'],
      auth: 'page',
      params: z.strictObject({ file: z.string().meta({ description: [...VENDOR.keys()].join(', ') }) }),
      response: { kind: 'file', type: 'text/javascript', description: 'a browser build' },
    },
    (req, res, { params }) => {
      // a Map, so that names such as 'constructor' or '__proto__' are unknown files, not inherited members
      const spec = VENDOR.get(params.file);
      if (!spec) throw notFound(`/vendor/${params.file} (có: ${[...VENDOR.keys()].join(', ')})`);
      return sendStatic(req, res, packageFile(spec), 'text/javascript');
    },
  );
}
