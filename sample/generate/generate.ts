/**
 * The synthetic CSDL generator: fills a PostgreSQL database with two school years (2024 under
 * the 63 old provinces, 2025 under the 34 new ones) of schools, classes, learners with status
 * history, staff and rooms for a preset, deterministic for a seed, with data-quality defects
 * injected and listed in `synthetic.defects`.
 *
 * @example
 *   const summary = await generate({ url, preset: 'tiny', seed: 42 });
 *   summary.counts.hoc_sinh; summary.defects.missing_unit;
 */
import pg from 'pg';
import { redactUrl } from '../../lib/source.ts';
import { SourceUnavailableError, UsageError } from '../../lib/errors.ts';
import { COLUMNS, DATA_TABLES, type DataTable } from './columns.ts';
import { CopyWriter } from './copy-writer.ts';
import { prepareDatabase } from './database.ts';
import { dropIndexes, restoreIndexes } from './indexes.ts';
import { planSchools } from './plan.ts';
import { assignUnitDefects } from './unit-defects.ts';
import { Context } from './context.ts';
import { DefectInjector } from './defects.ts';
import { DEFECT_KINDS } from './defect-kinds.ts';
import { generateSchool } from './school.ts';
import { PRESET_SPECS, PRESETS, type Preset } from './presets.ts';

export type { Preset } from './presets.ts';

/** What a run wrote (or found already written). */
export type GenerationSummary = {
  preset: Preset;
  seed: number;
  /** Rows written per csdl table (both school years). */
  counts: Record<string, number>;
  /** Manifest rows (synthetic.defects) per defect kind. */
  defects: Record<string, number>;
  seconds: number;
  /** 'generated', or 'skipped' when the same preset and seed were already complete. */
  status: 'generated' | 'skipped';
};

/** Options of generate(). */
export type GenerateOptions = {
  url: string;
  preset: Preset;
  seed: number;
  /** Multiplies every defect rate (default 1; 0 keeps only the minimum of each kind). */
  defectRate?: number;
  onProgress?: (msg: string) => void;
  /** Regenerate even when the same preset and seed are already there. */
  force?: boolean;
};

function validate(opts: GenerateOptions): void {
  const problems: string[] = [];
  if (!PRESETS.includes(opts.preset)) problems.push(`preset must be one of ${PRESETS.join(', ')} (got ${JSON.stringify(opts.preset)})`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 2 ** 32 - 1)
    problems.push(`seed must be an integer from 0 to 4294967295 (got ${opts.seed})`);
  const rate = opts.defectRate ?? 1;
  if (!Number.isFinite(rate) || rate < 0 || rate > 50) problems.push(`defect rate must be a number from 0 to 50 (got ${rate})`);
  if (problems.length) throw new UsageError(`csdl generate: ${problems.join('; ')}`);
}

/** Generates a preset into the database at `url`; see the module comment. */
export async function generate(opts: GenerateOptions): Promise<GenerationSummary> {
  validate(opts);
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const { preset, seed } = opts;
  const defectRate = opts.defectRate ?? 1;
  const spec = PRESET_SPECS[preset];
  const client = new pg.Client({ connectionString: opts.url });
  client.on('error', () => {}); // surfaces through the query in flight, named below
  await client.connect();
  const writers: Partial<Record<DataTable | 'defects', CopyWriter>> = {};
  try {
    const ready = await prepareDatabase(client, preset, seed, opts.force ?? false, redactUrl(opts.url));
    if (ready.action === 'skipped') {
      progress(`preset ${preset} with seed ${seed} is already generated in this database; nothing to do (use --force to regenerate)`);
      const counts = (ready.previous?.counts ?? {}) as { tables?: Record<string, number>; defects?: Record<string, number> };
      return { preset, seed, counts: counts.tables ?? {}, defects: counts.defects ?? {}, seconds: (performance.now() - started) / 1000, status: 'skipped' };
    }
    const plans = planSchools(preset, seed);
    assignUnitDefects(plans, seed, defectRate, spec.minDefects);
    progress(`planned ${plans.length} schools for preset ${preset} (seed ${seed}); writing with COPY`);
    await client.query(`insert into synthetic.generation (seed, preset, params) values ($1, $2, $3)`, [
      seed,
      preset,
      JSON.stringify({ defectRate, minDefects: spec.minDefects, schools: plans.length, years: [2024, 2025] }),
    ]);
    const restore = await dropIndexes(client);
    for (const table of DATA_TABLES) writers[table] = await CopyWriter.open(opts.url, `csdl.${table}`, COLUMNS[table]);
    writers.defects = await CopyWriter.open(opts.url, 'synthetic.defects', COLUMNS.defects);
    const ctx = new Context(seed);
    const injector = new DefectInjector(defectRate, spec.minDefects);
    let province = '';
    const every = Math.max(50, Math.round(plans.length / 20));
    for (const plan of plans) {
      if (plan.newProvince.code !== province) {
        province = plan.newProvince.code;
        ctx.startProvince();
        progress(`province ${province} ${plan.newProvince.name}: from school ${plan.index + 1} of ${plans.length}`);
      }
      for (const sy of generateSchool(ctx, injector, plan)) {
        for (const table of DATA_TABLES) await writers[table]!.writeAll(sy.rows[table]);
        await writers.defects.writeAll(sy.defects);
      }
      if ((plan.index + 1) % every === 0)
        progress(`${plan.index + 1}/${plans.length} schools, ${writers.hoc_sinh!.count} learner rows, ${Math.round((performance.now() - started) / 1000)} s`);
    }
    const counts: Record<string, number> = {};
    for (const table of DATA_TABLES) counts[table] = await writers[table]!.end();
    const defects: Record<string, number> = {};
    for (const kind of DEFECT_KINDS) defects[kind] = injector.counts.get(kind) ?? 0;
    await writers.defects.end();
    progress('building keys and indexes');
    await restoreIndexes(client, restore);
    progress('analyzing');
    await client.query('analyze');
    await client.query(`update synthetic.generation set counts = $1, finished_at = now() where finished_at is null`, [
      JSON.stringify({ tables: counts, defects }),
    ]);
    const seconds = (performance.now() - started) / 1000;
    progress(`done in ${seconds.toFixed(1)} s`);
    return { preset, seed, counts, defects, seconds, status: 'generated' };
  } catch (err) {
    await Promise.all(Object.values(writers).map((w) => w?.abort().catch(() => {})));
    if (err instanceof Error && /Connection terminated|ECONNRESET|EPIPE|terminating connection/.test(err.message)) {
      throw new SourceUnavailableError(
        `The source closed the connection while the sample CSDL was being written (server stopped or the run interrupted): ${err.message}. Run \`csdl generate --force\` again to start over.`,
        err,
      );
    }
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}
