import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { startEmbedded } from '../lib/source.ts';
import { loadConfig } from '../lib/config.ts';
import { openWarehouse, queryRows } from '../lib/warehouse.ts';
import { runEtl, ETL_MEMORY_LIMIT } from '../pipelines/etl/run-etl.ts';
import { freePort } from '../test/support/source.ts';
const pgDir = process.env.PGDIR ?? '/work/natl/prov-pg';
const s = await startEmbedded(pgDir, await freePort());
const g = spawnSync(process.execPath, ['bin/csdl.js', 'generate', '--preset', 'province', '--seed', '1'], { env: { ...process.env, CSDL_DATABASE_URL: s.url, LOG_LEVEL: 'warn', CSDL_PSEUDONYM_SECRET: 'x'.repeat(20) }, stdio: 'inherit' });
const dir = mkdtempSync('/work/natl/mem-');
const config = loadConfig({ CSDL_DATABASE_URL: s.url, WAREHOUSE_PATH: dir + '/w.duckdb', CSDL_TMP_DIR: dir + '/tmp', CSDL_PSEUDONYM_SECRET: 'x'.repeat(20), LOG_LEVEL: 'warn' });
const extra = process.env.DUCK_SETTINGS ?? '';
const wh = await openWarehouse(config.warehousePath, { memoryLimit: ETL_MEMORY_LIMIT });
const side = await wh.connect();
if (extra) await side.run(extra);
let phase = 'start'; let peak = 0; const peaks: Record<string, number> = {};
const timer = setInterval(async () => {
  const rss = process.memoryUsage.rss() / 2 ** 20;
  peaks[phase] = Math.max(peaks[phase] ?? 0, rss);
  if (rss > peak) { peak = rss; }
}, 100);
let last = 0;
const mem = setInterval(async () => {
  try { const rows = await queryRows<{ t: string; mb: number }>(side, `select 'duck' as t, round(sum(memory_usage_bytes)/2^20) as mb, round(sum(temporary_storage_bytes)/2^20) as tmp from duckdb_memory()`); const rss = process.memoryUsage.rss() / 2 ** 20; if (rss > last + 50) { last = rss; console.log(phase, 'rss', rss.toFixed(0), JSON.stringify(rows), 'mu', JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)])))); } } catch {}
}, 500);
phase = 'full'; await runEtl({ config, sourceUrl: s.url, full: true, warehouse: wh, onProgress: (e) => { if (e.phase === 'publish') phase = 'full-publish'; } });
clearInterval(timer); clearInterval(mem);
console.log('peaks', JSON.stringify(peaks), 'maxRSS', (process.resourceUsage().maxRSS / 1024).toFixed(0));
await s.close(); process.exit(0);
