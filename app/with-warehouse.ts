/**
 * Runs a one-off command on the warehouse file, or through the running server's API when
 * `csdl serve` holds the file (DuckDB allows one writer): the key in CSDL_API_KEY then says who
 * asks, and `--server` (default http://127.0.0.1:PORT) where.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../lib/config.ts';
import { CsdlError, LockHeldError } from '../lib/errors.ts';
import { openWarehouse } from '../lib/warehouse.ts';

export type Via = { server?: string };

/** Runs `local` on the warehouse file, or `remote` through the server when the file is held. */
export async function withWarehouse<T>(
  config: Config,
  via: Via,
  local: (conn: DuckDBConnection) => Promise<T>,
  remote: (base: string, key: string) => Promise<T>,
): Promise<T> {
  let warehouse;
  try {
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    const key = process.env.CSDL_API_KEY;
    if (!key) {
      throw new CsdlError(
        'WAREHOUSE_LOCKED',
        `Không mở được ${config.warehousePath}: \`csdl serve\` (hoặc tiến trình khác) đang giữ kho. ` +
          'Đặt CSDL_API_KEY là khóa của một tài khoản để đi qua máy chủ (--server, mặc định http://127.0.0.1:PORT), hoặc dừng máy chủ trước.',
        { transient: true },
      );
    }
    return remote(via.server ?? `http://127.0.0.1:${config.port}`, key);
  }
  try {
    const conn = await warehouse.connect();
    try {
      return await local(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    warehouse.close();
  }
}

/** Calls the server's API with the key; an error answer becomes a CsdlError with its code and message. */
export async function api<T>(base: string, key: string, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(base + path, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new CsdlError(body.error?.code ?? 'HTTP_' + res.status, `${base}${path}: ${body.error?.message ?? res.statusText}`);
  return body;
}
