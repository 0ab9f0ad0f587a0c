/**
 * ETL benchmark on a generated source, all figures measured in the same process and run:
 *   (a) floor        plain `COPY (select * from csdl.<t>) TO STDOUT` of every table to a discarding
 *                    stream, over the same snapshot workers and id ranges as the ETL;
 *   (b) naive        COPY of each table to one CSV file, then one DuckDB `read_csv` per table
 *                    (all columns as text: no typing, no pseudonyms, no flags, so a lower bound);
 *   (c) full         `runEtl({ full: true })` into a fresh warehouse;
 *   (d) incremental  `runEtl()` after 1 % of hoc_sinh, can_bo and lop_hoc rows were updated
 *                    (`touchRows`: updated_at + 1 ms, so the timeliness proof on the same source holds);
 *   (e) peak RSS     maxRSS of the processes that ran (c) and (d): each runs in a child of its own
 *                    (bench/etl-child.ts), so the figure is the ETL's alone; their wall time is
 *                    runEtl's own, their process CPU includes the child's start-up;
 *   (f) our SELECT   (a) with the ETL's own select lists (personal flags computed by PostgreSQL):
 *                    the cost of a privacy-preserving extraction before any loading;
 *   (g) ingest       the warehouse side's least work (bench/etl-steps.ts `ingestFloor`): our select
 *                    lists as CSV, read by DuckDB into a new file and checkpointed, timed alone, with
 *                    every column as text and in the ETL's types; with (a) the cheaper one gives a
 *                    lower bound of any full load on this machine, max(floor, (floor's PostgreSQL
 *                    CPU + ingest CPU) / cores), printed as a ratio;
 *   CPU seconds of every step, split between the PostgreSQL server (its backends, read from /proc)
 *   and the ETL's process (Node + DuckDB threads): on a host shared by both, as here, wall time is
 *   bounded by their sum; with the source on its own server, by the larger of the two.
 * A warm-up read precedes everything so that no step pays for a cold cache alone.
 *
 * Usage: npm run bench:etl -- [tiny|demo|province|national]   (default demo)
 *   BENCH_PG_DIR=<dir>   keep the generated source there and reuse it on the next run
 *   BENCH_DIR=<dir>      work in this folder and keep it, with the loaded warehouse.duckdb (for the
 *                        transform and quality benchmarks' BENCH_WAREHOUSE)
 *   BENCH_SKIP=naive,ourselect,ingest,warmup  leave out (b), (f), (g) and/or the warm-up read (on `national`, (b)
 *                        alone writes ~25 GB of CSV, and a 32 GB source does not fit the page cache anyway)
 *   CSDL_ETL_PARALLELISM the workers of (a), (b)'s DuckDB threads aside, and (c)/(d)
 * Results are printed and written to bench/results/etl-<preset>-<time>.json (git-ignored).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbedded } from '../lib/source.ts';
import { SOURCE_TABLES } from '../pipelines/ingest/contract/tables.ts';
import type { EtlRunSummary } from '../pipelines/ingest/run-etl.ts';
import type { Preset } from '../sample/generate/generate.ts';
import { freePort } from '../test/support/source.ts';
import { floor, ingestFloor, measured, naive, touchRows } from './etl-steps.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const work = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'csdl-bench-etl-'));
const skip = new Set(
  (process.env.BENCH_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const pgDir = process.env.BENCH_PG_DIR ?? join(work, 'pg');
const workers = Number(process.env.CSDL_ETL_PARALLELISM ?? 2);
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const root = fileURLToPath(new URL('../', import.meta.url));

type ChildRun = { summary: EtlRunSummary; phases: Record<string, number>; maxRssMiB: number; cpuSeconds: number };

/** Runs bench/etl-child.ts (one runEtl) in a child process with `env`; resolves with its report. */
function etlInChild(env: NodeJS.ProcessEnv, full: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/etl-child.ts', ...(full ? ['--full'] : [])], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`bench/etl-child.ts exited with ${code}`));
      else resolve(JSON.parse(last) as ChildRun);
    });
  });
}

async function main(): Promise<void> {
  mkdirSync(pgDir, { recursive: true });
  const source = await startEmbedded(pgDir, await freePort());
  try {
    say(`generating preset ${preset} (seed 1) into ${pgDir} (child process, so that (e) measures the ETL alone)`);
    const generated = spawnSync(process.execPath, ['bin/csdl.js', 'generate', '--preset', preset, '--seed', '1'], {
      cwd: root,
      env: { ...process.env, CSDL_DATABASE_URL: source.url, CSDL_PSEUDONYM_SECRET: 'bench-secret-0123456789abcdef', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (generated.status !== 0) throw new Error(`csdl generate failed with status ${generated.status}`);
    const etlEnv = {
      ...process.env,
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      CSDL_PSEUDONYM_SECRET: process.env.CSDL_PSEUDONYM_SECRET ?? 'bench-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
    };
    const admin = new pg.Client({ connectionString: source.url });
    admin.on('error', () => {});
    await admin.connect();
    await admin.query('vacuum analyze');
    const gen = { counts: {} as Record<string, number> };
    for (const t of SOURCE_TABLES.filter((t) => !t.name.startsWith('dm_'))) {
      gen.counts[t.name] = Number((await admin.query(`select count(*) as n from csdl.${t.name}`)).rows[0].n);
    }
    if (skip.has('warmup')) say('no warm-up read (BENCH_SKIP=warmup)');
    else {
      say('warm-up read');
      await floor(source.url, workers);
    }

    say('(c) full load');
    const full = childMeasured(await measured(pgDir, () => etlInChild(etlEnv, true)));
    const fullPeakRssMiB = full.value.maxRssMiB;
    say('(d) update 1 % of hoc_sinh, can_bo, lop_hoc; incremental load');
    const changed: Record<string, number> = {};
    for (const t of ['hoc_sinh', 'can_bo', 'lop_hoc']) {
      changed[t] = await touchRows(admin, t, 'id % 100 = 42');
    }
    await admin.query('vacuum analyze');
    const incr = childMeasured(await measured(pgDir, () => etlInChild(etlEnv, false)));
    const peakRssMiB = Math.max(fullPeakRssMiB, incr.value.maxRssMiB);
    await admin.end();

    say('(a) floor');
    const fl = await measured(pgDir, () => floor(source.url, workers));
    say('(f) floor with our select lists');
    const flOurs = skip.has('ourselect') ? null : await measured(pgDir, () => floor(source.url, workers, true));
    say('(b) naive baseline');
    const nv = skip.has('naive') ? null : await measured(pgDir, () => naive(source.url, work));
    say('(g) warehouse-side floor: DuckDB takes in our select lists, as text and typed');
    const ing = skip.has('ingest') ? null : await ingestFloor(source.url, work);
    const cores = availableParallelism();
    // the least wall time of any full load on this machine, source and warehouse sharing its cores
    const least = ing ? (ing.text.cpu <= ing.typed.cpu ? ing.text : ing.typed) : null;
    const bound = least ? Math.max(fl.wall, (fl.pgCpu + least.cpu) / cores) : null;
    const [fullSeconds, incrSeconds] = [full.wall, incr.wall];
    const rows = full.value.summary.tables.reduce((a, t) => a + t.rowCount, 0);
    const result = {
      preset,
      generated: gen.counts,
      rows,
      workers,
      warehouseBytes: statSync(etlEnv.WAREHOUSE_PATH).size,
      csvBytes: nv ? nv.value.csvBytes : null,
      cores,
      ingest: ing,
      lowerBound: bound === null ? null : { seconds: bound, overFloor: bound / fl.wall, ingestWallOverFloor: least!.wall / fl.wall },
      seconds: { floor: fl.wall, floorOurSelect: flOurs?.wall ?? null, naive: nv?.wall ?? null, full: fullSeconds, incremental: incrSeconds },
      cpuSeconds: Object.fromEntries(
        Object.entries({ floor: fl, floorOurSelect: flOurs, naive: nv, full, incremental: incr }).flatMap(([k, m]) =>
          m ? [[k, { postgres: m.pgCpu, etlProcess: m.etlCpu }]] : [],
        ),
      ),
      loadAverage: loadavg(),
      incrementalChanged: changed,
      incrementalRead: Object.fromEntries(
        incr.value.summary.tables.filter((t) => t.mode === 'incremental').map((t) => [t.table, { keys: t.keysRead, rows: t.rowsRead, updated: t.updated }]),
      ),
      ratios: {
        fullOverFloor: fullSeconds / fl.wall,
        fullOverFloorOurSelect: flOurs ? fullSeconds / flOurs.wall : null,
        fullOverNaive: nv ? fullSeconds / nv.wall : null,
        incrementalOverFull: incrSeconds / fullSeconds,
      },
      peakRssMiB,
      fullPeakRssMiB,
      incrementalPeakRssMiB: incr.value.maxRssMiB,
      phases: { full: full.value.phases, incremental: incr.value.phases },
      targets: { fullOverFloor: 1.5, incrementalOverFull: 0.1, peakRssMiB: 1024 },
    };
    const f = (x: number | null) => (x === null ? '-' : x.toFixed(2));
    const cpu = (m: { pgCpu: number; etlCpu: number }) => `cpu: postgres ${f(m.pgCpu)} s, etl process ${f(m.etlCpu)} s`;
    // where a run's time went: staging until the publish, the publish until COMMIT (the checkpoint
    // starts right after it), the checkpoint, then the merge of incremental changes
    const phases = (r: ChildRun) => {
      const p = r.phases;
      const end = r.summary.seconds;
      const at = ['publish', 'checkpoint', 'merge'].filter((k) => p[k] !== undefined);
      return (
        at.map((k, i) => `${k} ${f((at[i + 1] ? p[at[i + 1]] : end) - p[k])} s`).join(', ') + (p.publish !== undefined ? ` (staging ${f(p.publish)} s)` : '')
      );
    };
    process.stdout.write(
      [
        `preset ${preset}: ${rows.toLocaleString('en-US')} rows (${Object.entries(gen.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}), ${workers} workers, load average ${result.loadAverage.map((l) => l.toFixed(1)).join(' ')}`,
        `(a) floor        ${f(fl.wall)} s (${fl.value.rows.toLocaleString('en-US')} rows)   ${cpu(fl)}`,
        flOurs ? `(f) our select   ${f(flOurs.wall)} s   ${cpu(flOurs)}` : '(f) our select   skipped (BENCH_SKIP)',
        nv ? `(b) naive        ${f(nv.wall)} s (${(nv.value.csvBytes / 2 ** 20).toFixed(0)} MiB of CSV)   ${cpu(nv)}` : '(b) naive        skipped (BENCH_SKIP)',
        ing
          ? `(g) ingest       ${(ing.csvBytes / 2 ** 20).toFixed(0)} MiB of our select lists into DuckDB, checkpointed: as text ${f(ing.text.wall)} s, cpu ${f(ing.text.cpu)} s; typed ${f(ing.typed.wall)} s, cpu ${f(ing.typed.cpu)} s`
          : '(g) ingest       skipped (BENCH_SKIP)',
        bound !== null
          ? `    lower bound of a full load here: max(floor, (floor postgres cpu + cheaper ingest cpu) / ${cores} cores) = ${f(bound)} s = ${f(bound / fl.wall)}x the floor; that ingest alone ${f(least!.wall / fl.wall)}x`
          : '',
        `(c) full         ${f(fullSeconds)} s   ${cpu(full)}`,
        `    ${phases(full.value)}`,
        `    full/floor ${f(result.ratios.fullOverFloor)} (target <= 1.5), full/our-select ${f(result.ratios.fullOverFloorOurSelect)}, full/naive ${f(result.ratios.fullOverNaive)}`,
        `(d) incremental  ${f(incrSeconds)} s   ${cpu(incr)}`,
        `    ${phases(incr.value)}`,
        `    incremental/full ${f(result.ratios.incrementalOverFull)} (target < 0.10); changed ${JSON.stringify(changed)}`,
        `(e) peak RSS     ${peakRssMiB.toFixed(0)} MiB (target < 1024): full load ${fullPeakRssMiB.toFixed(0)} MiB, incremental ${incr.value.maxRssMiB.toFixed(0)} MiB`,
        `warehouse file   ${(result.warehouseBytes / 2 ** 20).toFixed(0)} MiB`,
      ]
        .filter((line) => line !== '')
        .join('\n') + '\n',
    );
    const outDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `etl-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify(result, null, 2));
    say(`results written to ${out}`);
  } finally {
    await source.close();
    if (process.env.BENCH_DIR) say(`kept ${work} (warehouse ${join(work, 'warehouse.duckdb')})`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A child's step: its wall time is the run's own (runEtl's seconds, as when the step ran in this
 * process, without the child's start-up), its CPU the child's own report (this process only waited).
 */
function childMeasured(m: Awaited<ReturnType<typeof measured<ChildRun>>>): typeof m {
  return { ...m, wall: m.value.summary.seconds, etlCpu: m.value.cpuSeconds };
}

await main();
