/**
 * Export benchmark on generated data, every figure measured in the same process and run:
 *   setup      generate the preset (seed 1), ETL, transform, quality; every province with data
 *              approves its latest start-of-year period (no quality gate: the sample carries
 *              planted defects), the others are marked not reporting, the nation approves
 *              (freeze times are printed);
 *   (a) package  the national package of that period (`exportPackage`, recipient ministry: both
 *              workbooks, three tables in CSV, Parquet, Arrow and JSON, SDMX-CSV, manifest with
 *              hashes), written to a fresh folder each time; median of three;
 *   (b) floor    DuckDB writing the same rows of the same three tables (the version's frozen rows,
 *              in the package's order) with COPY ... (FORMAT parquet) and COPY ... (FORMAT csv);
 *              median of three;
 *   ratio        package / floor, and the package's size;
 *   the same for the largest province's package (its whole subtree down to the schools).
 *
 * Usage: npm run bench:export -- [tiny|demo|province|national]   (default demo)
 *   BENCH_WAREHOUSE=<file>   reuse a warehouse built (and approved) by an earlier run of this benchmark
 * Results are printed and written to bench/results/export-<preset>-<time>.json (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { approvalStates, approve, setNotReporting } from '../pipelines/approval/index.ts';
import { exportPackage } from '../pipelines/export/index.ts';
import { runEtl } from '../pipelines/ingest/index.ts';
import { runQuality } from '../pipelines/quality/index.ts';
import { runTransform } from '../pipelines/transform/index.ts';
import { generate, type Preset } from '../sample/generate/generate.ts';
import { DEADLINES, DEFAULT_DEADLINE } from '../sample/generate/presets.ts';
import { createAccount } from '../server/accounts/accounts.store.ts';
import { startTestSource } from '../test/support/source.ts';

const preset = (process.argv[2] ?? 'demo') as Preset;
const work = mkdtempSync(join(tmpdir(), 'csdl-bench-export-'));
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const say = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const deadlines = { deadlines: DEADLINES, defaultDeadline: DEFAULT_DEADLINE };
const fmt = (n: number, d = 2) => n.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Generates the preset and builds the warehouse (or reuses BENCH_WAREHOUSE). */
async function warehousePath(): Promise<{ path: string; fresh: boolean }> {
  if (process.env.BENCH_WAREHOUSE) return { path: process.env.BENCH_WAREHOUSE, fresh: false };
  const source = await startTestSource({ schema: false });
  try {
    let t0 = performance.now();
    await generate({ url: source.url, preset, seed: 1, onProgress: (m) => say(m) });
    say(`generated ${preset} in ${seconds(t0).toFixed(1)} s`);
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      CSDL_PSEUDONYM_SECRET: 'bench-export-secret-0123456789',
      WAREHOUSE_PATH: join(work, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(work, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    t0 = performance.now();
    await runEtl({ config, sourceUrl: source.url, full: true });
    say(`loaded in ${seconds(t0).toFixed(1)} s`);
    return { path: config.warehousePath, fresh: true };
  } finally {
    await source.close();
  }
}

/** The three tables of a version, in the package's order (what both the package and the floor write). */
function tableSql(versionId: string): Record<string, string> {
  const v = `'${versionId}'`;
  const rank = `list_position(['nation', 'province', 'district', 'commune', 'school'], unit_level)`;
  return {
    indicator_values: `select * exclude (version_id) from meta.frozen_indicator_values where version_id = ${v} order by ${rank}, unit_key, indicator, breakdown`,
    form_cells: `select * exclude (version_id) from meta.frozen_form_cells where version_id = ${v} order by ${rank}, unit_key, form, sheet, ma_so, col_no`,
    quality_scores: `select * exclude (version_id) from meta.frozen_quality_scores where version_id = ${v} order by ${rank}, unit_code, dimension`,
  };
}

async function main(): Promise<void> {
  const { path, fresh } = await warehousePath();
  const warehouse = await openWarehouse(path, { memoryLimit: process.env.CSDL_DUCKDB_MEMORY_LIMIT ?? '4GB' });
  const conn = await warehouse.connect();
  const result: Record<string, unknown> = { preset, at: new Date().toISOString() };
  try {
    if (fresh) {
      let t0 = performance.now();
      const t = await runTransform({ warehouse: conn, deadlines });
      if (t.status !== 'succeeded') throw new Error(t.errors.slice(0, 5).join('\n'));
      say(`transformed in ${seconds(t0).toFixed(1)} s`);
      t0 = performance.now();
      await runQuality({ warehouse: conn, deadlines });
      say(`quality in ${seconds(t0).toFixed(1)} s`);
    }
    const [{ period }] = await queryRows<{ period: string }>(conn, `select period from core.dim_periods where ky = 'DN' order by census_day desc limit 1`);
    if (!(await approvalStates(conn, period)).get('N:VN')?.approved) {
      const nation = (await createAccount(conn, { unit: 'VN', kind: 'admin', name: 'bench: Bộ' })).account;
      const provinces = await queryRows<{ unit_key: string; unit_code: string; schools: number }>(
        conn,
        `select u.unit_key, u.unit_code, (select count(*) from core.fct_schools s where s.period = ? and s.province_key = u.unit_key and s.is_active)::int as schools
         from core.dim_units u, core.dim_periods p
         where p.period = ? and u.unit_level = 'province' and p.census_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31')`,
        [period, period],
      );
      const freezes: Array<{ unit: string; seconds: number }> = [];
      for (const p of provinces) {
        if (p.schools === 0) {
          await setNotReporting(conn, { period, unit: p.unit_key, actor: nation, notReporting: true });
          continue;
        }
        const admin = (await createAccount(conn, { unit: p.unit_key, kind: 'admin', name: `bench: ${p.unit_code}` })).account;
        const t0 = performance.now();
        await approve(conn, { period, unit: p.unit_key, actor: admin, gate: [] });
        freezes.push({ unit: p.unit_code, seconds: seconds(t0) });
      }
      const t0 = performance.now();
      await approve(conn, { period, unit: 'VN', actor: nation, gate: [] });
      freezes.push({ unit: 'VN', seconds: seconds(t0) });
      result.freezes = freezes;
      say(`approved ${freezes.length - 1} provinces and the nation: ${freezes.map((f) => `${f.unit} ${fmt(f.seconds)} s`).join(', ')}`);
    }
    const states = await approvalStates(conn, period);
    const [largest] = await queryRows<{ unit_key: string; version_id: string }>(
      conn,
      `select unit_key, version_id from meta.approved_versions where period = ? and unit_level = 'province' order by form_rows desc limit 1`,
      [period],
    );
    for (const [label, unit] of [
      ['national', 'N:VN'],
      ['largest province', largest?.unit_key],
    ] as const) {
      if (!unit) continue;
      const versionId = states.get(unit)!.version_id!;
      const packageTimes: number[] = [];
      let manifest;
      for (let i = 0; i < 3; i++) {
        const out = join(work, `out-${label.replace(/ /g, '-')}-${i}`);
        const t0 = performance.now();
        manifest = (await exportPackage(conn, { period, unit, outDir: out, via: 'cli', requestedBy: 'bench' })).manifest;
        packageTimes.push(seconds(t0));
        rmSync(out, { recursive: true, force: true });
      }
      const floorTimes: number[] = [];
      const floorDir = join(work, 'floor');
      mkdirSync(floorDir, { recursive: true });
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        for (const [name, sql] of Object.entries(tableSql(versionId))) {
          await conn.run(`copy (${sql}) to '${join(floorDir, `${name}.parquet`)}' (format parquet, compression zstd)`);
          await conn.run(`copy (${sql}) to '${join(floorDir, `${name}.csv`)}' (format csv, header true)`);
        }
        floorTimes.push(seconds(t0));
      }
      rmSync(floorDir, { recursive: true, force: true });
      const pkg = median(packageTimes);
      const floor = median(floorTimes);
      const bytes = manifest!.files.reduce((s, f) => s + f.bytes, 0);
      const rows = Object.fromEntries(manifest!.files.filter((f) => f.format === 'csv').map((f) => [f.dataset, f.rows]));
      result[label] = {
        unit,
        versionId,
        packageSeconds: packageTimes,
        floorSeconds: floorTimes,
        ratio: pkg / floor,
        bytes,
        files: manifest!.files.length,
        rows,
      };
      process.stdout.write(
        `${label} package (${unit}, ${period}): ${fmt(pkg)} s against DuckDB's COPY to Parquet + CSV of the same rows ${fmt(floor)} s = ${fmt(pkg / floor)}x; ` +
          `${manifest!.files.length} files, ${fmt(bytes / 1024 / 1024)} MiB; rows ${JSON.stringify(rows)}\n`,
      );
    }
  } finally {
    conn.closeSync();
    warehouse.close();
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `export-${preset}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  say(`results written to ${file}`);
  if (!process.env.BENCH_WAREHOUSE) rmSync(work, { recursive: true, force: true });
  else say(`work folder ${work} kept`);
}

await main();
