/**
 * ETL benchmark on a generated source, all figures measured in the same process and run:
 *   (a) floor        plain `COPY (select * from csdl.<t>) TO STDOUT` of every table to a discarding
 *                    stream, over the same snapshot workers and id ranges as the ETL;
 *   (b) naive        COPY of each table to one CSV file, then one DuckDB `read_csv` per table
 *                    (all columns as text: no typing, no pseudonyms, no flags, so a lower bound);
 *   (c) full         `runEtl({ full: true })` into a fresh warehouse;
 *   (d) incremental  `runEtl()` after 1 % of hoc_sinh, can_bo and lop_hoc rows were updated;
 *   (e) peak RSS     process.resourceUsage().maxRSS right after (c) and (d);
 *   (f) our SELECT   (a) with the ETL's own select lists (personal flags computed by PostgreSQL):
 *                    the cost of a privacy-preserving extraction before any loading;
 *   CPU seconds of every step, split between the PostgreSQL server (its backends, read from /proc)
 *   and this process (Node + DuckDB threads): on a host shared by both, as here, wall time is
 *   bounded by their sum; with the source on its own server, by the larger of the two.
 * A warm-up read precedes everything so that no step pays for a cold cache alone.
 *
 * Usage: npm run bench:etl -- [tiny|demo|province|national]   (default demo)
 *   BENCH_PG_DIR=<dir>   keep the generated source there and reuse it on the next run
 *   CSDL_ETL_PARALLELISM the workers of (a), (b)'s DuckDB threads aside, and (c)/(d)
 * Results are printed and written to bench/results/etl-<preset>-<time>.json (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../lib/config.ts';
import { startEmbedded } from '../lib/source.ts';
import { openWarehouse } from '../lib/warehouse.ts';
import { copyToFile, copyToStream } from '../pipelines/extract/copy-extract.ts';
import { rangeWhere, tableRanges } from '../pipelines/extract/id-ranges.ts';
import { selectSql } from '../pipelines/extract/contract.ts';
import { checkSourceSchema } from '../pipelines/extract/schema-check.ts';
import { openSnapshot } from '../pipelines/extract/snapshot.ts';
import { WorkerPool } from '../pipelines/extract/worker-pool.ts';
import { runEtl } from '../pipelines/etl/run-etl.ts';
import type { Preset } from '../pipelines/generate/generate.ts';
import { SOURCE_TABLES } from '../pipelines/extract/tables.ts';
import { freePort } from '../test/support/source.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const work = mkdtempSync(join(tmpdir(), 'csdl-bench-etl-'));
const pgDir = process.env.BENCH_PG_DIR ?? join(work, 'pg');
const workers = Number(process.env.CSDL_ETL_PARALLELISM ?? 2);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** CPU seconds used so far by the PostgreSQL server under `pgDir` (live backends and reaped ones). */
function pgCpuSeconds(): number {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile) || !existsSync('/proc')) return NaN;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const fields = (pid: number | string) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  const pm = fields(postmaster);
  let ticks = Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]); // utime stime cutime cstime
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fields(pid);
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / 100;
}

/** CPU seconds of this process (Node and DuckDB threads). */
const selfCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `fn` and returns its result with wall and CPU seconds (PostgreSQL server, this process). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; pgCpu: number; etlCpu: number }> {
  const [pg0, self0, t0] = [pgCpuSeconds(), selfCpuSeconds(), performance.now()];
  const value = await fn();
  const wall = seconds(t0);
  const etlCpu = selfCpuSeconds() - self0;
  await new Promise((r) => setTimeout(r, 300)); // let the server reap the step's backends
  return { value, wall, pgCpu: pgCpuSeconds() - pg0, etlCpu };
}

/** (a) and (f): every table in parallel id ranges over a snapshot, bytes discarded. */
async function floor(url: string, ours = false): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  const snap = await openSnapshot(url, workers, 'bench-floor');
  try {
    const pool = new WorkerPool(snap.workers);
    const contracts = await checkSourceSchema(snap.coordinator);
    const tasks: Array<Promise<number>> = [];
    for (const c of contracts) {
      const t = `csdl."${c.name}"`;
      const ranges = c.keyed ? (await pool.use((w) => tableRanges(w, c.name, workers))).ranges : [null];
      for (const r of ranges) {
        const discard = new Writable({ write: (_chunk, _enc, done) => done() });
        const where = r ? rangeWhere(r) : undefined;
        const sql = ours ? selectSql(c, where) : `select * from ${t}${where ? ` where ${where}` : ''}`;
        tasks.push(pool.use((w) => copyToStream(w, sql, discard)));
      }
    }
    const rows = (await Promise.all(tasks)).reduce((a, b) => a + b, 0);
    return { seconds: seconds(t0), rows };
  } finally {
    await snap.close();
  }
}

/** (b): one CSV file per table (`select *`, with header), then DuckDB reads each with read_csv. */
async function naive(url: string): Promise<{ seconds: number; rows: number; csvBytes: number }> {
  const t0 = performance.now();
  const dir = join(work, 'naive');
  mkdirSync(dir, { recursive: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const wh = await openWarehouse(join(work, 'naive.duckdb'));
  const conn = await wh.connect();
  let rows = 0;
  let csvBytes = 0;
  try {
    for (const c of await checkSourceSchema(client)) {
      const file = join(dir, `${c.name}.csv`);
      rows += await copyToFile(client, `select * from csdl."${c.name}"`, file);
      csvBytes += statSync(file).size;
      await conn.run(`create table "${c.name}" as select * from read_csv('${file}', header = false, all_varchar = true)`);
    }
  } finally {
    conn.closeSync();
    wh.close();
    await client.end();
  }
  return { seconds: seconds(t0), rows, csvBytes };
}

async function main(): Promise<void> {
  mkdirSync(pgDir, { recursive: true });
  const source = await startEmbedded(pgDir, await freePort());
  try {
    say(`generating preset ${preset} (seed 1) into ${pgDir} (child process, so that (e) measures the ETL alone)`);
    const generated = spawnSync(process.execPath, ['bin/csdl.js', 'generate', '--preset', preset, '--seed', '1'], {
      cwd: fileURLToPath(new URL('../', import.meta.url)),
      env: { ...process.env, CSDL_DATABASE_URL: source.url, CSDL_PSEUDONYM_SECRET: 'bench-secret-0123456789abcdef', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (generated.status !== 0) throw new Error(`csdl generate failed with status ${generated.status}`);
    const config = loadConfig({
      ...process.env,
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      CSDL_PSEUDONYM_SECRET: process.env.CSDL_PSEUDONYM_SECRET ?? 'bench-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
    });
    const admin = new pg.Client({ connectionString: source.url });
    admin.on('error', () => {});
    await admin.connect();
    await admin.query('vacuum analyze');
    const gen = { counts: {} as Record<string, number> };
    for (const t of SOURCE_TABLES.filter((t) => !t.name.startsWith('dm_'))) {
      gen.counts[t.name] = Number((await admin.query(`select count(*) as n from csdl.${t.name}`)).rows[0].n);
    }
    say('warm-up read');
    await floor(source.url);

    say('(c) full load');
    const full = await measured(() => runEtl({ config, sourceUrl: source.url, full: true }));
    say('(d) update 1 % of hoc_sinh, can_bo, lop_hoc; incremental load');
    const changed: Record<string, number> = {};
    for (const t of ['hoc_sinh', 'can_bo', 'lop_hoc']) {
      const r = await admin.query(`update csdl.${t} set nam_hoc = nam_hoc where id % 100 = 42`);
      changed[t] = r.rowCount ?? 0;
    }
    await admin.query('vacuum analyze');
    const incr = await measured(() => runEtl({ config, sourceUrl: source.url }));
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    await admin.end();

    say('(a) floor');
    const fl = await measured(() => floor(source.url));
    say('(f) floor with our select lists');
    const flOurs = await measured(() => floor(source.url, true));
    say('(b) naive baseline');
    const nv = await measured(() => naive(source.url));
    const [fullSeconds, incrSeconds] = [full.wall, incr.wall];
    const rows = full.value.tables.reduce((a, t) => a + t.rowCount, 0);
    const result = {
      preset,
      generated: gen.counts,
      rows,
      workers,
      warehouseBytes: statSync(config.warehousePath).size,
      csvBytes: nv.value.csvBytes,
      seconds: { floor: fl.wall, floorOurSelect: flOurs.wall, naive: nv.wall, full: fullSeconds, incremental: incrSeconds },
      cpuSeconds: Object.fromEntries(
        Object.entries({ floor: fl, floorOurSelect: flOurs, naive: nv, full, incremental: incr }).map(([k, m]) => [k, { postgres: m.pgCpu, etlProcess: m.etlCpu }]),
      ),
      loadAverage: (await import('node:os')).loadavg(),
      incrementalChanged: changed,
      incrementalRead: Object.fromEntries(incr.value.tables.filter((t) => t.mode === 'incremental').map((t) => [t.table, { keys: t.keysRead, rows: t.rowsRead, updated: t.updated }])),
      ratios: {
        fullOverFloor: fullSeconds / fl.wall,
        fullOverFloorOurSelect: fullSeconds / flOurs.wall,
        fullOverNaive: fullSeconds / nv.wall,
        incrementalOverFull: incrSeconds / fullSeconds,
      },
      peakRssMiB,
      targets: { fullOverFloor: 1.5, incrementalOverFull: 0.1, peakRssMiB: 1024 },
    };
    const f = (x: number) => x.toFixed(2);
    const cpu = (m: { pgCpu: number; etlCpu: number }) => `cpu: postgres ${f(m.pgCpu)} s, etl process ${f(m.etlCpu)} s`;
    process.stdout.write(
      [
        `preset ${preset}: ${rows.toLocaleString('en-US')} rows (${Object.entries(gen.counts).map(([k, v]) => `${k} ${v}`).join(', ')}), ${workers} workers, load average ${result.loadAverage.map((l) => l.toFixed(1)).join(' ')}`,
        `(a) floor        ${f(fl.wall)} s (${fl.value.rows.toLocaleString('en-US')} rows)   ${cpu(fl)}`,
        `(f) our select   ${f(flOurs.wall)} s   ${cpu(flOurs)}`,
        `(b) naive        ${f(nv.wall)} s (${(nv.value.csvBytes / 2 ** 20).toFixed(0)} MiB of CSV)   ${cpu(nv)}`,
        `(c) full         ${f(fullSeconds)} s   ${cpu(full)}`,
        `    full/floor ${f(result.ratios.fullOverFloor)} (target <= 1.5), full/our-select ${f(result.ratios.fullOverFloorOurSelect)}, full/naive ${f(result.ratios.fullOverNaive)}`,
        `(d) incremental  ${f(incrSeconds)} s   ${cpu(incr)}`,
        `    incremental/full ${f(result.ratios.incrementalOverFull)} (target < 0.10); changed ${JSON.stringify(changed)}`,
        `(e) peak RSS     ${peakRssMiB.toFixed(0)} MiB (target < 1024)`,
        `warehouse file   ${(result.warehouseBytes / 2 ** 20).toFixed(0)} MiB`,
      ].join('\n') + '\n',
    );
    const outDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, `etl-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify(result, null, 2));
    say(`results written to ${out}`);
  } finally {
    await source.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
