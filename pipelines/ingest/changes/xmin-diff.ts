/**
 * Change detection by transaction horizon, the fast path of an incremental load. Every row version
 * PostgreSQL writes carries the id of the transaction that wrote it (`xmin`). A row is new or
 * changed since the last successful run exactly when that transaction had not finished before the
 * last run's snapshot, and every such transaction id is at or above that snapshot's `xmin`
 * horizon: so the run reads only rows written at or above the horizon (a few over-read rows,
 * written by transactions that finished between the horizon and the snapshot, are dropped in
 * DuckDB by comparing updated_at). This covers rows sharing a watermark, transactions that commit
 * late with an older updated_at, soft deletes and id changes, without reading every key.
 *
 * The test is `age(xmin) <= limit`: `age` is the distance, in transactions, from the session's
 * next transaction id, read once per transaction and then stable; it is plain integer arithmetic
 * on the 32-bit id, so it handles the counter's wrap-around, and frozen ids count as infinitely
 * old. Each worker's reference is read once (`stableNextXid`) and the limit is taken against the
 * latest of them, so a worker can only read a few rows more, never fewer.
 *
 * Hard deletes leave no row behind. Their number is known from the snapshot's row count (warehouse
 * rows + new rows - snapshot rows); when it is not zero, ids are counted per block of 2^shift in
 * the snapshot and in the warehouse, and only the keys of blocks that lost ids are read.
 *
 * The result is checked against the snapshot's figures before it is accepted (stage-table.ts); any
 * disagreement, or a transaction counter that went back (a source restored from a dump), makes the
 * table fall back to reading every key.
 */
import type pg from 'pg';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../../../lib/warehouse.ts';
import type { Figures } from '../warehouse/reconcile.ts';
import { createChanged } from './key-diff.ts';
import { stageTable, storeTable } from '../warehouse/stage.ts';

/**
 * The last run's horizon and what this run's sessions see: `ageLimit` is the largest
 * `age(xmin)` of a row written at or above `previousXmin`, for every worker session.
 */
export type Horizon = { previousXmin: bigint; snapshotXmin: bigint; snapshotXmax: bigint; ageLimit: bigint };

const EPOCH = 1n << 32n;
/** `age()` is an int4: a horizon further back than this cannot be expressed (read every key). */
const MAX_AGE = (1n << 31n) - 2n;

/**
 * The 32-bit next transaction id a session's `age()` measures from, fixed for the rest of its
 * transaction by this first call: age('3') = next - 3 (as a signed 32-bit difference).
 */
export async function stableNextXid(client: pg.ClientBase): Promise<bigint> {
  const { rows } = await client.query<{ a: string }>(`select age('3'::xid)::text as a`);
  return (((BigInt(rows[0].a) + 3n) % EPOCH) + EPOCH) % EPOCH;
}

/** A 32-bit transaction id widened to the 64-bit one nearest `near`. */
export function widen(xid32: bigint, near: bigint): bigint {
  let v = (near / EPOCH) * EPOCH + xid32;
  if (v > near + EPOCH / 2n) v -= EPOCH;
  else if (v < near - EPOCH / 2n) v += EPOCH;
  return v;
}

/**
 * The horizon to read by, or null when it cannot be used: no recorded horizon, a transaction
 * counter that went back (another cluster), or a previous horizon too far back for `age()`.
 * `sessionNextXids` are the workers' `stableNextXid` values.
 */
export function usableHorizon(
  previous: { xmin: bigint; xmax: bigint } | null,
  snapshot: { xmin: string; xmax: string },
  sessionNextXids: bigint[],
): Horizon | null {
  if (!previous || sessionNextXids.length === 0) return null;
  const snapshotXmin = BigInt(snapshot.xmin);
  const snapshotXmax = BigInt(snapshot.xmax);
  if (snapshotXmin < previous.xmin || snapshotXmax < previous.xmax) return null;
  const latest = sessionNextXids.map((x) => widen(x, snapshotXmax)).reduce((a, b) => (a > b ? a : b));
  if (latest < snapshotXmax) return null;
  const ageLimit = latest - previous.xmin;
  if (ageLimit > MAX_AGE) return null;
  return { previousXmin: previous.xmin, snapshotXmin, snapshotXmax, ageLimit };
}

/**
 * The PostgreSQL condition "written by a transaction at or above the previous horizon".
 *
 * @example changedSinceWhere({ previousXmin: 1000n, snapshotXmin: 1500n, snapshotXmax: 1510n, ageLimit: 511n })
 *   // age(xmin) <= 511
 */
export function changedSinceWhere(h: Horizon): string {
  return `age(xmin) <= ${h.ageLimit}`;
}

/** Block size (as a shift) for an id span: at most about 4.096 blocks, never under 2^12 ids. */
export function blockShift(minId: bigint, maxId: bigint): number {
  const span = maxId > minId ? maxId - minId : 1n;
  let shift = 12;
  while (span >> BigInt(shift) > 4096n) shift++;
  return shift;
}

/** PostgreSQL: the id count per block of csdl.<t> in the snapshot. */
export function blockCountsSql(name: string, shift: number): string {
  return `select (id >> ${shift})::text as b, count(*)::text as n from csdl.${ident(name)} group by 1`;
}

/**
 * From stage.<t> (the rows read by horizon), builds stage.<t>__changed (rows whose updated_at
 * differs from the warehouse's or that it lacks; `existed` = it has the id) and keeps only those
 * in stage.<t>. Returns the number of changed rows.
 */
export async function keepChanged(conn: DuckDBConnection, name: string): Promise<{ changed: number; existed: number }> {
  await createChanged(conn, name, stageTable(name));
  await conn.run(`delete from ${stageTable(name)} where id not in (select id from ${stageTable(name, '__changed')})`);
  const [c] = await queryRows<{ changed: string; existed: string }>(
    conn,
    `select count(*)::varchar as changed, count(*) filter (where existed)::varchar as existed from ${stageTable(name, '__changed')}`,
  );
  return { changed: Number(c.changed), existed: Number(c.existed) };
}

/**
 * Stores the snapshot's block counts as stage.<t>__blocks and returns the blocks whose count in
 * the warehouse united with the changed ids exceeds the snapshot's (their ids must be read).
 */
export async function blocksWithDeletes(conn: DuckDBConnection, name: string, shift: number, counts: Array<{ b: string; n: string }>): Promise<string[]> {
  await conn.run(`create table ${stageTable(name, '__blocks')} (b bigint, n bigint)`);
  for (let i = 0; i < counts.length; i += 1000) {
    const values = counts.slice(i, i + 1000).map((c) => `(${BigInt(c.b)}, ${BigInt(c.n)})`);
    await conn.run(`insert into ${stageTable(name, '__blocks')} values ${values.join(', ')}`);
  }
  // the warehouse's ids plus the new ones (changed rows it lacks), counted per block
  const rows = await queryRows<{ b: string }>(
    conn,
    `with w as (select b, sum(n) as n from (
                  select id >> ${shift} as b, count(*) as n from ${storeTable(name)} group by 1
                  union all
                  select id >> ${shift} as b, count(*) as n from ${stageTable(name, '__changed')} where not existed group by 1)
                group by b)
     select w.b::varchar as b from w left join ${stageTable(name, '__blocks')} s using (b)
      where s.n is null or s.n <> w.n order by w.b`,
  );
  return rows.map((r) => r.b);
}

/** PostgreSQL: every (id, updated_at) of the given blocks. */
export function blockKeysSql(name: string, shift: number, blocks: string[]): string {
  return `select id, updated_at from csdl.${ident(name)} where (id >> ${shift}) = any(${literal(`{${blocks.join(',')}}`)}::bigint[])`;
}

/** stage.<t>__deleted: warehouse ids of the given blocks absent from their keys (stage.<t>__keys). */
export async function deletedInBlocks(conn: DuckDBConnection, name: string, shift: number, blocks: string[]): Promise<number> {
  if (blocks.length === 0) {
    await conn.run(`create table ${stageTable(name, '__deleted')} (id bigint)`);
    return 0;
  }
  await conn.run(`
    create table ${stageTable(name, '__deleted')} as
      select r.id from ${storeTable(name)} r anti join ${stageTable(name, '__keys')} k on k.id = r.id
       where (r.id >> ${shift}) in (${blocks.map((b) => BigInt(b).toString()).join(', ')})`);
  const [d] = await queryRows<{ n: string }>(conn, `select count(*)::varchar as n from ${stageTable(name, '__deleted')}`);
  return Number(d.n);
}

/** The figures raw.<t> will have once the staged changes are applied (to check them before publish). */
export async function predictedFigures(conn: DuckDBConnection, name: string): Promise<Figures> {
  const [f] = await queryRows<{ rows: string; id_sum: string; updated_sum: string }>(
    conn,
    `select count(*)::varchar as rows, coalesce(sum(id), 0)::varchar as id_sum, coalesce(sum(epoch_us(updated_at)), 0)::varchar as updated_sum
       from (select id, updated_at from ${storeTable(name)} r
              where not exists (select 1 from ${stageTable(name, '__deleted')} d where d.id = r.id)
                and not exists (select 1 from ${stageTable(name, '__changed')} c where c.id = r.id and c.existed)
             union all
             select id, updated_at from ${stageTable(name)})`,
  );
  return { rows: f.rows, idSum: f.id_sum, updatedSum: f.updated_sum };
}

/** Drops what a horizon attempt staged for a table, before it falls back to reading every key. */
export async function dropHorizonStage(conn: DuckDBConnection, name: string): Promise<void> {
  for (const suffix of ['', '__changed', '__blocks', '__keys', '__deleted']) await conn.run(`drop table if exists ${stageTable(name, suffix)}`);
}
