/**
 * A real PostgreSQL for tests: an embedded server in a fresh temporary directory on a free port,
 * with the sample CSDL's schema applied. Each test file gets its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbedded, type Source } from '../../lib/source.ts';
import { applySourceSchema } from '../../sample/source/apply-schema.ts';

export type TestSource = Source & { dir: string; query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts an embedded PostgreSQL; `schema: false` leaves the database empty. */
export async function startTestSource(opts: { schema?: boolean } = {}): Promise<TestSource> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-test-pg-'));
  const source = await startEmbedded(join(dir, 'pg'), await freePort());
  const pool = new pg.Pool({ connectionString: source.url, max: 4 });
  pool.on('error', () => {}); // idle clients get FATAL 57P01 when close() stops the server; not a test failure
  if (opts.schema !== false) {
    const client = await pool.connect();
    try {
      await applySourceSchema(client);
    } finally {
      client.release();
    }
  }
  return {
    ...source,
    dir,
    query: (sql, params) => pool.query(sql, params as unknown[]),
    close: async () => {
      await pool.end();
      await source.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
