/**
 * Deliveries to the registered reporting systems. For each approved, unexpired consumer that is
 * pushed to or dropped for, every package it may take (packages.ts) goes out once: a package
 * whose idempotency key has an accepted delivery is not sent again, one a stopped process left
 * pending or sending is resumed under the same key (the receiver deduplicates on it), and a
 * consumer suspended or expired in between receives nothing more. Every delivery and pull is a
 * row of meta.deliveries with what, which version, rows, bytes, tries and the receipt.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsdlError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import {
  activeState,
  findConsumerWithSecret,
  insertDelivery,
  listConsumers,
  metaDb,
  newDeliveryId,
  openOrDoneDelivery,
  unfinishedDeliveries,
  updateDelivery,
  type Consumer,
  type ConsumerWithSecret,
  type Delivery,
} from '../../lib/meta-store/index.ts';
import { openSecret } from '../../lib/secret-box.ts';
import { dropIntoFolder } from './folder.ts';
import { buildPackage, idempotencyKey, packagesFor, type BuiltPackage, type PackageRef } from './packages.ts';
import { push } from './push.ts';
import { CONSUMER_STATE_VI } from './registry.ts';

/** What a delivery needs: the warehouse connection, where packages are built, and how to push. */
export type DeliveryContext = {
  conn: DuckDBConnection;
  exportDir: string;
  deliveryKey: string | null;
  attempts: number;
  timeoutMs: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The pipeline run it belongs to (null: on request). */
  runId?: string | null;
  requestedBy?: string | null;
  now?: () => Date;
};

export type DeliveryOutcome = Pick<Delivery, 'delivery_id' | 'consumer_id' | 'version_id' | 'package_id' | 'state' | 'attempts' | 'receipt_id' | 'error'>;

export class DeliveryError extends CsdlError {
  constructor(code: 'NOT_ACTIVE' | 'UNKNOWN_PACKAGE', message: string) {
    super(code, message);
  }
}

const nowOf = (ctx: DeliveryContext) => ctx.now?.() ?? new Date();

function notActive(c: Pick<Consumer, 'name' | 'consumer_id'>, state: string): string {
  return `${c.name} (${c.consumer_id}) đang ở trạng thái ${CONSUMER_STATE_VI[state] ?? state} (${state}), không nhận dữ liệu: chỉ hệ thống nhận đã duyệt và còn hạn duyệt mới nhận`;
}

async function outcome(conn: DuckDBConnection, id: string): Promise<DeliveryOutcome> {
  return metaDb(conn)
    .selectFrom('meta.deliveries')
    .select(['delivery_id', 'consumer_id', 'version_id', 'package_id', 'state', 'attempts', 'receipt_id', 'error'])
    .where('delivery_id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Sends (or resumes) one delivery row; the consumer is checked again at the moment of sending. */
async function send(ctx: DeliveryContext, consumer: ConsumerWithSecret, d: Delivery, built?: BuiltPackage): Promise<DeliveryOutcome> {
  const { conn } = ctx;
  const state = activeState(consumer, nowOf(ctx));
  if (state !== 'approved') {
    await updateDelivery(conn, d.delivery_id, { state: 'failed', error: notActive(consumer, state), finished_at: nowOf(ctx) });
    return outcome(conn, d.delivery_id);
  }
  try {
    const pkg =
      built ??
      (await buildPackage(conn, consumer, { versionId: d.version_id, period: d.period, unitKey: d.unit_key, provisional: d.provisional }, ctx.exportDir));
    await updateDelivery(conn, d.delivery_id, { state: 'sending', started_at: d.started_at ?? nowOf(ctx) });
    if (consumer.method === 'folder') {
      await updateDelivery(conn, d.delivery_id, { attempts: d.attempts + 1 });
      const target = await dropIntoFolder(consumer.endpoint!, pkg);
      await updateDelivery(conn, d.delivery_id, { state: 'accepted', receipt_id: target, error: null, finished_at: nowOf(ctx) });
    } else {
      const result = await push({
        url: consumer.endpoint!,
        body: pkg.zip,
        idempotencyKey: d.idempotency_key,
        secret: openSecret(ctx.deliveryKey, consumer.secret_sealed ?? ''),
        headers: { 'X-CSDL-Package': pkg.packageId, 'X-CSDL-Provisional': String(pkg.provisional), 'X-CSDL-Delivery': d.delivery_id },
        attempts: ctx.attempts,
        timeoutMs: ctx.timeoutMs,
        backoffMs: ctx.backoffMs,
        sleep: ctx.sleep,
        triedBefore: d.attempts,
        onTry: (attempt) => updateDelivery(conn, d.delivery_id, { attempts: attempt }),
      });
      await updateDelivery(conn, d.delivery_id, {
        state: result.state,
        attempts: result.attempts,
        receipt_status: result.status,
        receipt_id: result.state === 'accepted' ? result.receiptId : null,
        error: result.state === 'failed' ? result.error : null,
        finished_at: nowOf(ctx),
      });
    }
  } catch (err) {
    await updateDelivery(conn, d.delivery_id, { state: 'failed', error: (err as Error).message.slice(0, 1000), finished_at: nowOf(ctx) });
  }
  const done = await outcome(conn, d.delivery_id);
  log[done.state === 'accepted' ? 'info' : 'warn']('delivery', { ...done, runId: ctx.runId ?? null });
  return done;
}

function newRow(ctx: DeliveryContext, consumer: Consumer, ref: PackageRef, kind: Delivery['kind']): Delivery {
  return {
    delivery_id: newDeliveryId(),
    consumer_id: consumer.consumer_id,
    run_id: ctx.runId ?? null,
    version_id: ref.versionId,
    period: ref.period,
    unit_key: ref.unitKey,
    package_id: ref.versionId,
    provisional: ref.provisional,
    kind,
    state: 'pending',
    idempotency_key: idempotencyKey(ref.versionId, consumer.consumer_id),
    attempts: 0,
    rows: null,
    bytes: null,
    sha256: null,
    receipt_status: null,
    receipt_id: null,
    error: null,
    requested_by: ctx.requestedBy ?? null,
    created_at: nowOf(ctx).toISOString(),
    started_at: null,
    finished_at: null,
  };
}

/** Sends every package the consumer may take and has not received; pull consumers take their own. */
export async function deliverToConsumer(ctx: DeliveryContext, consumerId: string): Promise<DeliveryOutcome[]> {
  const { conn } = ctx;
  const consumer = await findConsumerWithSecret(conn, consumerId, nowOf(ctx));
  if (!consumer) throw new DeliveryError('NOT_ACTIVE', `Không có hệ thống nhận ${consumerId} (xem csdl consumers list)`);
  if (consumer.state !== 'approved') throw new DeliveryError('NOT_ACTIVE', notActive(consumer, consumer.state));
  if (consumer.method === 'pull') return [];
  const out: DeliveryOutcome[] = [];
  for (const ref of await packagesFor(conn, consumer)) {
    const existing = await openOrDoneDelivery(conn, idempotencyKey(ref.versionId, consumer.consumer_id));
    if (existing?.state === 'accepted') continue;
    if (existing) {
      out.push(await send(ctx, consumer, existing));
      continue;
    }
    const row = newRow(ctx, consumer, ref, consumer.method);
    let pkg: BuiltPackage;
    try {
      pkg = await buildPackage(conn, consumer, ref, ctx.exportDir);
    } catch (err) {
      await insertDelivery(conn, { ...row, state: 'failed', error: (err as Error).message.slice(0, 1000), finished_at: nowOf(ctx) });
      out.push(await outcome(conn, row.delivery_id));
      continue;
    }
    await insertDelivery(conn, { ...row, package_id: pkg.packageId, rows: pkg.rows, bytes: pkg.zip.length, sha256: pkg.sha256 });
    out.push(await send(ctx, consumer, { ...row, package_id: pkg.packageId }, pkg));
  }
  return out;
}

/**
 * Delivers to every approved consumer that follows the pipeline (no schedule of its own), or to
 * those `consumerIds` names; one consumer's failure does not stop the others.
 */
export async function deliverAll(ctx: DeliveryContext, consumerIds?: string[]): Promise<DeliveryOutcome[]> {
  const consumers = (await listConsumers(ctx.conn, nowOf(ctx))).filter(
    (c) => c.state === 'approved' && c.method !== 'pull' && (consumerIds ? consumerIds.includes(c.consumer_id) : c.schedule === null),
  );
  const out: DeliveryOutcome[] = [];
  for (const c of consumers) out.push(...(await deliverToConsumer(ctx, c.consumer_id)));
  return out;
}

/** Resumes what a stopped process left pending or sending, under the same idempotency keys. */
export async function resumeDeliveries(ctx: DeliveryContext): Promise<DeliveryOutcome[]> {
  const out: DeliveryOutcome[] = [];
  for (const d of await unfinishedDeliveries(ctx.conn)) {
    const consumer = await findConsumerWithSecret(ctx.conn, d.consumer_id, nowOf(ctx));
    if (!consumer) continue;
    log.info('resuming a delivery a stopped process left unfinished', { deliveryId: d.delivery_id, key: d.idempotency_key, attempts: d.attempts });
    out.push(await send(ctx, consumer, d));
  }
  return out;
}

/** The packages a pull consumer may take now. */
export async function pullList(conn: DuckDBConnection, consumer: Consumer): Promise<PackageRef[]> {
  return packagesFor(conn, consumer);
}

/** One download by a pull consumer: the package's zip, recorded as a delivery. */
export async function pullPackage(ctx: DeliveryContext, consumer: Consumer, versionId: string): Promise<BuiltPackage> {
  const state = activeState(consumer, nowOf(ctx));
  if (state !== 'approved') throw new DeliveryError('NOT_ACTIVE', notActive(consumer, state));
  const ref = (await packagesFor(ctx.conn, consumer)).find((p) => p.versionId === versionId);
  if (!ref) {
    throw new DeliveryError(
      'UNKNOWN_PACKAGE',
      `Không có gói ${versionId} cho ${consumer.name}: GET /api/deliveries/packages liệt kê các gói hệ thống này được nhận`,
    );
  }
  const pkg = await buildPackage(ctx.conn, consumer, ref, ctx.exportDir);
  const row = newRow(ctx, consumer, ref, 'pull');
  await insertDelivery(ctx.conn, {
    ...row,
    package_id: pkg.packageId,
    state: 'accepted',
    attempts: 1,
    rows: pkg.rows,
    bytes: pkg.zip.length,
    sha256: pkg.sha256,
    receipt_status: 200,
    started_at: row.created_at,
    finished_at: nowOf(ctx),
  });
  return pkg;
}
