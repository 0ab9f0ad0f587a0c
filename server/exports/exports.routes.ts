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
import type { Response } from 'express';
import JSZip from 'jszip';
import { z } from 'zod';
import type { AppContext, ExportedPackage } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import { HttpError, notFound } from '../http-errors.ts';
import { period, resolvePeriod, resolveUnit, unit } from '../params.ts';
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

const packageQuery = {
  period: period.optional(),
  unit: unit.optional(),
  recipient: z
    .enum(RECIPIENTS, { error: () => `phải là một trong ${RECIPIENTS.join(', ')}` })
    .optional()
    .meta({
      description:
        "ministry (the nation's keys' default) or hierarchy (the others' default): exact figures; outside: the unit and its children, small cells suppressed",
    }),
  csv_headers: z
    .enum(['en', 'vi'], { error: () => 'phải là en hoặc vi' })
    .default('en')
    .meta({ description: 'CSV column headers: en (machine names) or vi (Vietnamese)' }),
};
const packageSchema = z.strictObject(packageQuery);
type PackageQuery = z.infer<typeof packageSchema>;

async function packageFor(ctx: AppContext, res: Response, q: PackageQuery): Promise<ExportedPackage> {
  if (!ctx.reports)
    throw new HttpError(503, 'NO_REPORTS', 'Máy chủ này chạy không có bước duyệt và xuất số liệu (NO_REPORTS); hãy khởi động bằng `csdl serve`');
  const conn = connOf(res);
  const account = accountOf(res);
  const at = await resolvePeriod(conn, q.period);
  const u = await resolveUnit(conn, q.unit, account, at);
  const recipient = q.recipient ?? (account.unit_level === 'nation' ? 'ministry' : 'hierarchy');
  const reports = ctx.reports;
  const pkg = await asHttp(() =>
    reports.exportPackage(conn, {
      period: at.period,
      unit: u.unit_key,
      recipient,
      csvHeaders: q.csv_headers,
      requestedBy: account.account_id,
      via: 'api',
    }),
  );
  res.locals.auditDetail = { package: pkg.manifest.package_id, recipient, reused: pkg.reused };
  return pkg;
}

function queryString(q: PackageQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  return params.toString();
}

async function pipeInto(res: Response, stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

/** The export routes (after authentication). */
export function exportsRoutes(api: ApiRouter, ctx: AppContext): void {
  api.get(
    '/exports',
    {
      summary: "The approved version's package for a unit and period: its manifest, with a URL per file",
      description: 'The package is written on first request and kept; 409 when the unit has not approved the period.',
      tags: ['exports'],
      auth: 'key',
      query: packageSchema,
      response: { kind: 'json', description: 'manifest.json with a url per file and the zip url' },
    },
    async (_req, res, { query }) => {
      const pkg = await packageFor(ctx, res, query);
      const qs = queryString(query);
      const files = pkg.manifest.files.map((f) => ({ ...f, url: `/api/exports/file?${qs}&name=${encodeURIComponent(f.name)}` }));
      countRows(res, files.length);
      res.json({ ...pkg.manifest, files, zip: `/api/exports/zip?${qs}` });
    },
  );

  api.get(
    '/exports/file',
    {
      summary: 'One file of the package',
      tags: ['exports'],
      auth: 'key',
      query: z.strictObject({
        ...packageQuery,
        name: z
          .string({ error: () => 'required: a file name of the package (GET /api/exports lists them)' })
          .regex(/^[a-z0-9_.+-]+$/, 'a file name of the package, e.g. indicator_values.csv'),
      }),
      response: { kind: 'file', type: 'application/octet-stream', description: 'the file, as written in the package' },
    },
    async (_req, res, { query }) => {
      const { name, ...rest } = query;
      const pkg = await packageFor(ctx, res, rest);
      const file = name === 'manifest.json' ? { name, format: 'json', rows: 0, sha256: null } : pkg.manifest.files.find((f) => f.name === name);
      if (!file) throw notFound(`tệp ${name} trong gói ${pkg.manifest.package_id}`);
      res.locals.format = file.format;
      res.locals.auditDetail = { ...res.locals.auditDetail, file: name, sha256: file.sha256 };
      countRows(res, file.rows);
      res.setHeader('Content-Type', TYPES[file.format] ?? 'application/octet-stream');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      await pipeInto(res, createReadStream(join(pkg.dir, name)));
    },
  );

  api.get(
    '/exports/zip',
    {
      summary: 'The whole package as one zip',
      tags: ['exports'],
      auth: 'key',
      query: packageSchema,
      response: { kind: 'file', type: 'application/zip', description: '<package id>/<file> for every file and the manifest' },
    },
    async (_req, res, { query }) => {
      const pkg = await packageFor(ctx, res, query);
      const zip = new JSZip();
      for (const f of [...pkg.manifest.files.map((x) => x.name), 'manifest.json'])
        zip.file(`${pkg.manifest.package_id}/${f}`, createReadStream(join(pkg.dir, f)));
      res.locals.format = 'zip';
      countRows(res, pkg.manifest.files.length);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', `attachment; filename="${pkg.manifest.package_id}.zip"`);
      await pipeInto(res, zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE' }));
    },
  );
}
