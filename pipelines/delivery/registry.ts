/**
 * Registering, approving and suspending reporting systems (meta.consumers). Who may act on which
 * consumer (a unit admin within its subtree) is the caller's check; this module keeps the states
 * honest: requested -> approved -> suspended, approved again from suspended or expired, and an
 * approval always names who approved it at which unit and until which day.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { CsdlError } from '../../lib/errors.ts';
import { consumerInput, type ConsumerInput } from '../../lib/consumer-input.ts';
import { findConsumer, insertConsumer, newConsumerId, updateConsumer, vietnamDate, type Consumer } from '../../lib/meta-store/index.ts';
import { sealSecret } from '../../lib/secret-box.ts';
import { queryRows } from '../../lib/warehouse.ts';

/** A consumer's state in words, the state word beside it: `tạm dừng (suspended)`. */
export const CONSUMER_STATE_VI: Record<string, string> = { requested: 'chờ duyệt', approved: 'đã duyệt', suspended: 'tạm dừng', expired: 'hết hạn' };

/** `2026-12-31` as users read it: `31/12/2026`. */
export const viDate = (d: string | null): string => (d ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '');

/** Who acts: an account (its id, label and unit). */
export type RegistryActor = { account_id: string; name: string; unit_key: string };

export class RegistryError extends CsdlError {
  constructor(code: 'UNKNOWN_UNIT' | 'UNKNOWN_CONSUMER' | 'BAD_STATE' | 'BAD_CONSUMER', message: string) {
    super(code, message);
  }
}

type ScopeUnit = { unit_key: string; unit_code: string; unit_level: string; unit_name: string | null };

/** The current province or the nation `ref` names (packages exist for those). */
export async function scopeUnit(conn: DuckDBConnection, ref: string): Promise<ScopeUnit> {
  const rows = await queryRows<ScopeUnit>(
    conn,
    `select unit_key, unit_code, unit_level, unit_name from core.dim_units
     where unit_level in ('province', 'nation') and (unit_key = $1 or (unit_code = $1 and valid_to is null))
     order by valid_to nulls first limit 1`,
    [ref === 'N:VN' ? 'VN' : ref],
  ).catch(() => []);
  if (!rows[0]) {
    throw new RegistryError(
      'UNKNOWN_UNIT',
      `Không có tỉnh hoặc cả nước với mã "${ref}": hệ thống nhận chỉ nhận gói của một tỉnh (mã như 12 hoặc khóa P:12@2025) hoặc của cả nước (VN)`,
    );
  }
  return rows[0];
}

/** Registers a consumer in state `requested`; its secret is sealed under `deliveryKey`. */
export async function registerConsumer(
  conn: DuckDBConnection,
  raw: unknown,
  o: { deliveryKey: string | null; requestedBy: string | null; now?: Date },
): Promise<Consumer> {
  // zod's own messages in Vietnamese where the schema gives none, as the API's are
  const parsed = consumerInput.safeParse(raw, { error: z.locales.vi().localeError });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new RegistryError('BAD_CONSUMER', `Thông tin đăng ký không hợp lệ, ${i.path.join('.') || 'hệ thống nhận'}: ${i.message}`);
  }
  const c: ConsumerInput = parsed.data;
  const unit = await scopeUnit(conn, c.scope_unit);
  return insertConsumer(conn, {
    consumer_id: newConsumerId(),
    name: c.name,
    owner_org: c.owner_org,
    contact: c.contact,
    purpose: c.purpose,
    cost: c.cost ?? null,
    legal_basis_number: c.legal_basis_number,
    legal_basis_date: c.legal_basis_date,
    scope_unit_key: unit.unit_key,
    scope_unit_code: unit.unit_code,
    scope_unit_level: unit.unit_level,
    scope_unit_name: unit.unit_name,
    formats: c.formats,
    figures: c.figures,
    provisional: c.provisional,
    method: c.method,
    endpoint: c.endpoint ?? null,
    secret_sealed: c.secret ? sealSecret(o.deliveryKey, c.secret) : null,
    schedule: c.schedule ?? null,
    state: 'requested',
    requested_by: o.requestedBy,
    created_at: o.now ?? new Date(),
    approved_by: null,
    approved_by_name: null,
    approved_unit: null,
    approved_at: null,
    approved_until: null,
    state_changed_at: null,
    state_changed_by: null,
    state_reason: null,
  });
}

async function mustFind(conn: DuckDBConnection, id: string, now: Date): Promise<Consumer> {
  const c = await findConsumer(conn, id, now);
  if (!c) throw new RegistryError('UNKNOWN_CONSUMER', `Không có hệ thống nhận ${id} (xem csdl consumers list)`);
  return c;
}

/** Approves a requested, suspended or expired consumer until `until` (YYYY-MM-DD, not in the past). */
export async function approveConsumer(
  conn: DuckDBConnection,
  id: string,
  o: { actor: RegistryActor; until: string; comment?: string | null; now?: Date },
): Promise<Consumer> {
  const now = o.now ?? new Date();
  const c = await mustFind(conn, id, now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.until) || Number.isNaN(Date.parse(o.until))) {
    throw new RegistryError('BAD_CONSUMER', `until: "${o.until}" phải là một ngày dạng YYYY-MM-DD (ngày cuối cùng duyệt còn hiệu lực)`);
  }
  if (o.until < vietnamDate(now)) {
    throw new RegistryError('BAD_CONSUMER', `until: ngày ${viDate(o.until)} đã qua; duyệt phải còn hiệu lực đến hôm nay hoặc muộn hơn`);
  }
  if (c.state === 'approved') throw new RegistryError('BAD_STATE', `${c.name} (${id}) đã được duyệt đến hết ngày ${viDate(c.approved_until)}`);
  await updateConsumer(conn, id, {
    state: 'approved',
    approved_by: o.actor.account_id,
    approved_by_name: o.actor.name,
    approved_unit: o.actor.unit_key,
    approved_at: now,
    approved_until: o.until,
    state_changed_at: now,
    state_changed_by: o.actor.account_id,
    state_reason: o.comment ?? null,
  });
  return mustFind(conn, id, now);
}

/** Suspends a consumer: from this moment it receives nothing and its system keys stop working. */
export async function suspendConsumer(conn: DuckDBConnection, id: string, o: { actor: RegistryActor; reason?: string | null; now?: Date }): Promise<Consumer> {
  const now = o.now ?? new Date();
  const c = await mustFind(conn, id, now);
  if (c.state === 'suspended') throw new RegistryError('BAD_STATE', `${c.name} (${id}) đã bị tạm dừng rồi`);
  await updateConsumer(conn, id, { state: 'suspended', state_changed_at: now, state_changed_by: o.actor.account_id, state_reason: o.reason ?? null });
  return mustFind(conn, id, now);
}
