/**
 * The demo key of `csdl run`: a nation-level admin key kept in a 0600 file beside the warehouse
 * (`<warehouse>.demo-key`), so that a restart of the same demo warehouse prints the same key and a
 * bookmarked dashboard link keeps working. The warehouse still stores only the key's hash; the
 * file is reused only while that hash names the active demo account, otherwise a new key replaces
 * it and earlier demo keys are revoked.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Warehouse } from '../lib/warehouse.ts';
import { createAccount, findAccountByKey, listAccounts, revokeAccount } from '../server/accounts/accounts.store.ts';

export const DEMO_ACCOUNT = 'Tài khoản demo (csdl run)';

/** Where the demo key of a warehouse is kept. */
export function demoKeyPath(warehousePath: string): string {
  return `${warehousePath}.demo-key`;
}

function readKey(file: string): string | null {
  if (!existsSync(file)) return null;
  const key = readFileSync(file, 'utf8').trim();
  return /^csdl_[A-Za-z0-9_-]{20,}$/.test(key) ? key : null;
}

function writeKey(file: string, key: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${key}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

/**
 * The demo key: the one kept beside the warehouse while it still names the active demo account,
 * otherwise a new one (written there). Every other demo account is revoked.
 */
export async function demoKey(warehouse: Warehouse, warehousePath: string): Promise<{ key: string; reused: boolean }> {
  const file = demoKeyPath(warehousePath);
  const conn = await warehouse.connect();
  try {
    const kept = readKey(file);
    const account = kept ? await findAccountByKey(conn, kept) : undefined;
    const valid = account && !account.revoked_at && account.name === DEMO_ACCOUNT && account.kind === 'admin' && account.unit_key === 'N:VN';
    const key = valid ? kept! : (await createAccount(conn, { unit: 'VN', kind: 'admin', name: DEMO_ACCOUNT, createdBy: 'csdl run' })).key;
    const keep = valid ? account.account_id : (await findAccountByKey(conn, key))!.account_id;
    for (const a of await listAccounts(conn)) if (a.name === DEMO_ACCOUNT && !a.revoked_at && a.account_id !== keep) await revokeAccount(conn, a.account_id);
    if (valid) chmodSync(file, 0o600);
    else writeKey(file, key);
    return { key, reused: Boolean(valid) };
  } finally {
    conn.closeSync();
  }
}
