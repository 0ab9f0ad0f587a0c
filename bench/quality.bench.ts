/**
 * Data-quality benchmark on generated data, all figures measured in the same process and run:
 *   (a) scan      one scan of the learner fact grouped by school
 *                 (`select school_key, count(*), sum(khoi_hoc) from core.fct_learners group by 1`),
 *                 after a warm-up; the median of three;
 *   (b) quality   `runQuality({ periods: [one period] })`: every rule of the catalogue for the
 *                 latest start-of-year period, history committed, scores and ranks published;
 *                 also the rule evaluation alone (without the model runs around it);
 *   (c) least     every column of the period's learner records read once, plus one group-by of
 *                 their pseudonyms (bench/least-work.ts): two rule families' least work, a lower
 *                 bound of any quality / scan;
 *   ratios        quality / scan and evaluation / scan (target < 15);
 *   spread        how the schools' overall scores spread under the record-based scores and under
 *                 the rule-check scores they replaced, from the same results (bench/score-spread.ts);
 *   failures      rows and bytes of the failing records kept, and the API's queries over them
 *                 (bench/failure-queries.ts);
 *   proof         recall per defect kind and precision per rule against synthetic.defects
 *                 (every rule run in full over every period, one period at a time).
 *
 * Usage: npm run bench:quality -- [tiny|demo|province|national]   (default demo)
 *   BENCH_WAREHOUSE=<file> BENCH_DEFECTS=<json>  reuse a loaded warehouse and its manifest
 *   BENCH_WAREHOUSE=<file> BENCH_PG_DIR=<dir>    reuse a loaded warehouse, reading the manifest from
 *                                                the embedded source it was loaded from
 *   BENCH_SKIP=warmup                            no warm-up quality run before the timed one (never on national)
 *   BENCH_SKIP=transform,proof                   reuse staging/core as loaded; no recall/precision proof
 *   BENCH_SKIP=transform,timed                   reuse what an earlier run built; the proof alone
 *   BENCH_DEFECT_RATE=<x>                        generate with every defect rate multiplied by x (default 1):
 *                                                defects that meet on one record, rare at rate 1, become common
 * Results are printed and written to bench/results/quality-<preset>-<time>.json (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { runEtl } from '../pipelines/ingest/run-etl.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { DEADLINES, DEFAULT_DEADLINE } from '../sample/generate/presets.ts';
import { buildCatalog } from '../pipelines/quality/catalog.ts';
import { measure, type Defect } from '../test/support/quality-proof.ts';
import { runQuality } from '../pipelines/quality/run-quality.ts';
import { readWarehouseColumns } from '../pipelines/quality/warehouse-columns.ts';
import { runTransform } from '../pipelines/transform/run-transform.ts';
import pg from 'pg';
import { startEmbedded } from '../lib/source.ts';
import { freePort, startTestSource } from '../test/support/source.ts';
import { failureCosts } from './failure-queries.ts';
import { learnerRuleFloorSql, medianSeconds } from './least-work.ts';
import { scoreSpread } from './score-spread.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const work = mkdtempSync(join(tmpdir(), 'csdl-bench-quality-'));
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// the deadlines the generator planned data entry against (its late units miss them)
const deadlines = { deadlines: DEADLINES, defaultDeadline: DEFAULT_DEADLINE };

/** Generates the preset, loads it, and keeps the ground-truth manifest. */
async function loaded(): Promise<{ path: string; defects: Defect[] }> {
  if (process.env.BENCH_WAREHOUSE && process.env.BENCH_DEFECTS) {
    return { path: process.env.BENCH_WAREHOUSE, defects: JSON.parse(readFileSync(process.env.BENCH_DEFECTS, 'utf8')) };
  }
  if (process.env.BENCH_WAREHOUSE && process.env.BENCH_PG_DIR) {
    const source = await startEmbedded(process.env.BENCH_PG_DIR, await freePort());
    try {
      const client = new pg.Client({ connectionString: source.url });
      await client.connect();
      const defects = (await client.query('select * from synthetic.defects')).rows as Defect[];
      await client.end();
      say(`read ${defects.length} defects from ${process.env.BENCH_PG_DIR}`);
      return { path: process.env.BENCH_WAREHOUSE, defects };
    } finally {
      await source.close();
    }
  }
  const source = await startTestSource({ schema: false });
  try {
    let t0 = performance.now();
    const defectRate = Number(process.env.BENCH_DEFECT_RATE ?? 1);
    await generate({ url: source.url, preset, seed: 1, defectRate, onProgress: (m) => say(m) });
    say(`generated ${preset} in ${seconds(t0).toFixed(1)} s`);
    const defects = (await source.query('select * from synthetic.defects')).rows as Defect[];
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      CSDL_PSEUDONYM_SECRET: 'bench-quality-secret-0123456789',
      LOG_LEVEL: 'warn',
    });
    t0 = performance.now();
    await runEtl({ config, sourceUrl: source.url, full: true });
    say(`loaded in ${seconds(t0).toFixed(1)} s`);
    writeFileSync(join(work, 'defects.json'), JSON.stringify(defects));
    say(`warehouse ${config.warehousePath}, manifest ${join(work, 'defects.json')} (reuse with BENCH_WAREHOUSE / BENCH_DEFECTS)`);
    return { path: config.warehousePath, defects };
  } finally {
    await source.close();
  }
}

const { path, defects } = await loaded();
const warehouse = await openWarehouse(path, { memoryLimit: process.env.CSDL_DUCKDB_MEMORY_LIMIT ?? '4GB' });
const conn = await warehouse.connect();
try {
  // the rules read the raw tables and the core model; the indicators are not needed here
  const skipped = new Set((process.env.BENCH_SKIP ?? '').split(',').map((x) => x.trim()));
  if (skipped.has('transform')) say('staging and core taken as they are in the warehouse (BENCH_SKIP=transform)');
  else {
    const transformed = await runTransform({ warehouse: conn, deadlines, select: ['staging', 'core'] });
    if (transformed.status !== 'succeeded') throw new Error(`transform failed: ${transformed.errors.slice(0, 3).join('\n')}`);
  }
  const scanSql = 'select school_key, count(*), sum(khoi_hoc) from core.fct_learners group by 1';
  await conn.run(scanSql);
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await conn.run(scanSql);
    scans.push(seconds(t0));
  }
  const scan = median(scans);
  const [{ period, nam_hoc }] = await queryRows<{ period: string; nam_hoc: number }>(
    conn,
    `select max(period) as period, max(nam_hoc) as nam_hoc from core.dim_periods where ky = 'DN'`,
  );
  // the least work of two rule families on the period's learner records (bench/least-work.ts)
  const floorSql = await learnerRuleFloorSql(conn, Number(nam_hoc));
  const everyColumn = await medianSeconds(conn, floorSql.everyColumn);
  const duplicates = await medianSeconds(conn, floorSql.duplicates);
  // a first run builds the quality inputs and warms the caches; the second is timed
  if (preset === 'national' || skipped.has('warmup')) say('no warm-up run (BENCH_SKIP=warmup); the timed run builds the quality inputs');
  else await runQuality({ warehouse: conn, periods: [period], deadlines, runId: `bench-warmup-${Date.now()}` });
  const t0 = performance.now();
  // CPU time of the whole process (DuckDB's threads included): less sensitive than wall time to other work on the machine
  const cpu0 = process.cpuUsage();
  // BENCH_SKIP=timed: only the proof, over the quality inputs an earlier run left in the warehouse
  const summary = skipped.has('timed')
    ? { rules: 0, recordsChecked: 0, steps: [] as Array<{ name: string; rules: number; ms: number }> }
    : await runQuality({ warehouse: conn, periods: [period], deadlines, runId: `bench-${Date.now()}` });
  const total = seconds(t0);
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const evaluation = summary.steps.reduce((a, s) => a + s.ms, 0) / 1000;
  const [{ learners }] = await queryRows<{ learners: number }>(conn, `select count(*) as learners from core.fct_learners where period = '${period}'`);

  // the timing first: the proof below runs every rule over every period and can take far longer
  say(
    `timed run: ${summary.rules} rules, ${summary.recordsChecked} records checked, ${learners} learners; scan ${scan.toFixed(3)} s; quality ${total.toFixed(2)} s (${(total / scan).toFixed(1)}x, CPU ${cpuSeconds.toFixed(2)} s), rule evaluation ${evaluation.toFixed(2)} s (${(evaluation / scan).toFixed(1)}x)`,
  );
  const spread = skipped.has('timed') ? [] : await scoreSpread(conn, [period]);
  const failures = skipped.has('timed') ? null : await failureCosts(conn, period);
  say('measuring recall and precision against the manifest (every rule, every period, a period at a time)');
  await conn.run('create or replace temp table dq_eval_periods as select * from quality.dq_periods');
  const p0 = performance.now();
  const proof = skipped.has('proof') ? { recall: [], precision: [] } : await measure(conn, buildCatalog(await readWarehouseColumns(conn)), defects, say);
  const proofSeconds = seconds(p0);

  const result = {
    preset,
    period,
    learners: Number(learners),
    rules: summary.rules,
    recordsChecked: summary.recordsChecked,
    scanSeconds: +scan.toFixed(3),
    qualitySeconds: +total.toFixed(2),
    qualityCpuSeconds: +cpuSeconds.toFixed(2),
    evaluationSeconds: +evaluation.toFixed(2),
    ratio: +(total / scan).toFixed(1),
    leastWork: {
      everyLearnerColumnSeconds: +everyColumn.toFixed(3),
      learnerDuplicatesSeconds: +duplicates.toFixed(3),
      overScan: +((everyColumn + duplicates) / scan).toFixed(1),
    },
    evaluationRatio: +(evaluation / scan).toFixed(1),
    spread,
    failures,
    slowestSteps: [...summary.steps]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((s) => ({ step: s.name, rules: s.rules, seconds: +(s.ms / 1000).toFixed(2) })),
    recall: proof.recall.map((r) => ({ kind: r.kind, defects: r.defects, found: r.found, recall: +r.recall.toFixed(4) })),
    precision: proof.precision.map((p) => ({ rule: p.rule_id, flagged: p.flagged, precision: p.precision === null ? null : +p.precision.toFixed(4) })),
    // the first keys of what the proof got wrong, to look up in the source
    missed: Object.fromEntries(proof.recall.filter((r) => r.missed.length).map((r) => [r.kind, r.missed])),
    unexplained: Object.fromEntries(proof.precision.filter((p) => p.unexplained.length).map((p) => [p.rule_id, p.unexplained])),
    proofSeconds: +proofSeconds.toFixed(1),
  };
  console.log(
    `quality benchmark (${preset}, ${period}): ${result.rules} rules, ${result.recordsChecked.toLocaleString('en-US')} records checked, ${result.learners.toLocaleString('en-US')} learners`,
  );
  console.log(
    `  learner-fact scan ${result.scanSeconds} s; quality run ${result.qualitySeconds} s (${result.ratio}x), rule evaluation ${result.evaluationSeconds} s (${result.evaluationRatio}x); target < 15x`,
  );
  console.log(
    `  least work (learner columns read once ${result.leastWork.everyLearnerColumnSeconds} s + one group-by of learner pseudonyms ${result.leastWork.learnerDuplicatesSeconds} s) = ${result.leastWork.overScan}x the scan: a lower bound of the ratio`,
  );
  console.table(result.slowestSteps);
  console.log("  spread of the schools' overall scores, record-based against the rule-check scores before #26, from the same results:");
  console.table(result.spread);
  if (failures) {
    console.log(
      `  failing records kept: history ${failures.historyRows.toLocaleString('en-US')} rows, ${failures.historyMiB} MiB; published ${failures.publishedRows.toLocaleString('en-US')} rows, ${failures.publishedMiB} MiB (each alone in a fresh DuckDB file)`,
    );
    console.log(
      `  school ${failures.school.code} (${failures.school.findings} findings): first page ${failures.school.firstPageMs} ms, all ${failures.school.pages} pages ${failures.school.allPagesMs} ms; province ${failures.province.code} (${failures.province.findings} findings): first page ${failures.province.firstPageMs} ms, workbook ${failures.province.workbookSeconds} s, ${failures.province.workbookMiB} MiB`,
    );
  }
  console.table(result.recall);
  console.table(result.precision.filter((p) => p.precision !== 1));
  for (const [kind, keys] of Object.entries(result.missed)) console.log(`  missed ${kind}: ${keys.join(' ')}`);
  for (const [rule, keys] of Object.entries(result.unexplained)) console.log(`  unexplained ${rule}: ${keys.join(' ')}`);
  console.log(`  rules with precision 1: ${result.precision.filter((p) => p.precision === 1).length} of ${result.precision.length} that flagged anything`);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `quality-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  say(`written ${file}`);
} finally {
  conn.closeSync();
  warehouse.close();
}
