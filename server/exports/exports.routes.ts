/**
 * Export packages of an approved version, to keys that may read the unit (pipelines/export).
 * Packages are written once and kept (data/exports); these routes write one on first request.
 *
 * GET /api/exports?period=&unit=&recipient=&csv_headers=              the package's manifest, with a URL per file
 * GET /api/exports/file?period=&unit=&recipient=&csv_headers=&name=   one file of it
 * GET /api/exports/zip?period=&unit=&recipient=&csv_headers=          the whole package as one zip
 *
 * recipient: ministry (default for the nation's keys) or hierarchy (default otherwise) get exact
 * figures; outside gets the unit and its children with small cells suppressed.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import JSZip from 'jszip';
import type { AppContext, ExportedPackage } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { HttpError, badParam, notFound } from '../http-errors.ts';
import { onlyParams, periodParam, stringParam, unitParam } from '../params.ts';
import { asHttp } from '../approvals/reports-errors.ts';

const RECIPIENTS = ['ministry', 'hierarchy', 'outside'] as const;

const TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  'sdmx-csv': 'application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
  json: 'application/json; charset=utf-8',
};

async function packageFor(ctx: AppContext, req: Request, res: Response, extra: string[]): Promise<ExportedPackage> {
  if (!ctx.reports) throw new HttpError(503, 'NO_REPORTS', 'this server runs without the approval and export stages; start it with `csdl serve`');
  onlyParams(req, ['period', 'unit', 'recipient', 'csv_headers', ...extra]);
  const conn = connOf(res);
  const account = accountOf(res);
  const period = await periodParam(conn, req);
  const unit = await unitParam(conn, req, account, period);
  const recipient = stringParam(req, 'recipient') ?? (account.unit_level === 'nation' ? 'ministry' : 'hierarchy');
  if (!(RECIPIENTS as readonly string[]).includes(recipient)) throw badParam('recipient', `must be one of ${RECIPIENTS.join(', ')}`);
  const headers = stringParam(req, 'csv_headers') ?? 'en';
  if (headers !== 'en' && headers !== 'vi') throw badParam('csv_headers', 'must be en or vi');
  const reports = ctx.reports;
  const pkg = await asHttp(() =>
    reports.exportPackage(conn, {
      period: period.period,
      unit: unit.unit_key,
      recipient: recipient as (typeof RECIPIENTS)[number],
      csvHeaders: headers,
      requestedBy: account.account_id,
      via: 'api',
    }),
  );
  res.locals.auditDetail = { package: pkg.manifest.package_id, recipient, reused: pkg.reused };
  return pkg;
}

/** The exports router (mounted under /api/exports, after authentication). */
export function exportsRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const pkg = await packageFor(ctx, req, res, []);
    const query = new URLSearchParams(req.query as Record<string, string>);
    const files = pkg.manifest.files.map((f) => ({ ...f, url: `/api/exports/file?${query}&name=${encodeURIComponent(f.name)}` }));
    countRows(res, files.length);
    res.json({ ...pkg.manifest, files, zip: `/api/exports/zip?${query}` });
  });

  router.get('/file', async (req, res) => {
    const name = stringParam(req, 'name', /^[a-z0-9_.+-]+$/, 'a file name of the package, e.g. indicator_values.csv');
    if (!name) throw badParam('name', 'required: a file name of the package (GET /api/exports lists them)');
    const pkg = await packageFor(ctx, req, res, ['name']);
    const file = name === 'manifest.json' ? { name, format: 'json', rows: 0, sha256: null } : pkg.manifest.files.find((f) => f.name === name);
    if (!file) throw notFound(`file ${name} in package ${pkg.manifest.package_id}`);
    res.locals.format = file.format;
    res.locals.auditDetail = { ...res.locals.auditDetail, file: name, sha256: file.sha256 };
    countRows(res, file.rows);
    res.setHeader('Content-Type', TYPES[file.format] ?? 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(join(pkg.dir, name));
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  });

  router.get('/zip', async (req, res) => {
    const pkg = await packageFor(ctx, req, res, []);
    const zip = new JSZip();
    for (const f of [...pkg.manifest.files.map((x) => x.name), 'manifest.json'])
      zip.file(`${pkg.manifest.package_id}/${f}`, createReadStream(join(pkg.dir, f)));
    res.locals.format = 'zip';
    countRows(res, pkg.manifest.files.length);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${pkg.manifest.package_id}.zip"`);
    await new Promise<void>((resolve, reject) => {
      const stream = zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE' });
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  });

  return router;
}
