import pg from 'pg';
import { startEmbedded } from '../lib/source.ts';
const s = await startEmbedded('/work/main/data/pg', 54329);
const c = new pg.Client({ connectionString: s.url }); await c.connect();
const t = async (label: string, sql: string) => { const t0 = performance.now(); await c.query(sql); console.log(label.padEnd(40), ((performance.now() - t0) / 1000).toFixed(3)); };
const { rows } = await c.query(`select txid_snapshot_xmax(txid_current_snapshot())::text as x`);
const x = BigInt(rows[0].x) - 100n;
for (const tb of ['hoc_sinh', 'hoc_sinh_trang_thai']) {
  await t(`${tb} figures numeric`, `select count(*), sum(id), coalesce(trunc(sum(extract(epoch from updated_at)) * 1000000), 0)::text, max(updated_at) from csdl.${tb}`);
  await t(`${tb} figures int`, `select count(*), sum(id), sum((extract(epoch from updated_at)*1000000)::bigint), max(updated_at) from csdl.${tb}`);
  await t(`${tb} count only`, `select count(*), sum(id) from csdl.${tb}`);
  await t(`${tb} blocks`, `select (id >> 12)::text, count(*)::text from csdl.${tb} group by 1`);
  await t(`${tb} xmin scan`, `select id from csdl.${tb} where xmin::text::bigint >= ${x % (1n << 32n)}`);
  await t(`${tb} xmin scan age`, `select id from csdl.${tb} where age(xmin) < 100`);
}
await c.end(); await s.close(); process.exit(0);
