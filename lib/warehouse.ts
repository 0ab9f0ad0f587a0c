/**
 * The DuckDB warehouse file. One read-write owner at a time (DuckDB's rule): the long-running
 * server, or a one-off command when no server holds it. A held lock becomes LockHeldError.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ConfigError, LockHeldError } from './errors.ts';
import { migrate } from './meta-store/index.ts';

export type Warehouse = {
  path: string;
  instance: DuckDBInstance;
  connect(): Promise<DuckDBConnection>;
  close(): void;
};

/**
 * Why this process cannot create or write the warehouse file at `path` (and the WAL beside it),
 * or null when it can. Tries for real (creates the folder, opens the file for writing, creates
 * and removes a probe file beside it), so that a read-only mount or a path through a file is
 * found as surely as a missing permission.
 *
 * @example
 *   warehouseWriteProblem('/etc/passwd/w.duckdb'); // "WAREHOUSE_PATH: không ghi được /etc/passwd/w.duckdb (ENOTDIR: ...)"
 */
export function warehouseWriteProblem(path: string): string | null {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) closeSync(openSync(path, 'r+'));
    const probe = join(dirname(path), `.csdl-write-probe-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
    return null;
  } catch (err) {
    return `WAREHOUSE_PATH: không ghi được ${path} (${(err as Error).message})`;
  }
}

/**
 * Opens (creating if needed) the warehouse file; read-only opens never create it. `settings` are
 * further DuckDB options. A read-write open brings the durable tables up to date (meta-store
 * migrations) before anything else reads them.
 */
export async function openWarehouse(
  path: string,
  opts: { readOnly?: boolean; threads?: number; memoryLimit?: string; settings?: Readonly<Record<string, string>> } = {},
): Promise<Warehouse> {
  if (!opts.readOnly) {
    const problem = warehouseWriteProblem(path);
    if (problem) throw new ConfigError([problem]);
  }
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
