/**
 * A real HTTP server on an ephemeral port over a real DuckDB file (hand-built fixture marts),
 * with one account per role the tests need. `get` sends a key and returns status and body.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openWarehouse, type Warehouse } from '../../../lib/warehouse.ts';
import { createAccount } from '../../../server/accounts/accounts.store.ts';
import { createApp } from '../../../server/app.ts';
import type { RunTrigger } from '../../../server/app-context.ts';
import { AuditLog } from '../../../server/audit/audit-log.ts';
import { ConnectionPool } from '../../../server/db/connection-pool.ts';
import { startAbortNoise } from './abort-noise.ts';
import { listen, type Listening } from '../../../server/http-server.ts';

export type Keys = Record<'nationAdmin' | 'province48' | 'province01' | 'communeAdmin' | 'school1' | 'revoked', string>;

export type TestServer = {
  url: string;
  keys: Keys;
  warehouse: Warehouse;
  audit: AuditLog;
  pool: ConnectionPool;
  conn: DuckDBConnection;
  get(path: string, key?: string): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  close(): Promise<void>;
};

/** Builds the warehouse with `fill`, creates the accounts and starts the server. */
export async function startTestServer(
  fill: (conn: DuckDBConnection) => Promise<void>,
  opts: { triggerRun?: RunTrigger; noise?: boolean } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-server-test-'));
  const warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'), { memoryLimit: '512MB' });
  const conn = await warehouse.connect();
  await fill(conn);
  const make = async (unit: string, kind: 'admin' | 'exploit', name: string) => (await createAccount(conn, { unit, kind, name })).key;
  const keys: Keys = {
    nationAdmin: await make('N:VN', 'admin', 'Cục CNTT'),
    province48: await make('48', 'exploit', 'Sở GDĐT Đà Nẵng'),
    province01: await make('P:01@2025', 'exploit', 'Sở GDĐT Hà Nội'),
    communeAdmin: await make('C:20194@2025', 'admin', 'Phường Hải Châu'),
    school1: await make('S:T1@2025', 'exploit', 'Trường Lê Lợi'),
    revoked: await make('48', 'exploit', 'Đã thu hồi'),
  };
  await conn.run(`update meta.accounts set revoked_at = current_timestamp where name = 'Đã thu hồi'`);
  const audit = new AuditLog(warehouse);
  const pool = new ConnectionPool(warehouse, { size: 4, queueTimeoutMs: 10_000, maxQueue: 512 });
  const http: Listening = await listen(createApp({ warehouse, pool, audit, triggerRun: opts.triggerRun }), 0);
  // every server suite runs with clients hanging up at random moments beside its own requests
  const noise = opts.noise === false ? { stop: async () => 0 } : startAbortNoise(http.url, [keys.nationAdmin, keys.province48, keys.school1]);
  return {
    url: http.url,
    keys,
    warehouse,
    audit,
    pool,
    conn,
    async get(path, key) {
      const res = await fetch(http.url + path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // CSV and other non-JSON bodies stay text
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    async close() {
      await noise.stop();
      await http.close();
      await pool.close();
      await audit.close();
      conn.closeSync();
      warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
