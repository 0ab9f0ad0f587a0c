/**
 * `csdl run`: the main job on one machine. On the embedded default it fills a sample CSDL
 * (skipped when the same preset and seed are already there), then runs ETL -> transform ->
 * quality once under one run id, keeps a demo account for the nation (app/demo-key.ts), and serves the API and
 * dashboards until stopped. With CSDL_DATABASE_URL set it reads that source and generates nothing.
 */
import type { Command } from 'commander';
import type { Config } from '../../lib/config.ts';
import { CsdlError } from '../../lib/errors.ts';
import { checkReachable, openSource } from '../../lib/source.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { generate, type Preset } from '../../sample/generate/generate.ts';
import { JobRunner } from '../../pipelines/jobs/index.ts';
import { runSteps } from '../delivery-service.ts';
import { presetOption, seedOption } from '../options.ts';
import { demoKey } from '../demo-key.ts';
import { preflight } from '../preflight.ts';
import { formatRunReport } from '../run-report.ts';
import { action } from '../run-action.ts';
import { serveUntilStopped } from '../serve-loop.ts';

type RunOptions = { preset: Preset; seed: number; serve: boolean; schedule?: string; host: string; port?: string };

export function register(program: Command): void {
  program
    .command('run')
    .description('Chạy toàn bộ: CSDL mẫu (nhúng), nạp dữ liệu, chỉ tiêu, chất lượng, rồi phục vụ các trang báo cáo')
    .option('--preset <preset>', 'cỡ mẫu trên nguồn nhúng: tiny, demo, province, national', presetOption, 'demo')
    .option('--seed <seed>', 'hạt giống của CSDL mẫu', seedOption, 42)
    .option('--no-serve', 'dừng sau quy trình thay vì phục vụ API và các trang báo cáo')
    .option('--schedule <cron>', 'biểu thức cron của các lượt chạy sau trong khi phục vụ, hoặc "off"')
    .option('--host <host>', 'địa chỉ lắng nghe', '127.0.0.1')
    .option('--port <port>', 'cổng lắng nghe (biến PORT, mặc định 8080)')
    .action(
      action(
        async (config, opts: RunOptions) => mainJob(config, opts),
        (opts) => ({ PORT: { value: opts.port, option: '--port' }, CSDL_SCHEDULE: { value: opts.schedule, option: '--schedule' } }),
      ),
    );
}

async function mainJob(config: Config, opts: RunOptions): Promise<void> {
  // what can be checked before the work starts is checked now, not after the pipeline ran
  await preflight({ warehouse: config.warehousePath, listen: opts.serve ? { host: opts.host, port: config.port } : undefined });
  if (config.databaseUrl) await checkReachable(config.databaseUrl);
  // a warehouse another process holds stops the run here, before a sample is generated
  const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
  let handedOver = false;
  try {
    if (config.embedded) await generateSample(config, opts);
    else process.stdout.write('csdl run: nguồn từ CSDL_DATABASE_URL; không sinh dữ liệu mẫu\n');
    const runner = new JobRunner({
      warehouse,
      steps: runSteps(config),
      attempts: config.jobs.attempts,
      backoffMs: config.jobs.backoffMs,
      threads: config.pipelineThreads,
    });
    await runner.init();
    const { runId, done } = runner.start('manual', null);
    process.stdout.write(`csdl run: lần chạy quy trình ${runId} (ETL -> transform -> quality -> delivery)\n`);
    const result = await done;
    if (result.status !== 'succeeded')
      throw new CsdlError('RUN_FAILED', `Lần chạy ${runId} thất bại: ${result.error}`, { transient: result.transient, details: { runId } });
    process.stdout.write(await formatRunReport(warehouse, runId));
    if (!opts.serve) return;
    const key = config.embedded ? (await demoKey(warehouse, config.warehousePath)).key : undefined;
    handedOver = true;
    await serveUntilStopped({
      config,
      warehouse,
      runner,
      host: opts.host,
      banner: (url) =>
        (key ? `\nKhóa API demo (cấp quốc gia, quản trị): ${key}\n` : '') + `Bảng điều khiển: ${url}/dashboards/${key ? `#key=${key}` : ''}\nDừng: Ctrl+C\n`,
    });
  } finally {
    if (!handedOver) warehouse.close();
  }
}

async function generateSample(config: Config, opts: RunOptions): Promise<void> {
  const source = await openSource(config);
  try {
    const summary = await generate({ url: source.url, preset: opts.preset, seed: opts.seed, onProgress: (m) => process.stderr.write(`csdl run: ${m}\n`) });
    const learners = summary.counts['hoc_sinh'] ?? summary.counts['csdl.hoc_sinh'] ?? 0;
    process.stdout.write(
      `csdl run: CSDL mẫu ${summary.status === 'skipped' ? 'đã có sẵn' : 'đã sinh'} ` +
        `(preset ${summary.preset}, seed ${summary.seed}, ${learners.toLocaleString('vi-VN')} dòng học sinh)\n`,
    );
  } finally {
    await source.close();
  }
}
