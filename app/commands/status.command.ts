/**
 * `csdl status`: the last ETL runs (status, duration, rows) and the freshness of every warehouse
 * table (last successful run, source watermark, rows, age). Opens the warehouse read-only.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openWarehouse } from '../../lib/warehouse.ts';
import { formatStatus } from '../../pipelines/ingest/index.ts';
import { hasRunRecords, lastRuns, tableFreshness } from '../../pipelines/ingest/index.ts';
import { countOption } from '../options.ts';
import { action } from '../run-action.ts';

export function register(program: Command): void {
  program
    .command('status')
    .description('Trạng thái kho dữ liệu — last ETL runs and the freshness of each table')
    .option('-n, --runs <count>', 'how many recent runs to list (1-1000)', countOption(1000), 10)
    .action(
      action(async (config, opts: { runs: number }) => {
        if (!existsSync(config.warehousePath)) {
          process.stdout.write(`No warehouse at ${config.warehousePath} yet: run \`csdl etl\` to create and load it.\n`);
          return;
        }
        const warehouse = await openWarehouse(config.warehousePath, { readOnly: true, memoryLimit: '256MB' });
        try {
          const conn = await warehouse.connect();
          try {
            if (!(await hasRunRecords(conn))) {
              process.stdout.write(formatStatus([], []));
              return;
            }
            const runs = await lastRuns(conn, opts.runs);
            process.stdout.write(formatStatus(runs, await tableFreshness(conn)));
          } finally {
            conn.closeSync();
          }
        } finally {
          warehouse.close();
        }
      }),
    );
}
