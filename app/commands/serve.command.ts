/**
 * `csdl serve`: the long-running owner of the warehouse. Opens the file read-write once; the
 * HTTP API and the scheduler (ETL -> transform -> quality -> delivery) share that one DuckDB instance.
 * SIGINT / SIGTERM stop it gracefully (serve-loop.ts).
 */
import type { Command } from 'commander';
import { openWarehouse } from '../../lib/warehouse.ts';
import { JobRunner } from '../../pipelines/jobs/index.ts';
import { runSteps } from '../delivery-service.ts';
import { preflight } from '../preflight.ts';
import { serveUntilStopped } from '../serve-loop.ts';
import { action } from '../run-action.ts';

type ServeOptions = { schedule?: string; host: string; port?: string };

export function register(program: Command): void {
  program
    .command('serve')
    .description('Chạy máy chủ API và các trang báo cáo, chạy quy trình theo lịch')
    .option('--schedule <cron>', 'biểu thức cron của các lượt chạy quy trình, hoặc "off" (biến CSDL_SCHEDULE, mặc định "0 2 * * *")')
    .option('--host <host>', 'địa chỉ lắng nghe', '127.0.0.1')
    .option('--port <port>', 'cổng lắng nghe (biến PORT, mặc định 8080)')
    .action(
      action(
        async (config, opts: ServeOptions) => {
          // a warehouse another server holds is said first (exit 75), then a port another process holds (2)
          const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
          await preflight({ listen: { host: opts.host, port: config.port } }).catch((err) => {
            warehouse.close();
            throw err;
          });
          const runner = new JobRunner({
            warehouse,
            steps: runSteps(config),
            attempts: config.jobs.attempts,
            backoffMs: config.jobs.backoffMs,
            threads: config.pipelineThreads,
          });
          await runner.init();
          await serveUntilStopped({ config, warehouse, runner, host: opts.host });
        },
        (opts) => ({ PORT: { value: opts.port, option: '--port' }, CSDL_SCHEDULE: { value: opts.schedule, option: '--schedule' } }),
      ),
    );
}
