/**
 * The demo key of `csdl run` survives a restart of the same warehouse (a bookmarked link keeps
 * working), lives in a 0600 file beside it, and is replaced, with the old demo accounts revoked,
 * once it no longer names the active demo account. Real DuckDB files, closed and reopened as a
 * restart does.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../lib/warehouse.ts';
import { DEMO_ACCOUNT, demoKey, demoKeyPath } from '../../app/demo-key.ts';
import { findAccountByKey, listAccounts, revokeAccount } from '../../server/accounts/accounts.store.ts';

const dir = mkdtempSync(join(tmpdir(), 'csdl-demo-key-'));
const path = join(dir, 'warehouse.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the warehouse as `csdl run` does, runs `fn`, closes it (a restart between calls). */
async function withWarehouse<T>(fn: (w: Awaited<ReturnType<typeof openWarehouse>>) => Promise<T>): Promise<T> {
  const w = await openWarehouse(path, { memoryLimit: '256MB' });
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}

async function activeDemoAccounts() {
  return withWarehouse(async (w) => {
    const conn = await w.connect();
    try {
      return (await listAccounts(conn)).filter((a) => a.name === DEMO_ACCOUNT && !a.revoked_at);
    } finally {
      conn.closeSync();
    }
  });
}

describe('the demo key of csdl run', () => {
  it('is the same key after a restart, kept in a 0600 file, with one active demo account', async () => {
    const first = await withWarehouse((w) => demoKey(w, path));
    expect(first.reused).toBe(false);
    expect(first.key).toMatch(/^csdl_/);
    expect(statSync(demoKeyPath(path)).mode & 0o777).toBe(0o600);
    expect(readFileSync(demoKeyPath(path), 'utf8').trim()).toBe(first.key);
    const second = await withWarehouse((w) => demoKey(w, path));
    expect(second).toEqual({ key: first.key, reused: true });
    const active = await activeDemoAccounts();
    expect(active).toHaveLength(1);
    // the warehouse keeps the hash only: the key text is nowhere in meta.accounts
    const dump = await withWarehouse(async (w) => {
      const conn = await w.connect();
      try {
        return JSON.stringify((await conn.runAndReadAll('select * from meta.accounts')).getRowObjectsJson());
      } finally {
        conn.closeSync();
      }
    });
    expect(dump).not.toContain(first.key);
  });

  it('replaces a key whose account was revoked, and one the file no longer holds', async () => {
    const before = readFileSync(demoKeyPath(path), 'utf8').trim();
    await withWarehouse(async (w) => {
      const conn = await w.connect();
      try {
        await revokeAccount(conn, (await findAccountByKey(conn, before))!.account_id);
      } finally {
        conn.closeSync();
      }
    });
    const renewed = await withWarehouse((w) => demoKey(w, path));
    expect(renewed.reused).toBe(false);
    expect(renewed.key).not.toBe(before);
    expect(readFileSync(demoKeyPath(path), 'utf8').trim()).toBe(renewed.key);

    writeFileSync(demoKeyPath(path), 'not a key\n', { mode: 0o644 });
    const again = await withWarehouse((w) => demoKey(w, path));
    expect(again.reused).toBe(false);
    expect(again.key).not.toBe(renewed.key);
    expect(statSync(demoKeyPath(path)).mode & 0o777).toBe(0o600);
    // the key the file lost is revoked: only the new one works
    const active = await activeDemoAccounts();
    expect(active.map((a) => a.key_prefix)).toEqual([again.key.slice(0, 12)]);
  });
});
