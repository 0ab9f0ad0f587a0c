/**
 * `csdl generate`: fills the source database (CSDL_DATABASE_URL, or the embedded PostgreSQL when
 * none is set) with a synthetic sample CSDL and prints what it wrote.
 */
import type { Command } from 'commander';
import { openSource, redactUrl } from '../../lib/source.ts';
import { log } from '../../lib/log.ts';
import { generate, type GenerationSummary } from '../../sample/generate/generate.ts';
import { PRESET_SPECS, PRESETS, type Preset } from '../../sample/generate/presets.ts';
import { presetOption, rateOption, seedOption } from '../options.ts';
import { action } from '../run-action.ts';

/** The summary as two small tables (rows per table, defects per kind). */
export function formatSummary(s: GenerationSummary): string {
  const pad = (rows: Array<[string, string]>) => {
    const w = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v.padStart(12)}`).join('\n');
  };
  const fmt = (n: number) => n.toLocaleString('vi-VN');
  const lines = [
    `${s.status === 'skipped' ? 'Đã có sẵn' : 'Đã sinh'}: preset ${s.preset}, seed ${s.seed}${s.status === 'generated' ? `, trong ${s.seconds.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} giây` : ''}`,
    'Số dòng mỗi bảng (cả hai năm học 2024 và 2025):',
    pad(Object.entries(s.counts).map(([k, v]) => [`csdl.${k}`, fmt(v)])),
    'Lỗi cài sẵn theo loại (đáp án trong synthetic.defects):',
    pad([...Object.entries(s.defects).map(([k, v]): [string, string] => [k, fmt(v)]), ['tổng', fmt(Object.values(s.defects).reduce((a, b) => a + b, 0))]]),
  ];
  return lines.join('\n') + '\n';
}

/** Adds `csdl generate` to the program. */
export function register(program: Command): void {
  program
    .command('generate')
    .description('Tạo CSDL mẫu tổng hợp trong cơ sở dữ liệu nguồn (cùng hạt giống cho cùng dữ liệu, có các lỗi đã biết)')
    .option('-p, --preset <preset>', `cỡ mẫu: ${PRESETS.map((p) => `${p} (${PRESET_SPECS[p].description})`).join('; ')}`, presetOption, 'demo')
    .option('-s, --seed <n>', 'hạt giống ngẫu nhiên; cùng hạt giống cho dữ liệu giống hệt từng byte', seedOption, 42)
    .option('-d, --defect-rate <x>', 'hệ số nhân mọi tỷ lệ lỗi (0 chỉ giữ số lỗi tối thiểu của mỗi loại)', rateOption, 1)
    .option('-f, --force', 'tạo lại dù cơ sở dữ liệu đã có mẫu của cỡ và hạt giống này')
    .addHelpText(
      'after',
      '\nNơi ghi: CSDL_DATABASE_URL, hoặc PostgreSQL nhúng trong CSDL_EMBEDDED_DIR khi biến này chưa đặt.\n' +
        'Không ghi vào cơ sở dữ liệu có lược đồ csdl chứa dữ liệu không do bộ sinh ghi.\n' +
        'Ghi hai năm học: 2024 (63 tỉnh cũ, có cấp huyện) và 2025 (34 tỉnh mới);\n' +
        'các lỗi cài vào được liệt kê trong synthetic.defects, lần sinh trong synthetic.generation.\n\n' +
        'Ví dụ:\n  csdl generate                         # cỡ demo, hạt giống 42\n  csdl generate --preset tiny --seed 7\n  csdl generate --preset national --force\n',
    )
    .action(
      action(async (config, opts: { preset: Preset; seed: number; defectRate: number; force?: boolean }) => {
        const source = await openSource(config);
        try {
          log.info('generating the sample CSDL', { target: redactUrl(source.url), preset: opts.preset, seed: opts.seed });
          const summary = await generate({
            url: source.url,
            preset: opts.preset,
            seed: opts.seed,
            defectRate: opts.defectRate,
            force: opts.force ?? false,
            onProgress: (msg) => log.info(msg),
          });
          process.stdout.write(formatSummary(summary));
        } finally {
          await source.close();
        }
      }),
    );
}
