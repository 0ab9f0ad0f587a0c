/**
 * The audit log (meta.audit_log): one row per data access or export. A response that carries data
 * is held back until its row is committed (see audit.middleware.ts), so a crash can lose an
 * unanswered request but never leave an answered one unaudited. Rows are written in batches: every
 * entry that arrives while a batch commits joins the next one, so many concurrent requests share
 * one insert. It holds who (account and unit scope), what (method, path, query without any
 * credential), how (format), the status and the rows returned; the warehouse holds no personal
 * data, so none can appear here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import { metaDb } from '../../lib/meta-store/index.ts';
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
  /** What an admin action did, as JSON text (e.g. the unit and kind of an account it created). */
  detail?: string | null;
};

type Queued = { entry: AuditEntry; done: (err?: Error) => void };

/** Entries written by one insert at most (thirteen parameters each). */
const MAX_BATCH = 500;

/** Batches audit writes on a connection of its own; see the module comment. */
export class AuditLog {
  private queue: Queued[] = [];
  private writing: Promise<void> | null = null;
  private conn: Promise<DuckDBConnection>;
  /** Entries committed and batches written since the start (for benchmarks and health). */
  readonly counters = { entries: 0, batches: 0, failures: 0 };

  constructor(warehouse: Warehouse) {
    this.conn = warehouse.connect();
  }

  /** Queues one entry and resolves once it is committed; rejects when the write failed. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.writing) this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch.map((q) => q.entry));
        this.counters.entries += batch.length;
        this.counters.batches++;
        for (const q of batch) q.done();
      } catch (err) {
        this.counters.failures++;
        log.error('audit write failed', { entries: batch.length, error: (err as Error).message });
        for (const q of batch) q.done(err as Error);
      }
    }
    this.writing = null;
  }

  private async write(entries: AuditEntry[]): Promise<void> {
    await metaDb(await this.conn)
      .insertInto('meta.audit_log')
      .values(
        entries.map((e) => ({
          accessed_at: e.at,
          account_id: e.accountId,
          account_kind: e.accountKind,
          unit_key: e.unitKey,
          method: e.method,
          path: e.path,
          query: e.query,
          format: e.format,
          status: e.status,
          rows_returned: e.rows,
          ms: e.ms,
          error_code: e.errorCode,
          detail: e.detail ?? null,
        })),
      )
      .execute();
  }

  /** Resolves once every entry queued so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Flushes and closes the log's connection. */
  async close(): Promise<void> {
    await this.flush();
    (await this.conn).closeSync();
  }
}

/** A query parameter whose name looks like a credential (key, token, secret, password...). */
export function isCredentialName(name: string): boolean {
  return /(^|[^a-z])(key|token|secret|password|passwd|pwd|auth|authorization|signature|sig|credential)s?([^a-z]|$)|apikey|accesstoken|api_?key|access_?token/i.test(
    name,
  );
}

/** The query string of a URL with every credential-like parameter redacted, or null when empty. */
export function auditQuery(originalUrl: string): string | null {
  const q = originalUrl.indexOf('?');
  if (q < 0) return null;
  const params = new URLSearchParams(originalUrl.slice(q + 1));
  for (const name of new Set(params.keys())) if (isCredentialName(name)) params.set(name, '[redacted]');
  const s = params.toString();
  if (s === '') return null;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
