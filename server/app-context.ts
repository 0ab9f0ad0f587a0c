/**
 * What the routes share: the one warehouse instance, the audit log, the job runner, and the
 * per-request state kept on `res.locals` (the connection and the authenticated account).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Response } from 'express';
import type { Consumer } from '../lib/meta-store/index.ts';
import type { Warehouse } from '../lib/warehouse.ts';
import type { Account } from './accounts/accounts.store.ts';
import type { AuditLog } from './audit/audit-log.ts';
import type { ConnectionPool } from './db/connection-pool.ts';

/** Starts a pipeline run on request (POST /api/admin/runs); provided by the scheduler. */
export type RunTrigger = (requestedBy: string) => Promise<{ runId: string; status: string }>;

/** Who acts on an approval: the authenticated account. */
export type ReportsActor = Pick<Account, 'account_id' | 'name' | 'kind' | 'unit_key' | 'unit_code' | 'unit_level'>;

/** A written export package: its folder and manifest (pipelines/export). */
export type ExportedPackage = {
  dir: string;
  reused: boolean;
  manifest: { package_id: string; files: Array<{ name: string; dataset: string; format: string; rows: number; bytes: number; sha256: string }> } & Record<
    string,
    unknown
  >;
};

/**
 * Sign-off and export packages (pipelines/approval, pipelines/export), provided by the entry point
 * that wires the server to the pipelines; the routes under /api/approvals and /api/exports use it.
 */
export type ReportsService = {
  approve(conn: DuckDBConnection, req: { period: string; unit: string; actor: ReportsActor; comment?: string | null }): Promise<object>;
  unapprove(conn: DuckDBConnection, req: { period: string; unit: string; actor: ReportsActor; comment?: string | null }): Promise<object>;
  setNotReporting(
    conn: DuckDBConnection,
    req: { period: string; unit: string; actor: ReportsActor; comment?: string | null; notReporting: boolean },
  ): Promise<object>;
  overview(
    conn: DuckDBConnection,
    req: { period: string; provinceKeys?: string[] },
  ): Promise<{ nation: object; provinces: Array<{ unit_key: string }> } & object>;
  diff(conn: DuckDBConnection, req: { period: string; unit: string; limit?: number }): Promise<object>;
  history(conn: DuckDBConnection, req: { period?: string; unitKeys?: string[] }): Promise<object[]>;
  exportPackage(
    conn: DuckDBConnection,
    req: { period: string; unit: string; recipient: 'ministry' | 'hierarchy' | 'outside'; csvHeaders: 'en' | 'vi'; requestedBy: string; via: 'api' },
  ): Promise<ExportedPackage>;
};

/** A package a pull consumer may take (pipelines/delivery). */
export type PullableRef = { versionId: string; period: string; unitKey: string; provisional: boolean };

/**
 * The registry of reporting systems and their deliveries (pipelines/delivery), provided by the
 * entry point; the routes under /api/admin/consumers and /api/deliveries use it.
 */
export type DeliveryService = {
  register(conn: DuckDBConnection, body: unknown, requestedBy: string): Promise<Consumer>;
  approve(conn: DuckDBConnection, id: string, req: { actor: ReportsActor; until: string; comment?: string | null }): Promise<Consumer>;
  suspend(conn: DuckDBConnection, id: string, req: { actor: ReportsActor; reason?: string | null }): Promise<Consumer>;
  /** Sends what the consumer has not received, now. */
  deliverNow(conn: DuckDBConnection, id: string, requestedBy: string): Promise<object[]>;
  pullList(conn: DuckDBConnection, consumer: Consumer): Promise<PullableRef[]>;
  pullPackage(conn: DuckDBConnection, consumer: Consumer, versionId: string, requestedBy: string): Promise<{ packageId: string; zip: Buffer; rows: number }>;
};

export type AppContext = {
  warehouse: Warehouse;
  /** The bounded pool every /api request but health leases its connection from. */
  pool: ConnectionPool;
  audit: AuditLog;
  /** Absent when the server runs without a scheduler (tests of the read API). */
  triggerRun?: RunTrigger;
  /** Absent when the server runs without the reporting stages (tests of the read API). */
  reports?: ReportsService;
  /** Absent when the server runs without the delivery stage (tests of the read API). */
  deliveries?: DeliveryService;
  /** Bytes of answers the response cache keeps (CSDL_API_CACHE_MB); 0 or absent keeps none, ETags still apply. */
  cacheBytes?: number;
  /** The secret the server's own warm-up sends (X-CSDL-Warm-Up), so that its audit rows say so. */
  warmToken?: string;
  /** Whether the warm-up of the public answers runs, and how the last one ended (for /api/health). */
  warmUp?: () => unknown;
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
