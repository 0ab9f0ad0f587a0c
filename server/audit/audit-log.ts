/**
 * The audit log (meta.audit_log): one row per data access or export, written after the response
 * finished, on a connection of its own, in order. It holds who (account and unit scope), what
 * (method, path, query without any key), how (format), the status and the rows returned; the
 * warehouse holds no personal data, so none can appear here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import type { Warehouse } from '../../lib/warehouse.ts';

export type AuditEntry = {
  at: Date;
  accountId: string | null;
  accountKind: string | null;
  unitKey: string | null;
  method: string;
  path: string;
  query: string | null;
  format: string | null;
  status: number;
  rows: number | null;
  ms: number;
  errorCode: string | null;
};

/** Serialises audit writes; `flush()` waits for every entry recorded so far. */
export class AuditLog {
  private chain: Promise<void> = Promise.resolve();
  private conn: Promise<DuckDBConnection>;

  constructor(warehouse: Warehouse) {
    this.conn = warehouse.connect();
  }

  /** Queues one entry; a failed write is logged, never thrown at a request. */
  record(e: AuditEntry): void {
    this.chain = this.chain.then(async () => {
      try {
        const conn = await this.conn;
        await conn.run(
          `insert into meta.audit_log values ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [e.at.toISOString(), e.accountId, e.accountKind, e.unitKey, e.method, e.path, e.query, e.format, e.status, e.rows, e.ms, e.errorCode],
        );
      } catch (err) {
        log.error('audit write failed', { path: e.path, error: (err as Error).message });
      }
    });
  }

  /** Resolves once every queued entry is written. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Flushes and closes the log's connection. */
  async close(): Promise<void> {
    await this.flush();
    (await this.conn).closeSync();
  }
}

/** The query string of a URL without secrets (`key`, `api_key`), or null when empty. */
export function auditQuery(originalUrl: string): string | null {
  const q = originalUrl.indexOf('?');
  if (q < 0) return null;
  const params = new URLSearchParams(originalUrl.slice(q + 1));
  for (const secret of ['key', 'api_key', 'apiKey']) if (params.has(secret)) params.set(secret, '[redacted]');
  const s = params.toString();
  return s === '' ? null : decodeURIComponent(s.replace(/\+/g, ' '));
}
