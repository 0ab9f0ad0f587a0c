/**
 * Transform benchmark on generated data, all figures measured in the same process and run:
 *   (a) scan        one scan of the learner fact, grouped by school
 *                   (`select school_key, count(*), sum(khoi_hoc) from core.fct_learners group by 1`),
 *                   after a warm-up; the median of three;
 *   (b) full        `runTransform()` of staging, core and indicators, sidecar tests included;
 *   (c) province    `runTransform({ provinces: [code] })` after a full run, for the province with
 *                   the fewest learners (today's code), with its share of the learners, then for the
 *                   province with the most (a proportional recompute grows with the share);
 *   (d) least work  each learner record's status on both census days, counted per school, straight
 *                   from staging (bench/least-work.ts): the join every learner indicator needs,
 *                   without breakdowns or writes; its ratio to (a) bounds any full / scan from below;
 *   ratios          full / scan (target < 20), province / full, in wall-clock seconds and in
 *                   process CPU seconds (DuckDB's threads run in this process; CPU time is far
 *                   less sensitive than wall time to other work on a shared machine).
 *
 * Usage: npm run bench:transform -- [tiny|demo|province|national]   (default demo)
 *   BENCH_WAREHOUSE=<file>  reuse a warehouse already loaded by the ETL (skips generate and ETL)
 *   BENCH_DIR=<dir>         generate and load into this folder and keep it (for BENCH_WAREHOUSE later)
 * Results are printed and written to bench/results/transform-<preset>-<time>.json (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { runEtl } from '../pipelines/ingest/run-etl.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { runTransform, type TransformSummary } from '../pipelines/transform/run-transform.ts';
import { startTestSource } from '../test/support/source.ts';
import { CENSUS_STATUS_SQL, medianSeconds } from './least-work.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const work = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'csdl-bench-transform-'));
mkdirSync(work, { recursive: true });
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Generates the preset into an embedded PostgreSQL and loads it into a fresh warehouse file. */
async function loadedWarehouse(): Promise<string> {
  if (process.env.BENCH_WAREHOUSE) return process.env.BENCH_WAREHOUSE;
  const source = await startTestSource({ schema: false });
  try {
    let t0 = performance.now();
    await generate({ url: source.url, preset, seed: 1, onProgress: (m) => say(m) });
    say(`generated ${preset} in ${seconds(t0).toFixed(1)} s`);
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      CSDL_PSEUDONYM_SECRET: 'bench-transform-secret-0123456789',
      LOG_LEVEL: 'warn',
    });
    t0 = performance.now();
    await runEtl({ config, sourceUrl: source.url, full: true });
    say(`loaded in ${seconds(t0).toFixed(1)} s`);
    return config.warehousePath;
  } finally {
    await source.close();
  }
}

function modelSeconds(s: TransformSummary) {
  return {
    modelSeconds: +s.models.reduce((a, m) => a + m.seconds, 0).toFixed(3),
    testSeconds: +s.tests.reduce((a, t) => a + t.seconds, 0).toFixed(3),
    slowest: [...s.models]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 8)
      .map((m) => ({ model: m.model, rows: m.rows, seconds: +m.seconds.toFixed(3) })),
  };
}

const path = await loadedWarehouse();
const warehouse = await openWarehouse(path, { memoryLimit: process.env.CSDL_DUCKDB_MEMORY_LIMIT ?? '4GB' });
const conn = await warehouse.connect();
const deadlines = { deadlines: {}, defaultDeadline: { dn: '10-31', cn: '06-30' } };
try {
  // a first full run creates the fact the scan reads, and warms the caches
  const first = await runTransform({ warehouse: conn, deadlines });
  if (first.status !== 'succeeded') throw new Error(`transform failed: ${first.errors.slice(0, 3).join('\n')}`);
  const scanSql = 'select school_key, count(*), sum(khoi_hoc) from core.fct_learners group by 1';
  await conn.run(scanSql);
  const scans: number[] = [];
  const scanCpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await conn.run(scanSql);
    scans.push(seconds(t0));
    scanCpu.push(cpuSeconds(c0));
  }
  // (d) the least work: census-day statuses of every learner record counted per school (bench/least-work.ts)
  const census = await medianSeconds(conn, CENSUS_STATUS_SQL);
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const full = await runTransform({ warehouse: conn, deadlines });
  const fullSeconds = seconds(t0);
  const fullCpu = cpuSeconds(c0);

  const byProvince = await queryRows<{ code: string; learners: number }>(
    conn,
    `select current_province_code as code, count(*) as learners from core.fct_learners where current_province_code is not null group by 1 order by 2, 1`,
  );
  const total = byProvince.reduce((a, p) => a + Number(p.learners), 0);
  const province = byProvince[0];
  t0 = performance.now();
  c0 = process.cpuUsage();
  const partial = await runTransform({ warehouse: conn, deadlines, provinces: [province.code] });
  const provinceSeconds = seconds(t0);
  const provinceCpu = cpuSeconds(c0);
  // and the province with the most learners: proportional recomputes grow with the share
  const largest = byProvince.at(-1)!;
  t0 = performance.now();
  const partialLargest = await runTransform({ warehouse: conn, deadlines, provinces: [largest.code] });
  const largestSeconds = seconds(t0);

  const counts = await queryRows<{ k: string; n: number }>(
    conn,
    `select 'raw.hoc_sinh' as k, count(*) as n from raw.hoc_sinh union all select 'core.fct_learners', count(*) from core.fct_learners
     union all select 'core.fct_staff', count(*) from core.fct_staff union all select 'core.fct_classes', count(*) from core.fct_classes
     union all select 'core.fct_schools', count(*) from core.fct_schools union all select 'indicators.indicator_values', count(*) from indicators.indicator_values`,
  );
  const scan = median(scans);
  const scanCpuSeconds = median(scanCpu);
  const result = {
    preset,
    at: new Date().toISOString(),
    warehouseBytes: statSync(path).size,
    rows: Object.fromEntries(counts.map((c) => [c.k, Number(c.n)])),
    scan: { seconds: +scan.toFixed(4), cpuSeconds: +scanCpuSeconds.toFixed(4), runs: scans.map((s) => +s.toFixed(4)) },
    leastWork: { censusStatusSeconds: +census.toFixed(3), overScan: +(census / scan).toFixed(1) },
    full: {
      seconds: +fullSeconds.toFixed(3),
      cpuSeconds: +fullCpu.toFixed(3),
      status: full.status,
      models: full.models.length,
      tests: full.tests.length,
      ...modelSeconds(full),
    },
    province: {
      code: province.code,
      learnerShare: +(Number(province.learners) / total).toFixed(4),
      seconds: +provinceSeconds.toFixed(3),
      cpuSeconds: +provinceCpu.toFixed(3),
      status: partial.status,
      ...modelSeconds(partial),
    },
    largestProvince: {
      code: largest.code,
      learnerShare: +(Number(largest.learners) / total).toFixed(4),
      seconds: +largestSeconds.toFixed(3),
      status: partialLargest.status,
      ...modelSeconds(partialLargest),
    },
    ratios: {
      fullOverScan: +(fullSeconds / scan).toFixed(1),
      provinceOverFull: +(provinceSeconds / fullSeconds).toFixed(3),
      largestProvinceOverFull: +(largestSeconds / fullSeconds).toFixed(3),
      cpuFullOverScan: +(fullCpu / scanCpuSeconds).toFixed(1),
      cpuProvinceOverFull: +(provinceCpu / fullCpu).toFixed(3),
    },
    loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    cpus: os.cpus().length,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `transform-${preset}-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + `\nwritten to ${file}\n`);
} finally {
  conn.closeSync();
  warehouse.close();
  if (!process.env.BENCH_WAREHOUSE && !process.env.BENCH_DIR) rmSync(work, { recursive: true, force: true });
}
