/**
 * Bulk-load helpers: the data tables' keys and indexes are dropped before the COPY and rebuilt
 * afterwards from their own definitions (one sort per index instead of millions of inserts), and
 * the COPY sessions skip the `touch` triggers when allowed (every row carries its own timestamps).
 */
import type pg from 'pg';
import { DATA_TABLES } from './columns.ts';

const tables = DATA_TABLES.map((t) => `'csdl.${t}'`).join(', ');

/** Drops keys, unique constraints and indexes of the data tables; returns the statements that restore them. */
export async function dropIndexes(client: pg.ClientBase): Promise<string[]> {
  const constraints = await client.query(
    `select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def
     from pg_constraint where contype in ('p', 'u') and conrelid::regclass::text in (${tables}) order by 1, 2`,
  );
  const indexes = await client.query(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i where i.indrelid::regclass::text in (${tables})
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid) order by 1`,
  );
  const restore: string[] = [];
  for (const c of constraints.rows) {
    await client.query(`alter table ${c.tbl} drop constraint ${c.conname}`);
    restore.push(`alter table ${c.tbl} add constraint ${c.conname} ${c.def}`);
  }
  for (const i of indexes.rows) {
    await client.query(`drop index ${i.name}`);
    restore.push(i.def);
  }
  return restore;
}

/** Rebuilds what `dropIndexes` removed. */
export async function restoreIndexes(client: pg.ClientBase, statements: string[]): Promise<void> {
  await client.query(`set maintenance_work_mem = '512MB'`);
  for (const sql of statements) await client.query(sql);
}

/** Lets a COPY session skip row triggers (needs superuser; harmless to fail: triggers then run). */
export async function skipTriggers(client: pg.ClientBase): Promise<void> {
  try {
    await client.query('set session_replication_role = replica');
  } catch {
    // not a superuser: the touch trigger keeps the given timestamps anyway
  }
}
