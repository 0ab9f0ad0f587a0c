/**
 * `csdl serve`: the long-running owner of the warehouse. Opens the file read-write once; the
 * HTTP API and the scheduler (ETL -> transform -> quality) share that one DuckDB instance.
 * SIGINT / SIGTERM stop it gracefully (serve-loop.ts).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { loadServerConfig } from '../../pipelines/jobs/index.ts';
import { JobRunner } from '../../pipelines/jobs/index.ts';
import { pipelineSteps } from '../../pipelines/jobs/index.ts';
import { portOption, serveUntilStopped } from '../serve-loop.ts';
import { action } from '../run-action.ts';

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
        const port = portOption(opts.port, config.port);
        if (typeof port === 'string') throw new ConfigError([port]);
        const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
        const runner = new JobRunner({ warehouse, steps: pipelineSteps(config), attempts: serverConfig.attempts, backoffMs: serverConfig.backoffMs });
        await runner.init();
        await serveUntilStopped({ config, serverConfig, warehouse, runner, host: opts.host, port });
      }),
    );
}
