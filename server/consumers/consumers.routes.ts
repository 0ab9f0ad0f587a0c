/**
 * The registry of reporting systems (consumers) for admins, and the pull of packages for the
 * systems' own keys. An admin sees, registers, approves, suspends and delivers to consumers
 * whose scope unit lies in its subtree; nothing of another unit's consumers, not even that they
 * exist (404). The nation's admins see all.
 *
 * GET  /api/admin/consumers                     consumers in the admin's subtree, each with its last deliveries
 * POST /api/admin/consumers                     registers one (state requested)
 * GET  /api/admin/consumers/usage?from=&to=     what each received in the period, by method and outcome
 * GET  /api/admin/consumers/:id                 one consumer, its deliveries and its keys
 * POST /api/admin/consumers/:id/approve         { until, comment } -> approved; a pull consumer's system key is issued once
 * POST /api/admin/consumers/:id/suspend         { reason } -> suspended: it receives nothing more, its keys stop
 * POST /api/admin/consumers/:id/deliver         sends what it has not received, now
 * GET  /api/deliveries/packages                 (system key) the packages its consumer may take
 * GET  /api/deliveries/packages/:versionId      (system key) one package as a zip, recorded as a delivery
 */
import { json, type Response } from 'express';
import { z } from 'zod';
import { CsdlError } from '../../lib/errors.ts';
import { consumerInput } from '../../lib/consumer-input.ts';
import { consumerOfAccount, findConsumer, keysOfConsumer, listConsumers, listDeliveries, usageReport, type Consumer } from '../../lib/meta-store/index.ts';
import type { AppContext, DeliveryService } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import type { Account } from '../accounts/accounts.store.ts';
import { canSee } from '../auth/scope.ts';
import { forbidden, HttpError, notFound } from '../http-errors.ts';
import { findUnit } from '../units/units.queries.ts';
import { issueSystemKey } from './consumer-keys.ts';
import type { DuckDBConnection } from '@duckdb/node-api';

const STATUS: Record<string, number> = {
  BAD_CONSUMER: 400,
  UNKNOWN_CONSUMER: 404,
  UNKNOWN_UNIT: 404,
  UNKNOWN_PACKAGE: 404,
  UNKNOWN_VERSION: 404,
  UNKNOWN_PERIOD: 404,
  BAD_STATE: 409,
  NOT_ACTIVE: 409,
  NOT_APPROVED: 409,
  NO_DELIVERY_KEY: 503,
  JOB_RUNNING: 409,
  VERSION_CORRUPT: 500,
};

async function asHttp<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CsdlError && STATUS[err.code]) throw new HttpError(STATUS[err.code], err.code, err.message, err.details);
    throw err;
  }
}

function service(ctx: AppContext): DeliveryService {
  if (!ctx.deliveries) throw new HttpError(503, 'NO_DELIVERIES', 'Máy chủ này chạy không có khâu gửi dữ liệu (NO_DELIVERIES): hãy khởi động bằng `csdl serve`');
  return ctx.deliveries;
}

/** Whether `admin` may see and act on consumers of `unitKey`. */
async function inSubtree(conn: DuckDBConnection, admin: Account, unitKey: string): Promise<boolean> {
  if (admin.unit_level === 'nation') return true;
  const unit = await findUnit(conn, unitKey);
  return unit !== undefined && canSee(conn, admin, unit);
}

/** The consumer if the admin may see it; 404 otherwise (another unit's consumers are not disclosed). */
async function visible(res: Response, id: string): Promise<Consumer> {
  const conn = connOf(res);
  const c = await findConsumer(conn, id);
  if (!c || !(await inSubtree(conn, accountOf(res), c.scope_unit_key))) throw notFound(`hệ thống nhận ${id}`);
  return c;
}

const idParams = z.strictObject({ id: z.string().regex(/^con_[0-9a-f]{12}$/, 'phải là mã hệ thống nhận như con_0123456789ab') });
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'phải là một ngày dạng YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'không phải là một ngày có thật');

function nextDay(d: string): string {
  return new Date(Date.parse(d + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);
}

export function consumersRoutes(api: ApiRouter, ctx: AppContext): void {
  api.get(
    '/admin/consumers',
    {
      summary: "Reporting systems registered in the admin's subtree, with their state and last deliveries",
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [consumer with last_deliveries] }' },
    },
    async (_req, res) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      const rows = [];
      for (const c of await listConsumers(conn)) {
        if (!(await inSubtree(conn, admin, c.scope_unit_key))) continue;
        rows.push({ ...c, last_deliveries: await listDeliveries(conn, { consumerId: c.consumer_id, limit: 5 }) });
      }
      countRows(res, rows.length);
      res.json({ rows });
    },
  );

  api.post(
    '/admin/consumers',
    {
      summary: 'Registers a reporting system (state requested); its secret is stored sealed',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      body: consumerInput,
      status: 201,
      response: { kind: 'json', description: '{ consumer }' },
    },
    async (_req, res, { body }) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      res.locals.auditDetail = { action: 'register_consumer', scope_unit: body.scope_unit, method: body.method };
      const unit = await findUnit(conn, body.scope_unit === 'VN' ? 'N:VN' : body.scope_unit);
      if (unit && !(await inSubtree(conn, admin, unit.unit_key))) {
        throw forbidden(`${unit.unit_key} nằm ngoài phạm vi của ${admin.unit_key}`);
      }
      const consumer = await asHttp(() => service(ctx).register(conn, body, admin.account_id));
      res.locals.auditDetail = { action: 'register_consumer', consumer_id: consumer.consumer_id, scope_unit: consumer.scope_unit_key, method: consumer.method };
      countRows(res, 1);
      res.status(201).json({ consumer });
    },
    json({ limit: '20kb' }),
  );

  api.get(
    '/admin/consumers/usage',
    {
      summary: 'What each consumer in the subtree received in a period (from and to inclusive), by method and outcome',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({ from: day.meta({ description: 'first day (YYYY-MM-DD)' }), to: day.meta({ description: 'last day (YYYY-MM-DD)' }) }),
      response: { kind: 'json', description: '{ from, to, rows: [{ consumer_id, name, kind, state, deliveries, packages, rows, bytes, first_at, last_at }] }' },
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      const consumers = [];
      for (const c of await listConsumers(conn)) if (await inSubtree(conn, admin, c.scope_unit_key)) consumers.push(c);
      const names = new Map(consumers.map((c) => [c.consumer_id, c.name]));
      const rows = await usageReport(conn, { from: query.from, to: nextDay(query.to), consumerIds: [...names.keys()] });
      countRows(res, rows.length);
      res.json({ from: query.from, to: query.to, rows: rows.map((r) => ({ ...r, name: names.get(r.consumer_id) })) });
    },
  );

  api.get(
    '/admin/consumers/:id',
    {
      summary: 'One consumer, its latest deliveries and its system keys',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      params: idParams,
      response: { kind: 'json', description: '{ consumer, deliveries, keys }' },
    },
    async (_req, res, { params }) => {
      const c = await visible(res, params.id);
      const conn = connOf(res);
      const deliveries = await listDeliveries(conn, { consumerId: c.consumer_id, limit: 100 });
      countRows(res, 1 + deliveries.length);
      res.json({ consumer: c, deliveries, keys: await keysOfConsumer(conn, c.consumer_id) });
    },
  );

  api.post(
    '/admin/consumers/:id/approve',
    {
      summary: 'Approves a consumer until a day; a pull consumer gets its system key (shown once) on its first approval',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      params: idParams,
      body: z.strictObject({
        until: day.meta({ description: 'the last day the approval holds (YYYY-MM-DD)' }),
        comment: z.string().trim().max(1000).optional().meta({ description: 'the written approval it rests on, e.g. its number' }),
      }),
      response: { kind: 'json', description: '{ consumer, key? }' },
    },
    async (_req, res, { params, body }) => {
      const c = await visible(res, params.id);
      const conn = connOf(res);
      const admin = accountOf(res);
      res.locals.auditDetail = { action: 'approve_consumer', consumer_id: c.consumer_id, until: body.until };
      const consumer = await asHttp(() => service(ctx).approve(conn, c.consumer_id, { actor: admin, until: body.until, comment: body.comment ?? null }));
      let key: string | undefined;
      if (consumer.method === 'pull' && (await keysOfConsumer(conn, c.consumer_id)).length === 0) {
        const issued = await issueSystemKey(conn, consumer, admin.account_id);
        key = issued.key;
        res.locals.auditDetail = { ...res.locals.auditDetail, system_account: issued.accountId };
      }
      countRows(res, 1);
      res.json({ consumer, ...(key ? { key } : {}) });
    },
    json({ limit: '10kb' }),
  );

  api.post(
    '/admin/consumers/:id/suspend',
    {
      summary: 'Suspends a consumer: it receives nothing more and its system keys stop working at once',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      params: idParams,
      body: z.strictObject({ reason: z.string().trim().max(1000).optional().meta({ description: 'why' }) }),
      response: { kind: 'json', description: '{ consumer }' },
    },
    async (_req, res, { params, body }) => {
      const c = await visible(res, params.id);
      res.locals.auditDetail = { action: 'suspend_consumer', consumer_id: c.consumer_id };
      const consumer = await asHttp(() => service(ctx).suspend(connOf(res), c.consumer_id, { actor: accountOf(res), reason: body.reason ?? null }));
      countRows(res, 1);
      res.json({ consumer });
    },
    json({ limit: '10kb' }),
  );

  api.post(
    '/admin/consumers/:id/deliver',
    {
      summary: 'Sends the consumer what it has not received yet, now (push or folder consumers), as a run of the server’s runner',
      description: '409 while a pipeline run is in progress (runs never overlap) or when the consumer is not approved.',
      tags: ['consumers'],
      auth: 'admin',
      query: z.strictObject({}),
      params: idParams,
      response: { kind: 'json', description: '{ deliveries: [{ delivery_id, version_id, package_id, state, attempts, receipt_id, error }] }' },
    },
    async (_req, res, { params }) => {
      const c = await visible(res, params.id);
      res.locals.auditDetail = { action: 'deliver', consumer_id: c.consumer_id };
      const deliveries = await asHttp(() => service(ctx).deliverNow(connOf(res), c.consumer_id, accountOf(res).account_id));
      countRows(res, deliveries.length);
      res.json({ deliveries });
    },
  );

  const systemConsumer = async (res: Response): Promise<Consumer> => {
    const account = accountOf(res);
    if (account.kind !== 'system') throw forbidden('chỉ khóa hệ thống của một hệ thống nhận đã đăng ký mới lấy được gói');
    const consumer = await consumerOfAccount(connOf(res), account.account_id);
    if (!consumer) throw forbidden('khóa hệ thống này không thuộc hệ thống nhận nào');
    return consumer;
  };

  api.get(
    '/deliveries/packages',
    {
      summary: "The packages the key's consumer may take (approved versions, and provisional ones if it is registered so)",
      tags: ['deliveries'],
      auth: 'key',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ consumer_id, rows: [{ version_id, period, unit_key, provisional, url }] }' },
    },
    async (_req, res) => {
      const consumer = await systemConsumer(res);
      const refs = await asHttp(() => service(ctx).pullList(connOf(res), consumer));
      countRows(res, refs.length);
      res.json({
        consumer_id: consumer.consumer_id,
        rows: refs.map((r) => ({
          version_id: r.versionId,
          period: r.period,
          unit_key: r.unitKey,
          provisional: r.provisional,
          url: `/api/deliveries/packages/${encodeURIComponent(r.versionId)}`,
        })),
      });
    },
  );

  api.get(
    '/deliveries/packages/:versionId',
    {
      summary: 'One package as a zip; each download is recorded as a delivery of the consumer',
      tags: ['deliveries'],
      auth: 'key',
      query: z.strictObject({}),
      params: z.strictObject({
        versionId: z.string().regex(/^[vp]-[0-9]{4}-(DN|CN)-[A-Z0-9]{1,8}-[0-9a-f]{12}$/, 'phải là mã phiên bản như v-2025-DN-12-0123456789ab'),
      }),
      response: { kind: 'file', type: 'application/zip', description: '<package id>/<file> for every file and the manifest' },
    },
    async (_req, res, { params }) => {
      const consumer = await systemConsumer(res);
      const account = accountOf(res);
      const pkg = await asHttp(() => service(ctx).pullPackage(connOf(res), consumer, params.versionId, account.account_id));
      res.locals.format = 'zip';
      res.locals.auditDetail = { action: 'pull', consumer_id: consumer.consumer_id, package: pkg.packageId, bytes: pkg.zip.length };
      countRows(res, pkg.rows);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', `attachment; filename="${pkg.packageId}.zip"`);
      res.end(pkg.zip);
    },
  );
}
