/**
 * For one-off commands that read or change the warehouse while `csdl serve` may hold it: DuckDB
 * lets one process open the file for writing, or several for reading, never both. The command
 * opens the file itself when it can; when a server holds it, it goes through that server's admin
 * API with the key in CSDL_API_KEY, or says what to do.
 *
 * @example
 *   const rows = await onWarehouseOrServer(config, opts, { readOnly: true }, listThings, (api) => api('/api/admin/things'));
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../lib/config.ts';
import { CsdlError, LockHeldError } from '../lib/errors.ts';
import { openWarehouse } from '../lib/warehouse.ts';

/** The `--server <url>` option of such commands. */
export type ServerOption = { server?: string };

/** A call to the server's API: path (with query), request options; resolves with the JSON body. */
export type AdminApi = <T>(path: string, init?: RequestInit) => Promise<T>;

/** Runs `local` on the warehouse file, or `remote` through the server when another process holds the file. */
export async function onWarehouseOrServer<T>(
  config: Config,
  via: ServerOption,
  open: { readOnly: boolean },
  local: (conn: DuckDBConnection) => Promise<T>,
  remote: (api: AdminApi, base: string) => Promise<T>,
): Promise<T> {
  let warehouse;
  try {
    warehouse = await openWarehouse(config.warehousePath, { readOnly: open.readOnly, memoryLimit: '256MB' });
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    const key = process.env.CSDL_API_KEY;
    if (!key) {
      throw new CsdlError(
        'WAREHOUSE_LOCKED',
        `Không mở được ${config.warehousePath}: \`csdl serve\` (hoặc tiến trình khác) đang giữ kho. ` +
          'Đặt CSDL_API_KEY là khóa quản trị để đi qua API quản trị của máy chủ (--server, mặc định http://127.0.0.1:PORT), hoặc dừng máy chủ trước.',
        { transient: true },
      );
    }
    const base = via.server ?? `http://127.0.0.1:${config.port}`;
    return remote((path, init) => callApi(base, key, path, init), base);
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

async function callApi<T>(base: string, key: string, path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(base + path, { ...init, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  } catch (err) {
    throw new CsdlError(
      'SERVER_UNREACHABLE',
      `Không kết nối được máy chủ ${base} (${(err as Error).message}); một tiến trình khác đang giữ kho dữ liệu. Hãy cho địa chỉ máy chủ bằng --server.`,
      { transient: true },
    );
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new CsdlError(body.error?.code ?? 'HTTP_' + res.status, `${base}${path}: ${body.error?.message ?? res.statusText}`);
  return body;
}
