/**
 * One incremental ETL run against an already loaded warehouse, with the process's peak RSS sampled
 * every 100 ms: for the national preset, where a whole `bench:etl` run (full load, update,
 * incremental, floor) is too long to repeat. Prints rows read per table, seconds and peak RSS.
 *
 * Usage: BENCH_PG_DIR=<embedded source dir> BENCH_WAREHOUSE=<warehouse.duckdb> npx tsx bench/etl-incremental.bench.ts
 *   BENCH_UPDATE=1        first update 1 % of hoc_sinh, can_bo and lop_hoc, spread over the table
 *                         (id % 100 = 42, as bench:etl does): every stored vector of those tables
 *                         gets a delete, the worst case for the publish's version info
 *   BENCH_UPDATE=schools  first update every record of 1 % of the schools in those tables (the
 *                         pattern of schools entering their data, changes clustered by school)
 *   LOG_LEVEL=debug       the ETL's phase log; the RSS is printed whenever it grows by 32 MiB
 */
import pg from 'pg';
import { dirname, join } from 'node:path';
import { loadConfig } from '../lib/config.ts';
import { startEmbedded } from '../lib/source.ts';
import { runEtl } from '../pipelines/ingest/run-etl.ts';
import { freePort } from '../test/support/source.ts';
import { touchRows } from './etl-steps.ts';

const pgDir = process.env.BENCH_PG_DIR;
const warehousePath = process.env.BENCH_WAREHOUSE;
if (!pgDir || !warehousePath) throw new Error('set BENCH_PG_DIR and BENCH_WAREHOUSE');
const source = await startEmbedded(pgDir, await freePort());
try {
  const update = process.env.BENCH_UPDATE;
  if (update === '1' || update === 'schools') {
    const admin = new pg.Client({ connectionString: source.url });
    await admin.connect();
    const where = update === 'schools' ? `ma_truong_hoc in (select ma_truong_hoc from csdl.truong_hoc where id % 100 = 42)` : 'id % 100 = 42';
    for (const t of ['hoc_sinh', 'can_bo', 'lop_hoc']) {
      const n = await touchRows(admin, t, where);
      process.stderr.write(`bench: updated ${n} rows of csdl.${t} (${update === 'schools' ? '1 % of schools' : 'id % 100 = 42'})\n`);
    }
    await admin.query('vacuum analyze');
    await admin.end();
  }
  const config = loadConfig({
    ...process.env,
    CSDL_DATABASE_URL: source.url,
    WAREHOUSE_PATH: warehousePath,
    CSDL_TMP_DIR: join(dirname(warehousePath), 'tmp'),
    CSDL_PSEUDONYM_SECRET: process.env.CSDL_PSEUDONYM_SECRET ?? 'bench-secret-0123456789abcdef',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const t0 = performance.now();
  let peak = process.memoryUsage.rss();
  let reported = peak;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    if (peak - reported < 32 * 2 ** 20) return;
    reported = peak;
    process.stderr.write(`bench: ${new Date().toISOString()} rss ${Math.round(peak / 2 ** 20)} MiB at ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }, 100);
  const s = await runEtl({ config, sourceUrl: source.url });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const main = s.tables.filter((t) => !t.table.startsWith('dm_'));
  console.log(
    JSON.stringify(
      {
        kind: s.kind,
        seconds: +seconds.toFixed(1),
        peakRssMiB: Math.round(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
        tables: main.map((t) => ({
          table: t.table,
          detection: t.changeDetection,
          read: t.rowsRead,
          keys: t.keysRead,
          ins: t.inserted,
          upd: t.updated,
          del: t.deleted,
        })),
      },
      null,
      1,
    ),
  );
} finally {
  await source.close();
}
