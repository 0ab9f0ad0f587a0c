/**
 * Access by hierarchy ("theo phạm vi phân cấp quản lý"): an account sees its own unit and
 * everything below it, nothing beside or above it. Below means, for a unit U:
 * - U's chain of parents (core.dim_units.parent_key) reaches the account's unit;
 * - or the account is a current (34-province) province and U lies in it, including the old
 *   provinces that merged into it and their districts and schools (current_province_code);
 * - or the account is a school and U is the same school in another school year.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { forbidden } from '../http-errors.ts';
import type { Account } from '../accounts/accounts.store.ts';
import { ancestorKeys, findUnit, type Unit } from '../units/units.queries.ts';

/** The account fields the scope depends on. */
export type ScopedAccount = Pick<Account, 'unit_key' | 'unit_code' | 'unit_level' | 'unit_name'>;

/** Whether `account` may read `unit` and its subtree. */
export async function canSee(conn: DuckDBConnection, account: ScopedAccount, unit: Unit): Promise<boolean> {
  if (account.unit_level === 'nation') return true;
  if (account.unit_key === unit.unit_key) return true;
  if (account.unit_level === 'school') return unit.unit_level === 'school' && unit.unit_code === account.unit_code;
  if ((await ancestorKeys(conn, unit.unit_key)).includes(account.unit_key)) return true;
  if (account.unit_level === 'province' && unit.unit_level !== 'nation' && unit.current_province_code === account.unit_code) {
    const own = await findUnit(conn, account.unit_key);
    return own !== undefined && own.valid_to === null;
  }
  return false;
}

/** Throws 403 with the reason when `account` may not read `unit`. */
export async function assertCanSee(conn: DuckDBConnection, account: ScopedAccount, unit: Unit): Promise<void> {
  if (await canSee(conn, account, unit)) return;
  throw forbidden(
    `tài khoản của ${account.unit_name ?? account.unit_code} (${account.unit_key}) chỉ xem được đơn vị mình và các đơn vị trực thuộc; ` +
      `${unit.unit_name} (${unit.unit_key}) nằm ngoài phạm vi phân cấp quản lý`,
  );
}
