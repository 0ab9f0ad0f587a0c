/**
 * The registry of reporting systems and their deliveries (meta.consumers, meta.consumer_keys,
 * meta.deliveries, meta.schedules): typed queries shared by the delivery stage, the server's
 * admin routes and the key check. A consumer receives anything only while it is approved and its
 * approval has not run out; `activeState` is the one place that decides it.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { metaDb } from './meta-db.ts';
import type { ConsumersTable, DeliveriesTable, DeliveryState } from './schema.ts';

export type Consumer = Omit<Selectable<ConsumersTable>, 'secret_sealed' | 'formats'> & { formats: string[]; has_secret: boolean };
export type ConsumerWithSecret = Consumer & { secret_sealed: string | null };
export type Delivery = Selectable<DeliveriesTable>;
type NewConsumer = Omit<Insertable<ConsumersTable>, 'formats'> & { formats: string[] };

/** A fresh consumer id (`con_` and 12 hex digits). */
export function newConsumerId(): string {
  return 'con_' + randomBytes(6).toString('hex');
}

/** A fresh delivery id. */
export function newDeliveryId(): string {
  return 'dlv_' + randomBytes(8).toString('hex');
}

/** The calendar day of `at` in Vietnam (YYYY-MM-DD), against which an approval's last day is read. */
export function vietnamDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** What a consumer's state is at `now`: an approval whose last day has passed reads as expired. */
export function activeState(c: Pick<ConsumersTable, 'state' | 'approved_until'>, now = new Date()): Consumer['state'] {
  if (c.state === 'approved' && c.approved_until && c.approved_until < vietnamDate(now)) return 'expired';
  return c.state;
}

function toConsumer(row: Selectable<ConsumersTable>): ConsumerWithSecret {
  return { ...row, formats: (row.formats as unknown as string[]) ?? [], provisional: Boolean(row.provisional), has_secret: row.secret_sealed !== null };
}

function withoutSecret(c: ConsumerWithSecret): Consumer {
  const { secret_sealed: _sealed, ...rest } = c;
  return rest;
}

export async function insertConsumer(conn: DuckDBConnection, c: NewConsumer): Promise<Consumer> {
  await metaDb(conn)
    .insertInto('meta.consumers')
    .values({ ...c, formats: sql`cast(${JSON.stringify(c.formats)} as json)::varchar[]` })
    .execute();
  return (await findConsumer(conn, c.consumer_id))!;
}

/** Every consumer, oldest first, expired ones read as expired; never their secret. */
export async function listConsumers(conn: DuckDBConnection, now = new Date()): Promise<Consumer[]> {
  const rows = await metaDb(conn).selectFrom('meta.consumers').selectAll().orderBy('created_at').orderBy('consumer_id').execute();
  return rows.map((r) => withoutSecret({ ...toConsumer(r), state: activeState(r, now) }));
}

export async function findConsumer(conn: DuckDBConnection, id: string, now = new Date()): Promise<Consumer | undefined> {
  const c = await findConsumerWithSecret(conn, id, now);
  return c && withoutSecret(c);
}

/** The consumer with its sealed secret (for the delivery stage only). */
export async function findConsumerWithSecret(conn: DuckDBConnection, id: string, now = new Date()): Promise<ConsumerWithSecret | undefined> {
  const row = await metaDb(conn).selectFrom('meta.consumers').selectAll().where('consumer_id', '=', id).executeTakeFirst();
  return row && { ...toConsumer(row), state: activeState(row, now) };
}

export async function updateConsumer(conn: DuckDBConnection, id: string, patch: Omit<Updateable<ConsumersTable>, 'formats' | 'consumer_id'>): Promise<void> {
  await metaDb(conn).updateTable('meta.consumers').set(patch).where('consumer_id', '=', id).execute();
}

/** Links a `system` account to the consumer it pulls for. */
export async function linkConsumerKey(conn: DuckDBConnection, accountId: string, consumerId: string): Promise<void> {
  await metaDb(conn).insertInto('meta.consumer_keys').values({ account_id: accountId, consumer_id: consumerId, created_at: new Date() }).execute();
}

/** The consumer a `system` account pulls for, if any. */
export async function consumerOfAccount(conn: DuckDBConnection, accountId: string, now = new Date()): Promise<Consumer | undefined> {
  const link = await metaDb(conn).selectFrom('meta.consumer_keys').select('consumer_id').where('account_id', '=', accountId).executeTakeFirst();
  return link ? findConsumer(conn, link.consumer_id, now) : undefined;
}

/** The accounts linked to a consumer. */
export async function keysOfConsumer(conn: DuckDBConnection, consumerId: string): Promise<string[]> {
  const rows = await metaDb(conn).selectFrom('meta.consumer_keys').select('account_id').where('consumer_id', '=', consumerId).execute();
  return rows.map((r) => r.account_id);
}

export async function insertDelivery(conn: DuckDBConnection, d: Insertable<DeliveriesTable>): Promise<void> {
  await metaDb(conn).insertInto('meta.deliveries').values(d).execute();
}

export async function updateDelivery(conn: DuckDBConnection, id: string, patch: Updateable<DeliveriesTable>): Promise<void> {
  await metaDb(conn).updateTable('meta.deliveries').set(patch).where('delivery_id', '=', id).execute();
}

/** The delivery of this key that is accepted or still under way, if any: a package goes out once. */
export async function openOrDoneDelivery(conn: DuckDBConnection, idempotencyKey: string): Promise<Delivery | undefined> {
  return metaDb(conn)
    .selectFrom('meta.deliveries')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .where('kind', '<>', 'pull')
    .where('state', 'in', ['pending', 'sending', 'accepted'] satisfies DeliveryState[])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Deliveries a stopped process left pending or sending (resumed at start-up). */
export async function unfinishedDeliveries(conn: DuckDBConnection): Promise<Delivery[]> {
  return metaDb(conn)
    .selectFrom('meta.deliveries')
    .selectAll()
    .where('state', 'in', ['pending', 'sending'] satisfies DeliveryState[])
    .where('kind', '<>', 'pull')
    .orderBy('created_at')
    .execute();
}

/** The latest deliveries, of one consumer or all, newest first. */
export async function listDeliveries(conn: DuckDBConnection, o: { consumerId?: string; limit?: number } = {}): Promise<Delivery[]> {
  let q = metaDb(conn).selectFrom('meta.deliveries').selectAll();
  if (o.consumerId) q = q.where('consumer_id', '=', o.consumerId);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('delivery_id')
    .limit(o.limit ?? 50)
    .execute();
}

export type UsageRow = {
  consumer_id: string;
  kind: string;
  state: string;
  deliveries: number;
  packages: number;
  rows: number;
  bytes: number;
  first_at: string | null;
  last_at: string | null;
};

/** What each consumer received in [from, to) (YYYY-MM-DD, Vietnam time), by method and outcome. */
export async function usageReport(conn: DuckDBConnection, o: { from: string; to: string; consumerIds?: string[] }): Promise<UsageRow[]> {
  if (o.consumerIds && o.consumerIds.length === 0) return [];
  let q = metaDb(conn)
    .selectFrom('meta.deliveries')
    .select([
      'consumer_id',
      'kind',
      'state',
      sql<number>`count(*)`.as('deliveries'),
      sql<number>`count(distinct version_id)`.as('packages'),
      sql<number>`coalesce(sum(rows), 0)`.as('rows'),
      sql<number>`coalesce(sum(bytes), 0)`.as('bytes'),
      sql<string | null>`min(created_at)`.as('first_at'),
      sql<string | null>`max(created_at)`.as('last_at'),
    ])
    .where(sql<boolean>`cast(timezone('Asia/Ho_Chi_Minh', created_at) as date) >= cast(${o.from} as date)`)
    .where(sql<boolean>`cast(timezone('Asia/Ho_Chi_Minh', created_at) as date) < cast(${o.to} as date)`);
  if (o.consumerIds) q = q.where('consumer_id', 'in', o.consumerIds);
  const rows = await q.groupBy(['consumer_id', 'kind', 'state']).orderBy('consumer_id').orderBy('kind').orderBy('state').execute();
  return rows.map((r) => ({ ...r, deliveries: Number(r.deliveries), packages: Number(r.packages), rows: Number(r.rows), bytes: Number(r.bytes) }));
}

/** A schedule's last tick (null: never seen). */
export async function scheduleState(conn: DuckDBConnection, name: string): Promise<{ cron: string; last_tick_at: string | null } | undefined> {
  return metaDb(conn).selectFrom('meta.schedules').select(['cron', 'last_tick_at']).where('name', '=', name).executeTakeFirst();
}

/** Records a schedule's tick (or, with `tick` null, that it exists without having ticked) and the run it started, if any (a skipped tick keeps the last). */
export async function recordScheduleTick(
  conn: DuckDBConnection,
  s: { name: string; cron: string; timezone: string; tick: Date | null; runId?: string | null },
): Promise<void> {
  const db = metaDb(conn);
  const now = new Date();
  const had = await db.selectFrom('meta.schedules').select('name').where('name', '=', s.name).executeTakeFirst();
  if (had) {
    await db
      .updateTable('meta.schedules')
      .set({ cron: s.cron, timezone: s.timezone, updated_at: now, ...(s.tick ? { last_tick_at: s.tick } : {}), ...(s.runId ? { last_run_id: s.runId } : {}) })
      .where('name', '=', s.name)
      .execute();
  } else {
    await db
      .insertInto('meta.schedules')
      .values({ name: s.name, cron: s.cron, timezone: s.timezone, last_tick_at: s.tick, last_run_id: s.runId ?? null, updated_at: now })
      .execute();
  }
}
