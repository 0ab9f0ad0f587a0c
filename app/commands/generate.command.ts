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
    .description('Fill the source database with a synthetic sample CSDL (deterministic per seed, with known defects)')
    .option('-p, --preset <preset>', `size: ${PRESETS.map((p) => `${p} (${PRESET_SPECS[p].description})`).join('; ')}`, presetOption, 'demo')
    .option('-s, --seed <n>', 'random seed; the same seed gives byte-identical data', seedOption, 42)
    .option('-d, --defect-rate <x>', 'multiplier of every defect rate (0 keeps only the minimum number of each kind)', rateOption, 1)
    .option('-f, --force', 'regenerate even if this preset and seed are already in the database', false)
    .addHelpText(
      'after',
      '\nTarget: CSDL_DATABASE_URL, or the embedded PostgreSQL under CSDL_EMBEDDED_DIR when it is unset.\n' +
        'Refuses to write into a database whose csdl schema holds data the generator did not write.\n' +
        'Writes two school years: 2024 (63 old provinces, districts) and 2025 (34 new provinces);\n' +
        'injected defects are listed in synthetic.defects, the run in synthetic.generation.\n\n' +
        'Examples:\n  csdl generate                         # demo preset, seed 42\n  csdl generate --preset tiny --seed 7\n  csdl generate --preset national --force\n',
    )
    .action(
      action(async (config, opts: { preset: Preset; seed: number; defectRate: number; force: boolean }) => {
        const source = await openSource(config);
        try {
          log.info('generating the sample CSDL', { target: redactUrl(source.url), preset: opts.preset, seed: opts.seed });
          const summary = await generate({
            url: source.url,
            preset: opts.preset,
            seed: opts.seed,
            defectRate: opts.defectRate,
            force: opts.force,
            onProgress: (msg) => log.info(msg),
          });
          process.stdout.write(formatSummary(summary));
        } finally {
          await source.close();
        }
      }),
    );
}
