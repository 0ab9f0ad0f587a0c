/**
 * `csdl transform [--select ...] [--provinces ...] [--population file.csv]`: builds the SQL models
 * (staging, core, indicators by default) in dependency order, runs their sidecar tests and prints
 * models, rows, seconds and the tests passed and failed. Exit code 1 when a model or test failed.
 */
import type { Command } from 'commander';
import { openWarehouse } from '../../lib/warehouse.ts';
import { formatTransformSummary } from '../../pipelines/transform/index.ts';
import { runTransform } from '../../pipelines/transform/index.ts';
import { action } from '../run-action.ts';

type Options = { select?: string[]; provinces?: string[]; population?: string };

/** Adds `csdl transform` to the program. */
export function register(program: Command): void {
  program
    .command('transform')
    .description('Tính các mô hình và chỉ tiêu — build the models and indicators, run their tests')
    .option('--select <items...>', 'models (dim_units, core.dim_units) or layers (staging, core, indicators, quality)')
    .option('--provinces <codes...>', "recompute only these provinces' partitions (today's 34 codes, e.g. 12 15), and the nation")
    .option(
      '--population <csv>',
      'load a population table first (CSV ma_tinh,nam,tuoi,gioi_tinh,dan_so[,dia_gioi]; dia_gioi 63 = the provinces before 01/07/2025, 34 = today’s, detected from the codes when absent), enabling GER and NER',
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
          });
          process.stdout.write(formatTransformSummary(summary));
          if (summary.status !== 'succeeded') process.exitCode = 1;
        } finally {
          warehouse.close();
        }
      }),
    );
}
