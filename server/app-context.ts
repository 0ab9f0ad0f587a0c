/**
 * What the routes share: the one warehouse instance, the audit log, the job runner, and the
 * per-request state kept on `res.locals` (the connection and the authenticated account).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Response } from 'express';
import type { Warehouse } from '../lib/warehouse.ts';
import type { Account } from './accounts/accounts.store.ts';
import type { AuditLog } from './audit/audit-log.ts';
import type { ConnectionPool } from './db/connection-pool.ts';

/** Starts a pipeline run on request (POST /api/admin/runs); provided by the scheduler. */
export type RunTrigger = (requestedBy: string) => Promise<{ runId: string; status: string }>;

export type AppContext = {
  warehouse: Warehouse;
  /** The bounded pool every /api request but health leases its connection from. */
  pool: ConnectionPool;
  audit: AuditLog;
  /** Absent when the server runs without a scheduler (tests of the read API). */
  triggerRun?: RunTrigger;
};

/** The request's warehouse connection (opened by the connection middleware). */
export function connOf(res: Response): DuckDBConnection {
  return res.locals.conn as DuckDBConnection;
}

/** The authenticated account (set by the auth middleware on every non-public route). */
export function accountOf(res: Response): Account {
  return res.locals.account as Account;
}

/** Tells the audit log how many rows a response carried. */
export function countRows(res: Response, rows: number): void {
  res.locals.rows = rows;
}
