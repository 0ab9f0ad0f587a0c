/**
 * The independent recount (test/support/recount.ts) on a generated preset, timed against the
 * transform in the same run: the preset is generated into an embedded PostgreSQL, loaded by the
 * ETL and transformed (timed); then the recount runs on the source twice (the second, with
 * PostgreSQL's caches warm, is the one reported) and is compared with indicators.indicator_values
 * cell by cell. Prints the seconds of both, their ratio, and the cells compared and mismatched;
 * exits 1 when a cell differs.
 *
 * Usage: npm run bench:recount -- [tiny|demo|province]   (default demo)
 * Results are printed and written to bench/results/recount-<preset>-<time>.json (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Preset } from '../sample/generate/generate.ts';
import { generatedSource } from '../test/support/generated-warehouse.ts';
import { compareWithIndicators, recount } from '../test/support/recount.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const PERIODS = ['2024-DN', '2025-CN'];
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

let t0 = performance.now();
const g = await generatedSource(preset, 1, (m) => say(m));
say(`generated ${preset} in ${seconds(t0).toFixed(1)} s`);
try {
  const loaded = await g.load();
  if (loaded.transform.status !== 'succeeded') throw new Error(`transform failed: ${loaded.transform.errors.slice(0, 3).join('\n')}`);
  say(`ETL ${loaded.etlSeconds.toFixed(1)} s, transform ${loaded.transformSeconds.toFixed(1)} s`);

  const runs: number[] = [];
  let cells = await recount(g.source, PERIODS);
  for (let i = 0; i < 2; i++) {
    t0 = performance.now();
    cells = await recount(g.source, PERIODS);
    runs.push(seconds(t0));
  }
  t0 = performance.now();
  const comparison = await compareWithIndicators(g.conn, PERIODS, cells);
  const compareSeconds = seconds(t0);
  const recountSeconds = runs.at(-1)!;

  const result = {
    preset,
    at: new Date().toISOString(),
    periods: PERIODS,
    transform: { seconds: +loaded.transformSeconds.toFixed(3), models: loaded.transform.models.length, tests: loaded.transform.tests.length },
    etl: { seconds: +loaded.etlSeconds.toFixed(3) },
    recount: { seconds: +recountSeconds.toFixed(3), runs: runs.map((r) => +r.toFixed(3)), cells: cells.length },
    compare: { seconds: +compareSeconds.toFixed(3), cellsCompared: comparison.compared, mismatches: comparison.mismatchCount },
    ratios: { recountOverTransform: +(recountSeconds / loaded.transformSeconds).toFixed(3) },
    firstMismatches: comparison.mismatches.slice(0, 10),
    loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    cpus: os.cpus().length,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `recount-${preset}-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `recount ${preset}, ${PERIODS.join(' and ')}: transform ${result.transform.seconds} s, recount on the source ${result.recount.seconds} s ` +
      `(${result.ratios.recountOverTransform}x the transform), ${comparison.compared} cells compared, ${comparison.mismatchCount} mismatched\n` +
      JSON.stringify(result, null, 2) +
      `\nwritten to ${file}\n`,
  );
  if (comparison.mismatchCount > 0) process.exitCode = 1;
} finally {
  await g.close();
}
