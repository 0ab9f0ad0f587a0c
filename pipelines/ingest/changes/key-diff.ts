/**
 * The exact difference between the snapshot and the warehouse for one id-keyed table, computed in
 * DuckDB from every (id, updated_at) of the snapshot (stage.<t>__keys) and of raw.<t>:
 *   changed  = snapshot pairs not in the warehouse: new rows, updated rows (soft deletes included),
 *              rows whose transaction committed after the last run with an older updated_at;
 *   deleted  = warehouse ids absent from the snapshot: hard deletes, and the old id of a row whose
 *              id was changed.
 * No watermark decides what is read, so rows sharing the last watermark value or committed late are
 * never missed; the watermark is only used to make the fetch of the changed rows index-friendly.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../../lib/warehouse.ts';
import { stageTable, storeTable } from '../warehouse/stage.ts';

/** Sizes and bounds of a table's difference. */
export type KeyDiff = {
  changed: number;
  /** Changed ids that the warehouse already holds (updates); the others are inserts. */
  existed: number;
  deleted: number;
  /** Smallest updated_at among changed rows, as epoch microseconds (null when none). */
  minUpdatedUs: string | null;
  /** Some changed row has a null updated_at (it must then be fetched by id, not by time). */
  nullUpdated: boolean;
  minId: string | null;
  maxId: string | null;
};

/**
 * Builds stage.<t>__changed from a staged relation of the snapshot's (id, updated_at): the pairs
 * the warehouse lacks or holds with another updated_at, `existed` = it holds the id.
 */
export async function createChanged(conn: DuckDBConnection, name: string, from: string): Promise<void> {
  await conn.run(`
    create table ${stageTable(name, '__changed')} as
      select s.id, s.updated_at, r.id is not null as existed
        from ${from} s
        left join (select id, updated_at from ${storeTable(name)}) r on r.id = s.id
       where r.id is null or r.updated_at is distinct from s.updated_at`);
}

/** Builds stage.<t>__changed and stage.<t>__deleted and returns their sizes and bounds. */
export async function diffKeys(conn: DuckDBConnection, name: string): Promise<KeyDiff> {
  const keys = stageTable(name, '__keys');
  const raw = storeTable(name);
  await createChanged(conn, name, keys);
  await conn.run(`
    create table ${stageTable(name, '__deleted')} as
      select r.id from ${raw} r anti join ${keys} k on k.id = r.id;`);
  const [c] = await queryRows<{
    changed: string;
    existed: string;
    min_us: string | null;
    null_updated: boolean | null;
    min_id: string | null;
    max_id: string | null;
  }>(
    conn,
    `select count(*)::varchar as changed,
            count(*) filter (where existed)::varchar as existed,
            min(epoch_us(updated_at))::varchar as min_us,
            bool_or(updated_at is null) as null_updated,
            min(id)::varchar as min_id,
            max(id)::varchar as max_id
       from ${stageTable(name, '__changed')}`,
  );
  const [d] = await queryRows<{ deleted: string }>(conn, `select count(*)::varchar as deleted from ${stageTable(name, '__deleted')}`);
  return {
    changed: Number(c.changed),
    existed: Number(c.existed),
    deleted: Number(d.deleted),
    minUpdatedUs: c.min_us,
    nullUpdated: c.null_updated === true,
    minId: c.min_id,
    maxId: c.max_id,
  };
}

/**
 * The PostgreSQL condition selecting every changed row of the diff (and possibly some unchanged
 * ones, filtered out in DuckDB): `updated_at >= <min>` uses the updated_at index.
 */
export function changedRowsWhere(diff: KeyDiff): string {
  const parts: string[] = [];
  if (diff.minUpdatedUs !== null) parts.push(`updated_at >= timestamptz '1970-01-01 00:00:00+00' + interval '${BigInt(diff.minUpdatedUs)} microseconds'`);
  if (diff.nullUpdated) parts.push('updated_at is null');
  return parts.length === 0 ? 'false' : `(${parts.join(' or ')})`;
}
