/**
 * `csdl etl [--full]`: loads the source into the warehouse (incremental once a full load exists),
 * prints a per-table summary and the run id; long runs print progress lines on stderr.
 */
import type { Command } from 'commander';
import { openSource } from '../../lib/source.ts';
import { formatSummary, progressPrinter } from '../../pipelines/ingest/index.ts';
import { runEtl } from '../../pipelines/ingest/index.ts';
import { preflight } from '../preflight.ts';
import { action } from '../run-action.ts';

export function register(program: Command): void {
  program
    .command('etl')
    .description('Nạp dữ liệu từ CSDL vào kho (một ảnh chụp nguồn, công bố trọn vẹn một lần)')
    .option('--full', 'nạp lại toàn bộ mọi bảng thay vì chỉ phần thay đổi')
    .action(
      action(async (config, opts: { full?: boolean }) => {
        await preflight({ warehouse: config.warehousePath });
        const source = await openSource(config);
        let runId: string | undefined;
        const progress = progressPrinter((line) => process.stderr.write(`csdl etl: ${line}\n`));
        try {
          const summary = await runEtl({
            config,
            sourceUrl: source.url,
            full: opts.full === true,
            onProgress: (e) => {
              runId = e.runId;
              progress(e);
            },
          });
          process.stdout.write(formatSummary(summary));
        } catch (err) {
          if (runId) process.stderr.write(`csdl etl: lần chạy ${runId} thất bại; \`csdl status\` liệt kê lần chạy này.\n`);
          throw err;
        } finally {
          await source.close();
        }
      }),
    );
}
