import pg from 'pg';
import { DuckDBConnection } from '@duckdb/node-api';
import { startEmbedded } from '../lib/source.ts';
import { loadConfig } from '../lib/config.ts';
import { runEtl } from '../pipelines/etl/run-etl.ts';
import { mkdtempSync } from 'node:fs';
const s = await startEmbedded('/work/main/data/pg', 54329);
const dir = mkdtempSync('/tmp/incr-');
const config = loadConfig({ CSDL_DATABASE_URL: s.url, WAREHOUSE_PATH: dir + '/w.duckdb', CSDL_TMP_DIR: dir + '/tmp', CSDL_PSEUDONYM_SECRET: 'x'.repeat(20), LOG_LEVEL: 'warn' });
await runEtl({ config, sourceUrl: s.url, full: true });
const c = new pg.Client({ connectionString: s.url }); await c.connect();
await c.query(`update csdl.hoc_sinh set nam_hoc = nam_hoc where id % 100 = 42`);
const log: Array<[number, string]> = [];
const wrap = (proto: any, name: string, tag: string) => { const orig = proto[name]; proto[name] = async function (...a: any[]) { const t0 = performance.now(); try { return await orig.apply(this, a); } finally { const ms = performance.now() - t0; if (ms > 15) log.push([ms, tag + ' ' + String(typeof a[0] === 'string' ? a[0] : a[0]?.text ?? '').replace(/\s+/g, ' ').slice(0, 110)]); } }; };
wrap(DuckDBConnection.prototype, 'run', 'duck');
wrap(DuckDBConnection.prototype, 'runAndReadAll', 'duckR');
{ const orig = (pg.Client.prototype as any).query; (pg.Client.prototype as any).query = function (...a: any[]) { if (typeof a[0] !== 'string') return orig.apply(this, a); const t0 = performance.now(); const p = orig.apply(this, a); p.then?.(() => { const ms = performance.now() - t0; if (ms > 15) log.push([ms, 'pg ' + a[0].replace(/\s+/g, ' ').slice(0, 110)]); }, () => {}); return p; }; }
const t0 = performance.now();
const r = await runEtl({ config, sourceUrl: s.url });
console.log('incremental', ((performance.now() - t0) / 1000).toFixed(2), r.kind);
for (const [ms, l] of log.sort((a, b) => b[0] - a[0]).slice(0, 25)) console.log(ms.toFixed(0).padStart(6), l);
await c.query(`update csdl.hoc_sinh set nam_hoc = nam_hoc where id % 100 = 42`); // leave the demo as is (values unchanged)
await c.end(); await s.close(); process.exit(0);
