/**
 * The suppression decisions the transform publishes (server/suppression/publish-decisions.ts),
 * on one warehouse, each variant in a child process (bench/decisions-child.ts) inside a
 * transaction that is rolled back:
 *   `one-thread`: this checkout with DuckDB (and so the deciding) on one thread: the baseline;
 *   `threads`: this checkout with the machine's cores (the provinces' subtrees side by side);
 *   `base` (with BENCH_BASE=<a checkout of the previous code>): that code on the machine's cores.
 * Each prints seconds, families, decisions, the cells withheld and hidden, and a digest of every
 * decision, so that variants deciding alike show the same digest; ratios are against `one-thread`.
 *
 * Usage: BENCH_WAREHOUSE=<a warehouse the transform built> npm run bench:decisions
 *   BENCH_VARIANTS=one-thread,threads,base BENCH_BASE=/tmp/oldtree
 * Results are printed and written to bench/results/decisions-<time>.json (git-ignored).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const warehouse = process.env.BENCH_WAREHOUSE;
if (!warehouse) throw new Error('bench:decisions needs BENCH_WAREHOUSE: a warehouse file the transform built (csdl run --no-serve, or csdl transform)');
const BASE = process.env.BENCH_BASE;
const VARIANTS = (process.env.BENCH_VARIANTS ?? (BASE ? 'one-thread,threads,base' : 'one-thread,threads')).split(',');
const cores = availableParallelism();
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

type Result = {
  summary: { periods: number; families: number; decisions: number };
  withheld: number;
  hidden: number;
  digest: string;
  seconds: number;
  maxRssMiB: number;
};
const results: Record<string, Result> = {};
for (const variant of VARIANTS) {
  const checkout = variant === 'base' ? BASE : root;
  if (!checkout) throw new Error('the base variant needs BENCH_BASE=<a checkout of the previous code>');
  const threads = variant === 'one-thread' ? 1 : cores;
  say(`${variant}: deciding with ${checkout}, ${threads} thread(s)`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'decisions-child.ts'), checkout, warehouse, String(threads)],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  results[variant] = JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
  say(`${variant}: ${results[variant].seconds.toFixed(1)} s`);
}

const f = (x: number, d = 1) => x.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d });
const baseline = results['one-thread'];
const lines = [
  `suppression decisions of ${warehouse} (${cores} cores, load ${loadavg()
    .map((l) => f(l, 2))
    .join(' ')})`,
];
for (const [variant, r] of Object.entries(results)) {
  lines.push(
    `${variant}: ${f(r.seconds)} s${baseline ? ` = ${f(r.seconds / baseline.seconds, 2)}x one-thread` : ''}; ${r.summary.periods} periods, ` +
      `${f(r.summary.families, 0)} families, ${f(r.summary.decisions, 0)} decisions, withheld ${f(r.withheld, 0)} (hidden ${f(r.hidden, 0)}), ` +
      `digest ${r.digest}, peak RSS ${f(r.maxRssMiB, 0)} MiB`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, `decisions-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ warehouse, cores, load: loadavg(), results }, null, 2),
);
