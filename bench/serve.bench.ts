/**
 * Serving under load, on 127.0.0.1 only: a real `csdl serve` child over a warehouse built by the
 * real pipeline from the sample CSDL (as bench/abuse.bench.ts starts it), then for each variant
 * of the server, on its own copy of that warehouse:
 *   (a) every API call the dashboards make (serve-calls.ts), each alone for BENCH_SECONDS under
 *       50 and 200 clients back to back, beside GET /api/health under the same load in the same
 *       run: p50/p95/p99, requests per second, answers other than 200 by status and code;
 *   (b) time to a ready page in headless Chromium for each dashboard page (no other load);
 *   (c) the same calls (and health) mixed, 50 clients, while a pipeline run (POST /api/admin/runs)
 *       is in progress, until it has finished or for four minutes.
 * Variants: `serving` (this checkout), `no-cache` (this checkout, CSDL_API_CACHE_MB=0, so every
 * answer is computed), `no-decisions` (this checkout on a copy without
 * serving.suppression_decisions, so that requests decide the suppression family tables
 * themselves, as before the transform published them) and, with BENCH_BASE=<a checkout of the
 * previous code>, `base` (its `csdl serve` over the same warehouse), so that before and after are
 * measured in one run. Each call's first answer on a fresh server (nothing cached) is timed too.
 *
 * Usage: npm run bench:serve -- [tiny|demo|province]          (default demo)
 *   BENCH_SECONDS=60 BENCH_CLIENTS=50,200 BENCH_BASE=/work/wt/h29-base BENCH_VARIANTS=serving,no-cache,base
 *   BENCH_SKIP=pipeline,pages,load   (load: no clients, e.g. BENCH_VARIANTS=serving,base BENCH_SKIP=load,pipeline
 *   to compare the pages of two checkouts)
 *   BENCH_WAREHOUSE=<a warehouse file built by the pipeline, e.g. by `csdl run --preset national
 *   --no-serve`>: measured as it is (copied per variant), nothing generated; the pipeline phase
 *   then needs CSDL_DATABASE_URL (and the warehouse's CSDL_PSEUDONYM_SECRET), else it is skipped
 * Results are printed and written to bench/results/serve-<preset>-<time>.json (git-ignored).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, createWriteStream, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { JobRunner } from '../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../pipelines/jobs/pipeline-steps.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { createAccount } from '../server/accounts/accounts.store.ts';
import { publishIndicatorDecisions } from '../server/suppression/publish-decisions.ts';
import { startTestSource } from '../test/support/source.ts';
import { CALLS, type BenchContext } from './serve-calls.ts';
import { load, present, type Request, type Stats } from './serve-client.ts';
import { pageTimes, type PageTimes } from './serve-pages.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LEVELS = (process.env.BENCH_CLIENTS ?? '50,200').split(',').map(Number);
const BASE = process.env.BENCH_BASE;
const VARIANTS = (process.env.BENCH_VARIANTS ?? (BASE ? 'serving,no-cache,base' : 'serving,no-cache')).split(',');
const SKIP = process.env.BENCH_SKIP ?? '';
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// the pages need Debian's Chromium: installed (as `npm test` does) or reported before an hour of load, not after
if (!SKIP.includes('pages') && !process.env.CHROMIUM_PATH) execFileSync('bash', [join(root, '.ci', 'ensure-chromium')], { stdio: 'inherit' });

const GIVEN = process.env.BENCH_WAREHOUSE;
const work = mkdtempSync(join(GIVEN ? dirname(GIVEN) : tmpdir(), 'csdl-bench-serve-'));
const source = GIVEN ? undefined : await startTestSource({ schema: false });
const sourceUrl = source?.url ?? process.env.CSDL_DATABASE_URL;
const env: Record<string, string> = {
  ...(sourceUrl ? { CSDL_DATABASE_URL: sourceUrl } : {}),
  CSDL_PSEUDONYM_SECRET: GIVEN ? (process.env.CSDL_PSEUDONYM_SECRET ?? 'bench-serve-secret-0123456789abcdef') : 'bench-serve-secret-0123456789abcdef',
  WAREHOUSE_PATH: GIVEN ?? join(work, 'warehouse.duckdb'),
  CSDL_TMP_DIR: join(work, 'tmp'),
  LOG_LEVEL: 'warn',
};
const SKIPPED = SKIP + (sourceUrl ? '' : ',pipeline');
let t0 = performance.now();
if (source) {
  await generate({ url: source.url, preset, seed: 1 });
  say(`generated ${preset} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else say(`measuring ${GIVEN} as it is${SKIPPED.includes('pipeline') ? ' (no source: no pipeline phase)' : ''}`);

// the warehouse: one full pipeline run, then the keys the clients use
const config = loadConfig(env);
const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: config.duckdbMemoryLimit });
let pipelineSeconds: number | null = null;
if (!GIVEN) {
  const runner = new JobRunner({ warehouse, steps: pipelineSteps(config, { beforeCommit: publishIndicatorDecisions }), attempts: 1 });
  await runner.init();
  t0 = performance.now();
  const first = await runner.start('api', 'bench').done;
  if (first.status !== 'succeeded') throw new Error(`the pipeline run failed: ${first.error}`);
  pipelineSeconds = (performance.now() - t0) / 1000;
  say(`pipeline run in ${pipelineSeconds.toFixed(1)} s`);
}
const conn = await warehouse.connect();
const key = async (unit: string, kind: 'admin' | 'exploit') => (await createAccount(conn, { unit, kind, name: `bench ${unit}` })).key;
const [latest] = await queryRows<{ period: string }>(conn, `select period from core.dim_periods where ky = 'DN' order by census_day desc limit 1`);
// Đà Nẵng (48) where it has schools, as on `demo` and `national`; else the province with most
// schools (`province` generates Hải Phòng only, and an empty province would measure nothing)
const [province] = await queryRows<{ unit_key: string }>(
  conn,
  `select p.unit_key from core.dim_units as p join core.dim_units as s on s.unit_level = 'school' and s.province_key = p.unit_key
   where p.unit_level = 'province' and p.valid_to is null
   group by p.unit_key, p.unit_code order by p.unit_code = '48' desc, count(*) desc limit 1`,
);
// the school with most failing records: the heaviest school page
const [school] = await queryRows<{ unit_key: string }>(
  conn,
  `select u.unit_key from quality.dq_failures as f join core.dim_units as u on u.unit_level = 'school' and u.unit_code = f.unit_code
   where f.period = $1 and u.nam_hoc = (select nam_hoc from core.dim_periods where period = $1)
   group by 1 order by count(*) desc limit 1`,
  [latest.period],
);
const ctx: BenchContext = {
  period: latest.period,
  province: province.unit_key,
  school: school.unit_key,
  keys: { nation: await key('VN', 'admin'), province: await key(province.unit_key, 'exploit'), school: await key(school.unit_key, 'exploit') },
};
conn.closeSync();
warehouse.close();

/** The servers started and not yet stopped: a bench that fails stops them on its way out instead of leaving them running. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
  // the warehouse copies (gigabytes on national) go too
  rmSync(work, { recursive: true, force: true });
});
// interrupted (Ctrl-C, a timeout's SIGTERM): out through 'exit', so that the servers stop too
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** A running `csdl serve` of one variant. */
type Server = {
  url: string;
  child: ChildProcess;
  stop(): Promise<number | null>;
};

async function startServe(checkout: string, warehousePath: string, extra: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [join(checkout, 'bin', 'csdl.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--schedule', 'off'], {
    cwd: checkout,
    env: { ...process.env, ...env, WAREHOUSE_PATH: warehousePath, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let childLog = '';
  // the server's own log (its errors under load), kept beside the results
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const logFile = createWriteStream(join(root, 'bench', 'results', `serve-${preset}-${basename(warehousePath, '.duckdb')}-${Date.now()}.log`));
  child.stderr!.on('data', (d) => {
    childLog = (childLog + d).slice(-100_000);
    logFile.write(d);
  });
  running.add(child);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /csdl serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error(`csdl serve exited before listening:\n${childLog.slice(-2000)}`)));
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/**
 * Waits for the server's start-up warm-up (server/cache/warm-up.ts) to end, as its health check
 * says; returns how it ended, or null for a checkout without one or with it off.
 */
async function warmedUp(url: string): Promise<string | null> {
  for (const until = Date.now() + 600_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { warm_up?: { running: boolean; last: Record<string, unknown> | null } | null };
    if (!health.warm_up) return null;
    // not running and never ran: the warm-up is off (CSDL_API_WARM_SECONDS=0 or no cache)
    if (!health.warm_up.running) return health.warm_up.last ? JSON.stringify(health.warm_up.last) : null;
  }
  return 'not over within 10 minutes';
}

type VariantResult = {
  variant: string;
  checkout: string;
  firsts: Record<string, number>;
  /** The calls whose first answer the cache held (the start-up warm-up's), and how that warm-up ended. */
  kept: string[];
  warmUp?: string | null;
  levels: Record<number, Record<string, Stats>>;
  pages?: PageTimes | { error: string };
  duringRun?: { run: string; seconds: number; calls: Record<string, Stats> };
  stoppedCleanly?: boolean;
};

/** Measures one variant into `r`, calling `save` after each step: an hour of load survives a later failure. */
async function runVariant(variant: string, r: VariantResult, save: () => void): Promise<void> {
  const checkout = r.checkout;
  const extra: Record<string, string> = variant === 'no-cache' ? { CSDL_API_CACHE_MB: '0' } : {};
  const copy = join(work, `warehouse-${variant}.duckdb`);
  copyFileSync(config.warehousePath, copy);
  if (existsSync(`${config.warehousePath}.wal`)) copyFileSync(`${config.warehousePath}.wal`, `${copy}.wal`);
  // on disk before the server starts: a national copy is 11 GB, and the kernel writing it back
  // while the pages load would slow every read and write of the server and the browser
  for (const f of [copy, `${copy}.wal`].filter((f) => existsSync(f))) {
    const fd = openSync(f, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  if (variant === 'no-decisions') {
    const w = await openWarehouse(copy, { memoryLimit: config.duckdbMemoryLimit });
    const c = await w.connect();
    await c.run('drop table if exists serving.suppression_decisions');
    c.closeSync();
    w.close();
  }
  const server = await startServe(checkout, copy, extra);
  say(`${variant}: csdl serve at ${server.url} (${checkout})`);
  const calls: Request[] = [];
  const { firsts, levels } = r;
  // the first answers once the start-up warm-up is over: each either computed alone or kept by it
  r.warmUp = await warmedUp(server.url);
  if (r.warmUp) say(`${variant}: start-up warm-up ${r.warmUp}`);
  for (const c of CALLS) {
    const call = { name: c.name, path: c.path(ctx), key: c.key?.(ctx) };
    if (await present(server.url, call, firsts, r.kept)) calls.push(call);
    else say(`${variant}: ${c.name} left out (${c.optional ? 'not on this server' : 'did not answer 200'})`);
  }
  for (const clients of SKIP.includes('load') ? [] : LEVELS) {
    const health = await load(server.url, clients, () => ({ name: 'health', path: '/api/health' }), SECONDS);
    levels[clients] = { ...health };
    say(`${variant} ${clients} clients: health p95 ${health.health.p95.toFixed(1)} ms, ${health.health.rps.toFixed(1)} req/s`);
    for (const call of calls) {
      Object.assign(levels[clients], await load(server.url, clients, () => call, SECONDS));
      const s = levels[clients][call.name];
      say(`${variant} ${clients} clients: ${call.name} p95 ${s.p95.toFixed(1)} ms, ${s.rps.toFixed(1)} req/s`);
      save();
    }
  }
  // pages before the pipeline phase, whose run may go on after it (a national run does); a
  // browser that fails is reported, and the pipeline phase still runs
  if (!SKIP.includes('pages')) {
    r.pages = await pageTimes(server.url, ctx, say).catch((e: Error) => ({ error: e.message }));
    save();
  }
  if (!SKIPPED.includes('pipeline')) {
    const started = performance.now();
    const admin = { Authorization: `Bearer ${ctx.keys.nation}` };
    // the admin's requests queue with everyone else's: on 503 they come back after Retry-After
    const retrying = async (init: RequestInit): Promise<{ status: number; body: any }> => {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${server.url}/api/admin/runs`, { ...init, headers: admin }).catch(() => undefined);
        const body = res ? await res.json().catch(() => ({})) : {};
        if ((res && res.status !== 503) || attempt >= 30) return { status: res?.status ?? 0, body };
        await new Promise((r) => setTimeout(r, Number(res?.headers.get('retry-after') ?? 1) * 1000));
      }
    };
    const post = await retrying({ method: 'POST' });
    const runId = post.body.runId as string | undefined;
    let status = `POST ${post.status}`;
    // the polling ends with the phase: a run that outlasts it must not keep the bench alive
    // (once the server stops, every poll fails and the status would stay 'running' forever)
    let phaseOver = false;
    const finished = (async () => {
      while (runId && !phaseOver) {
        await new Promise((r) => setTimeout(r, 1000));
        const runs = await retrying({});
        status = (runs.body.rows as Array<{ run_id: string; status: string }> | undefined)?.find((r) => r.run_id === runId)?.status ?? status;
        if (status !== 'running') return;
      }
    })();
    const mix: Request[] = [{ name: 'health', path: '/api/health' }, ...calls];
    // at most four minutes of it: a run slower than that under load is reported as still running
    const bounded = Promise.race([finished, new Promise((r) => setTimeout(r, 240_000).unref())]);
    const measured = await load(server.url, LEVELS[0], (i, n) => mix[(i + n) % mix.length], 0, bounded);
    phaseOver = true;
    r.duringRun = { run: status, seconds: (performance.now() - started) / 1000, calls: measured };
    say(`${variant}: pipeline run ${status} in ${r.duringRun.seconds.toFixed(1)} s under load`);
    save();
  }
  r.stoppedCleanly = (await server.stop()) === 0;
}

const results: VariantResult[] = [];
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, `serve-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const save = () =>
  writeFileSync(
    resultsFile,
    JSON.stringify({ preset, seconds: SECONDS, levels: LEVELS, pipelineSeconds, machine: { cpus: cpus().length, load: loadavg() }, results }, null, 2),
  );
for (const v of VARIANTS) {
  const r: VariantResult = { variant: v, checkout: v === 'base' ? BASE! : root, firsts: {}, kept: [], levels: {} };
  results.push(r);
  await runVariant(v, r, save);
  save();
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
const lines = [
  `serve benchmark, preset ${preset}, ${cpus().length} cores (load ${loadavg()
    .map((l) => f(l, 2))
    .join(' ')}), ${SKIP.includes('load') ? 'no load phase' : `${SECONDS} s per call and level`}`,
];
for (const r of results) {
  lines.push(`\n== ${r.variant} (${r.checkout}) ==`);
  lines.push(
    `first answers (fresh server${r.warmUp ? ', after its warm-up' : ''}; * kept by the warm-up): ${Object.entries(r.firsts)
      .map(([name, ms]) => `${name}${r.kept.includes(name) ? '*' : ''} ${f(ms, 0)} ms`)
      .join(', ')}`,
  );
  if (r.warmUp) lines.push(`start-up warm-up: ${r.warmUp}`);
  for (const [clients, calls] of Object.entries(r.levels)) {
    const health = calls.health;
    lines.push(`${clients} clients: health p50 ${f(health.p50)} / p95 ${f(health.p95)} / p99 ${f(health.p99)} ms, ${f(health.rps)} req/s`);
    for (const [name, s] of Object.entries(calls)) {
      if (name === 'health') continue;
      const errors = Object.entries(s.statuses).filter(([k]) => !k.startsWith('503 SERVER_BUSY'));
      lines.push(
        `  ${name}: p50 ${f(s.p50)} / p95 ${f(s.p95)} / p99 ${f(s.p99)} ms, ${f(s.rps)} req/s, p95 ${f(s.p95 / health.p95, 2)}x health` +
          `${Object.keys(s.statuses).length ? `, ${JSON.stringify(s.statuses)}` : ''}` +
          `${Object.keys(s.failures).length ? `, no answer: ${JSON.stringify(s.failures)}` : ''}${errors.length || Object.keys(s.failures).length ? ' ERROR' : ''}`,
      );
    }
  }
  if (r.duringRun) {
    lines.push(`during a pipeline run (${r.duringRun.run}, ${f(r.duringRun.seconds)} s, ${LEVELS[0]} clients, mixed):`);
    for (const [name, s] of Object.entries(r.duringRun.calls)) {
      lines.push(
        `  ${name}: p50 ${f(s.p50)} / p95 ${f(s.p95)} / p99 ${f(s.p99)} ms, ${s.answered} answers${Object.keys(s.statuses).length ? `, ${JSON.stringify(s.statuses)}` : ''}`,
      );
    }
  }
  if (r.pages && 'error' in r.pages) lines.push(`pages not measured: ${r.pages.error} ERROR`);
  else if (r.pages)
    for (const [name, p] of Object.entries(r.pages))
      lines.push(
        `page ${name}: first visit (empty cache) ${f(p.cold, 0)} ms; returning: ${f(p.median, 0)} ms median, ${f(p.max, 0)} ms max of ${p.loads.length}`,
      );
  lines.push(`stopped cleanly: ${r.stoppedCleanly}`);
}
const serving = results.find((r) => r.variant === 'serving');
for (const other of results.filter((r) => r.variant !== 'serving')) {
  if (!serving) break;
  if (serving.levels[LEVELS[0]]) lines.push(`\n${other.variant} / serving, p95 at ${LEVELS[0]} clients:`);
  for (const [name, s] of Object.entries(serving.levels[LEVELS[0]] ?? {})) {
    const o = other.levels[LEVELS[0]]?.[name];
    if (o) lines.push(`  ${name}: ${f(o.p95)} / ${f(s.p95)} ms = ${f(o.p95 / s.p95, 2)}x`);
  }
  if (serving.pages && !('error' in serving.pages) && other.pages && !('error' in other.pages)) {
    lines.push(`\n${other.variant} / serving, pages (first visit; returning median):`);
    for (const [name, p] of Object.entries(serving.pages)) {
      const o = other.pages[name];
      if (o)
        lines.push(
          `  ${name}: ${f(o.cold, 0)} / ${f(p.cold, 0)} ms = ${f(o.cold / p.cold, 2)}x; ${f(o.median, 0)} / ${f(p.median, 0)} ms = ${f(o.median / p.median, 2)}x`,
        );
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
save();
await source?.close();
rmSync(work, { recursive: true, force: true });
