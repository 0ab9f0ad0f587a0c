/**
 * Whether a connection's open transaction can still do anything. A statement that fails while it
 * executes (not while it binds) aborts DuckDB's transaction: every later statement but ROLLBACK
 * is refused, and a COMMIT rolls back without an error.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** True when the transaction open on `conn` was aborted (or the connection cannot run at all). */
export async function transactionAborted(conn: DuckDBConnection): Promise<boolean> {
  try {
    await conn.run('select 1');
    return false;
  } catch {
    return true;
  }
}
