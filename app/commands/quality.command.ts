/**
 * `csdl quality [--period 2025-DN ...]`: evaluates the data-quality rules over the warehouse,
 * keeps every failing record, publishes scores, bands and ranks per unit and dimension, and
 * prints the national scores, the worst units and the rules with most failures.
 */
import type { Command } from 'commander';
import { openWarehouse } from '../../lib/warehouse.ts';
import { formatQualitySummary } from '../../pipelines/quality/index.ts';
import { runQuality } from '../../pipelines/quality/index.ts';
import { action } from '../run-action.ts';

type Options = { period?: string[] };

export function register(program: Command): void {
  program
    .command('quality')
    .description('Đánh giá chất lượng dữ liệu: kiểm tra các quy tắc, chấm điểm và xếp hạng mọi đơn vị')
    .option('--period <periods...>', 'các kỳ cần đánh giá, ví dụ 2025-DN 2025-CN (mặc định: mọi kỳ)')
    .action(
      action(async (config, opts: Options) => {
        const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
        try {
          const summary = await runQuality({ warehouse, periods: opts.period, deadlines: config, bands: config.qualityBands });
          process.stdout.write(formatQualitySummary(summary));
        } finally {
          warehouse.close();
        }
      }),
    );
}
