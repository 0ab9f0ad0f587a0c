/**
 * `csdl status`: the last ETL runs (status, duration, rows) and the freshness of every warehouse
 * table (last successful run, source watermark, rows, age). Opens the warehouse read-only; when
 * `csdl serve` holds it, reads the same through the server's GET /api/admin/status with the
 * admin key in CSDL_API_KEY. A run whose process stopped before it finished shows as interrupted.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { hasRunRecords, lastRuns, tableFreshness, type RunStatus, type TableFreshness } from '../../lib/meta-store/index.ts';
import { formatStatus } from '../../pipelines/ingest/index.ts';
import { countOption } from '../options.ts';
import { action } from '../run-action.ts';
import { onWarehouseOrServer, type ServerOption } from '../warehouse-or-server.ts';

type Report = { runs: RunStatus[]; tables: TableFreshness[] };

export function register(program: Command): void {
  program
    .command('status')
    .description('Trạng thái kho dữ liệu: các lần nạp gần nhất và độ mới của từng bảng')
    .option('-n, --runs <count>', 'số lần nạp gần nhất cần liệt kê (1-100)', countOption(100), 10)
    .option('--server <url>', 'địa chỉ máy chủ khi `csdl serve` đang giữ kho dữ liệu')
    .action(
      action(async (config, opts: { runs: number } & ServerOption) => {
        if (!existsSync(config.warehousePath)) {
          process.stdout.write(`Chưa có kho dữ liệu tại ${config.warehousePath}: hãy chạy \`csdl etl\` để tạo và nạp.\n`);
          return;
        }
        const count = opts.runs;
        let through: string | undefined;
        const report = await onWarehouseOrServer<Report>(
          config,
          opts,
          { readOnly: true },
          async (conn) => ((await hasRunRecords(conn)) ? { runs: await lastRuns(conn, count), tables: await tableFreshness(conn) } : { runs: [], tables: [] }),
          (api, base) => {
            through = base;
            return api<Report>(`/api/admin/status?runs=${count}`);
          },
        );
        if (through) process.stdout.write(`(đọc qua máy chủ ${through}, nơi đang giữ kho dữ liệu)\n\n`);
        process.stdout.write(formatStatus(report.runs, report.tables));
      }),
    );
}
