/**
 * The DuckDB warehouse file. One read-write owner at a time (DuckDB's rule): the long-running
 * server, or a one-off command when no server holds it. A held lock becomes LockHeldError.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LockHeldError } from './errors.ts';
import { migrate } from './meta-store/index.ts';

export type Warehouse = {
  path: string;
  instance: DuckDBInstance;
  connect(): Promise<DuckDBConnection>;
  close(): void;
};

/**
 * Opens (creating if needed) the warehouse file; read-only opens never create it. `settings` are
 * further DuckDB options. A read-write open brings the durable tables up to date (meta-store
 * migrations) before anything else reads them.
 */
export async function openWarehouse(
  path: string,
  opts: { readOnly?: boolean; threads?: number; memoryLimit?: string; settings?: Readonly<Record<string, string>> } = {},
): Promise<Warehouse> {
  if (!opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  const options: Record<string, string> = { ...opts.settings };
  if (opts.readOnly) options.access_mode = 'READ_ONLY';
  if (opts.threads) options.threads = String(opts.threads);
  options.memory_limit = opts.memoryLimit ?? '4GB';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, options);
  } catch (err) {
    const message = (err as Error).message;
    if (/lock/i.test(message)) throw new LockHeldError(path, err);
    throw err;
  }
  if (!opts.readOnly) {
    const conn = await instance.connect();
    try {
      await migrate(conn);
    } catch (err) {
      conn.closeSync();
      instance.closeSync();
      throw err;
    }
    conn.closeSync();
  }
  return {
    path,
    instance,
    connect: () => instance.connect(),
    close: () => instance.closeSync(),
  };
}

/**
 * Runs `fn` in one transaction on `conn`: COMMIT when it resolves, ROLLBACK (whose own failure is
 * ignored, so the first error is the one thrown) when it or the COMMIT throws.
 */
export async function inTransaction<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await conn.run('begin transaction');
  try {
    const result = await fn();
    await conn.run('commit');
    return result;
  } catch (err) {
    await conn.run('rollback').catch(() => {});
    throw err;
  }
}

/** Runs a query and returns its rows as plain objects (BIGINT as JS number when safe). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string, params?: unknown[]): Promise<T[]> {
  const reader = params ? await conn.runAndReadAll(sql, params as never) : await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as T[];
}

/** Quotes an SQL identifier for DuckDB/PostgreSQL. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Quotes an SQL string literal. */
export function literal(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}
