/**
 * One consistent, read-only view of the source for a whole run. A coordinator connection opens a
 * REPEATABLE READ READ ONLY transaction and exports its snapshot; every worker connection imports
 * it, so all reads of the run (schema check, key lists, rows, reconciliation figures) see exactly
 * the same committed state, whatever commits meanwhile. Every session is also read-only by
 * default (`default_transaction_read_only`): the project never writes to the source.
 */
import pg from 'pg';
import { redactUrl } from '../../../lib/source.ts';
import { SourceUnavailableError } from '../../../lib/errors.ts';
import { literal } from '../../../lib/warehouse.ts';

/** The open snapshot: one coordinator and N workers inside the same exported snapshot. */
export type SourceSnapshot = {
  snapshotId: string;
  /**
   * The snapshot's transaction horizon as 64-bit transaction ids (decimal): every transaction
   * below `xmin` had finished when it was taken, and none at or above `xmax` had started. The next
   * incremental run reads only rows written by transactions at or above this run's `xmin`
   * (changes/xmin-diff.ts).
   */
  xmin: string;
  xmax: string;
  coordinator: pg.Client;
  workers: pg.Client[];
  /**
   * Closes every connection, which ends its read-only transaction (nothing to commit). A COPY still
   * running is cut off, so a failed run stops reading at once.
   */
  close(): Promise<void>;
};

/** Session settings: read-only, and output formats that DuckDB parses exactly (UTC, ISO dates). */
export const SESSION_SETTINGS = [
  'set default_transaction_read_only = on',
  "set timezone = 'UTC'",
  "set datestyle = 'ISO, YMD'",
  "set client_encoding = 'UTF8'",
  'set extra_float_digits = 3',
  'set standard_conforming_strings = on',
  'set statement_timeout = 0',
  'set idle_in_transaction_session_timeout = 0',
];

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
// admin shutdown, crash shutdown, cannot connect now, connection exceptions, recovery conflict
const PG_TRANSIENT = /^(57P0[123]|08...|40001|53300)$/;

/**
 * Turns a connection-level failure into SourceUnavailableError (transient); other errors pass.
 * `what` says what was being done, in Vietnamese, e.g. "mở ảnh chụp nguồn (snapshot)".
 */
export function asSourceError(err: unknown, url: string, what: string): unknown {
  if (err instanceof SourceUnavailableError) return err;
  const code = (err as { code?: string } | null)?.code ?? '';
  const message = (err as Error | null)?.message ?? String(err);
  if (CONNECTION_CODES.has(code) || PG_TRANSIENT.test(code) || /Connection terminated|connection timeout/i.test(message)) {
    return new SourceUnavailableError(
      `Cơ sở dữ liệu nguồn ${redactUrl(url)} bị lỗi khi ${what}: ${message}. Lần chạy không thay đổi gì trong kho dữ liệu; hãy chạy lại khi nguồn hoạt động trở lại.`,
      err,
    );
  }
  return err;
}

async function connect(url: string, runId: string, errors: Error[]): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000, application_name: `csdl-etl ${runId}` });
  // A server-side disconnect of an idle client is reported here; the next query then fails too.
  client.on('error', (err) => errors.push(err));
  try {
    await client.connect();
  } catch (err) {
    throw new SourceUnavailableError(
      `Không kết nối được cơ sở dữ liệu nguồn ${redactUrl(url)}: ${(err as Error).message}. Hãy kiểm tra CSDL_DATABASE_URL và máy chủ nguồn có nhận kết nối không, rồi chạy lại.`,
      err,
    );
  }
  for (const s of SESSION_SETTINGS) await client.query(s);
  return client;
}

/**
 * Opens the coordinator and `workers` worker connections inside one exported snapshot.
 *
 * @example
 *   const snap = await openSnapshot(url, 2, runId);
 *   try { await snap.workers[0].query('select count(*) from csdl.hoc_sinh') } finally { await snap.close() }
 */
export async function openSnapshot(url: string, workers: number, runId: string): Promise<SourceSnapshot> {
  const errors: Error[] = [];
  const clients: pg.Client[] = [];
  const close = async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  };
  try {
    const coordinator = await connect(url, runId, errors);
    clients.push(coordinator);
    await coordinator.query('begin isolation level repeatable read, read only');
    const { rows } = await coordinator.query<{ id: string }>('select pg_export_snapshot() as id');
    const snapshotId = rows[0].id;
    const horizon = await coordinator.query<{ xmin: string; xmax: string }>(
      'select txid_snapshot_xmin(s)::text as xmin, txid_snapshot_xmax(s)::text as xmax from txid_current_snapshot() as s',
    );
    const { xmin, xmax } = horizon.rows[0];
    const pool: pg.Client[] = [];
    for (let i = 0; i < workers; i++) {
      const w = await connect(url, runId, errors);
      clients.push(w);
      await w.query('begin isolation level repeatable read, read only');
      await w.query(`set transaction snapshot ${literal(snapshotId)}`);
      pool.push(w);
    }
    return { snapshotId, xmin, xmax, coordinator, workers: pool, close };
  } catch (err) {
    await close();
    throw asSourceError(err, url, 'mở ảnh chụp nguồn (snapshot)');
  }
}
