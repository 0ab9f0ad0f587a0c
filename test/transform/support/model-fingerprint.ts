/**
 * What a reader of the models sees, as one comparable object: for every table of the model
 * layers and the runner's inputs, its row count and the sum of its rows' hashes; for every view,
 * its definition (a view's rows follow raw.*, which changes on its own).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../../lib/warehouse.ts';

const SCHEMAS = `('staging', 'core', 'indicators', 'input')`;

export async function modelFingerprint(conn: DuckDBConnection): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tables = await queryRows<{ id: string }>(
    conn,
    `select schema_name || '.' || table_name as id from duckdb_tables() where schema_name in ${SCHEMAS} order by 1`,
  );
  for (const { id } of tables) {
    const [r] = await queryRows<{ f: string }>(conn, `select count(*)::varchar || ':' || coalesce(sum(hash(t)), 0)::varchar as f from ${id} t`);
    out[id] = `table ${r.f}`;
  }
  const views = await queryRows<{ id: string; sql: string }>(
    conn,
    `select schema_name || '.' || view_name as id, sql from duckdb_views() where schema_name in ${SCHEMAS} and not internal order by 1`,
  );
  for (const v of views) out[v.id] = `view ${v.sql}`;
  return out;
}

/**
 * Changes the hand-built raw layer so that a new transform gives other rooms, staff, learners and
 * indicators (a room copied under a new id, a teacher's degree raised, a learner added).
 */
export async function changeRawLayer(conn: DuckDBConnection): Promise<void> {
  await conn.run(`insert into raw.phong_hoc select * replace (id + 100000 as id) from raw.phong_hoc order by id limit 1`);
  await conn.run(`update raw.can_bo set trinh_do_chuyen_mon_nv_cao_nhat = '13' where ma_can_bo = 'CB-W3'`);
  await conn.run(`insert into raw.hoc_sinh select * replace (id + 100000 as id, ma_hoc_sinh || '-B' as ma_hoc_sinh) from raw.hoc_sinh order by id limit 1`);
}
