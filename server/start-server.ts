/**
 * Starts the HTTP server on an open warehouse (whose durable tables the meta store brought up to
 * date when it was opened): creates the connection pool, the audit log and the app, and listens. `close()` stops accepting requests, lets in-flight ones finish and
 * flushes the audit log; the warehouse stays open for its owner to close.
 */
import type { Warehouse } from '../lib/warehouse.ts';
import type { ReportsService, DeliveryService, RunTrigger } from './app-context.ts';
import { createApp } from './app.ts';
import { CacheWarmer } from './cache/warm-up.ts';
import { AuditLog } from './audit/audit-log.ts';
import { ConnectionPool, type PoolOptions } from './db/connection-pool.ts';
import { listen } from './http-server.ts';

/** The pool's size when the caller sets none: the configuration's defaults. */
export const DEFAULT_POOL: PoolOptions = { size: 8, queueTimeoutMs: 10_000, maxQueue: 512 };

/** The response cache's bound when the caller sets none: the configuration's default (64 MiB). */
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export type RunningServer = {
  url: string;
  port: number;
  audit: AuditLog;
  /** Warms the public answers of the current data version (cache/warm-up.ts); resolves when done. */
  warm(): Promise<void>;
  close(): Promise<void>;
};

/** The server's own address, for its warm-up: a wildcard host is reached on the loopback. */
function selfUrl(host: string | undefined, port: number): string {
  const h = !host || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Listens on `port` (0 for any free port) at `host`. */
export async function startServer(opts: {
  warehouse: Warehouse;
  port: number;
  host?: string;
  triggerRun?: RunTrigger;
  reports?: ReportsService;
  deliveries?: DeliveryService;
  pool?: PoolOptions;
  cacheBytes?: number;
  /** The time bound of a warm-up of the public answers, at start-up and on `warm()` (0 or absent: none). */
  warmSeconds?: number;
}): Promise<RunningServer> {
  const audit = new AuditLog(opts.warehouse);
  const pool = new ConnectionPool(opts.warehouse, opts.pool ?? DEFAULT_POOL);
  const cacheBytes = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
  const warmer = new CacheWarmer(cacheBytes > 0 ? (opts.warmSeconds ?? 0) * 1000 : 0);
  const http = await listen(
    createApp({
      warehouse: opts.warehouse,
      pool,
      audit,
      triggerRun: opts.triggerRun,
      reports: opts.reports,
      deliveries: opts.deliveries,
      cacheBytes,
      warmToken: warmer.token,
      warmUp: () => warmer.status(),
    }),
    opts.port,
    opts.host,
  );
  warmer.at(selfUrl(opts.host, http.port));
  void warmer.warm();
  return {
    url: http.url,
    port: http.port,
    audit,
    warm: () => warmer.warm(),
    async close() {
      await warmer.stop();
      await http.close();
      await pool.close();
      await audit.close();
    },
  };
}
