/**
 * `csdl transform [--select ...] [--provinces ...] [--population file.csv]`: builds the SQL models
 * (staging, core, indicators by default) in dependency order, runs their sidecar tests and prints
 * models, rows, seconds and the tests passed and failed. Exit code 1 when a model or test failed.
 */
import type { Command } from 'commander';
import { openWarehouse } from '../../lib/warehouse.ts';
import { formatTransformSummary } from '../../pipelines/transform/index.ts';
import { runTransform } from '../../pipelines/transform/index.ts';
import { publishIndicatorDecisions } from '../../server/suppression/publish-decisions.ts';
import { action } from '../run-action.ts';

type Options = { select?: string[]; provinces?: string[]; population?: string };

/** Adds `csdl transform` to the program. */
export function register(program: Command): void {
  program
    .command('transform')
    .description('Tính các mô hình và chỉ tiêu, chạy các kiểm thử của chúng')
    .option('--select <items...>', 'các mô hình (dim_units, core.dim_units) hoặc tầng (staging, core, indicators, quality)')
    .option('--provinces <codes...>', 'chỉ tính lại phần của các tỉnh này (mã của 34 tỉnh hiện nay, ví dụ 12 15) và toàn quốc')
    .option(
      '--population <csv>',
      'nạp bảng dân số trước (CSV ma_tinh,nam,tuoi,gioi_tinh,dan_so[,dia_gioi]; dia_gioi 63 = các tỉnh trước 01/07/2025, 34 = hiện nay, suy ra từ mã khi không có), để tính tỷ lệ nhập học chung và đúng tuổi (GER, NER)',
    )
    .action(
      action(async (config, opts: Options) => {
        const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
        try {
          const summary = await runTransform({
            warehouse,
            select: opts.select,
            provinces: opts.provinces,
            populationCsv: opts.population,
            deadlines: config,
            beforeCommit: publishIndicatorDecisions,
          });
          process.stdout.write(formatTransformSummary(summary));
          if (summary.status !== 'succeeded') process.exitCode = 1;
        } finally {
          warehouse.close();
        }
      }),
    );
}
