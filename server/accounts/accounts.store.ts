/**
 * Accounts in meta.accounts (seeds 000 and 001): each tied to one unit, whose subtree it may
 * read, and of one kind: 'admin' (manages the accounts of its unit and below), 'exploit'
 * (reads what the unit may read) or 'system' (a registered reporting system's key, which only
 * pulls its packages). Keys are stored as SHA-256 hashes only.
 */
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { metaDb } from '../../lib/meta-store/index.ts';
import { tableExists } from '../db/read-rows.ts';
import { findUnit, type Unit } from '../units/units.queries.ts';
import { hashApiKey, newApiKey } from './api-key.ts';

/** `system`: the key a registered reporting system pulls its packages with (meta.consumer_keys). */
export type AccountKind = 'admin' | 'exploit' | 'system';

export type Account = {
  account_id: string;
  name: string;
  kind: AccountKind;
  unit_key: string;
  unit_code: string;
  unit_level: Unit['unit_level'];
  unit_name: string | null;
  key_prefix: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
};

/** Raised when the unit an account should belong to does not exist. */
export class UnknownUnitError extends Error {
  constructor(readonly ref: string) {
    super(`đơn vị ${ref} không có trong danh mục đơn vị core.dim_units (dùng khóa đơn vị như P:01@2025 hoặc mã đơn vị)`);
  }
}

const COLUMNS = [
  'account_id',
  'name',
  'kind',
  'unit_key',
  'unit_code',
  'unit_level',
  'unit_name',
  'key_prefix',
  'created_at',
  'created_by',
  'revoked_at',
] as const;

/** The nation, which exists before any load so the first (national) admin can be created. */
const NATION = { unit_key: 'N:VN', unit_code: 'VN', unit_level: 'nation', unit_name: 'Việt Nam' } as const;

async function resolveAccountUnit(conn: DuckDBConnection, ref: string): Promise<Pick<Unit, 'unit_key' | 'unit_code' | 'unit_level' | 'unit_name'>> {
  const hasUnits = await tableExists(conn, 'core.dim_units');
  const unit = hasUnits ? await findUnit(conn, ref) : undefined;
  if (unit) return unit;
  if (ref === NATION.unit_key || ref === NATION.unit_code) return NATION;
  throw new UnknownUnitError(ref);
}

/**
 * Creates an account and returns it with its key (shown once, never stored).
 *
 * @example
 *   const { account, key } = await createAccount(conn, { unit: '48', kind: 'exploit', name: 'Sở Đà Nẵng' });
 */
export async function createAccount(
  conn: DuckDBConnection,
  input: { unit: string; kind: AccountKind; name: string; createdBy?: string | null },
): Promise<{ account: Account; key: string }> {
  const unit = await resolveAccountUnit(conn, input.unit);
  const key = newApiKey();
  const id = 'acc_' + randomBytes(6).toString('hex');
  const db = metaDb(conn);
  await db
    .insertInto('meta.accounts')
    .values({
      account_id: id,
      name: input.name,
      kind: input.kind,
      unit_key: unit.unit_key,
      unit_code: unit.unit_code,
      unit_level: unit.unit_level,
      unit_name: unit.unit_name,
      key_hash: hashApiKey(key),
      key_prefix: key.slice(0, 12),
      created_by: input.createdBy ?? null,
    })
    .execute();
  const account = (await findAccount(conn, id))!;
  return { account, key };
}

/** The account a key belongs to, revoked or not (the caller checks `revoked_at`). */
export async function findAccountByKey(conn: DuckDBConnection, key: string): Promise<Account | undefined> {
  return (await metaDb(conn).selectFrom('meta.accounts').select(COLUMNS).where('key_hash', '=', hashApiKey(key)).executeTakeFirst()) as Account | undefined;
}

/** Every account, revoked ones included, oldest first. */
export async function listAccounts(conn: DuckDBConnection): Promise<Account[]> {
  return (await metaDb(conn).selectFrom('meta.accounts').select(COLUMNS).orderBy('created_at').orderBy('account_id').execute()) as Account[];
}

/** One account by id. */
export async function findAccount(conn: DuckDBConnection, id: string): Promise<Account | undefined> {
  return (await metaDb(conn).selectFrom('meta.accounts').select(COLUMNS).where('account_id', '=', id).executeTakeFirst()) as Account | undefined;
}

/** Revokes an account: its key stops working at once; the row stays for the audit trail. */
export async function revokeAccount(conn: DuckDBConnection, id: string): Promise<void> {
  await metaDb(conn).updateTable('meta.accounts').set({ revoked_at: new Date() }).where('account_id', '=', id).where('revoked_at', 'is', null).execute();
}
