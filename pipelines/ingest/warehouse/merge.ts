/**
 * How an incremental publish reaches raw_store.<t> without holding DuckDB's delete bookkeeping for
 * the whole table in memory.
 *
 * Deleting rows spread over a large table costs DuckDB about 16 KB for every vector of 2.048 rows
 * it touches, kept until the next checkpoint, so 1 % of a national table's rows, spread, hold
 * hundreds of MB where the same rows side by side hold one (bench/README.md). So the publish
 * transaction does not delete from raw_store.<t>; it publishes the change beside it:
 *
 *   raw_store.<t>__gone   ids whose row in raw_store.<t> is no longer current (changed or deleted)
 *   raw_store.<t>__delta  the current rows of the changed ids
 *   raw.<t>               raw_store.<t> without the __gone ids, plus __delta
 *
 * and then `mergePending` folds them into raw_store.<t> outside it: deletes of the __gone ids in
 * slices of MERGE_SLICE_ROWS row positions, each its own transaction followed by a checkpoint
 * (which frees that slice's bookkeeping), then ONE transaction that removes any __gone id left,
 * appends __delta, points raw.<t> back at raw_store.<t> alone, drops the two tables and checks that
 * raw.<t> still has the same figures. None of those steps changes what raw.<t> returns: a slice only
 * deletes rows the view already hides. A run killed between them leaves a correct raw.<t>, and the
 * next run finishes the merge before it reads anything.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../../lib/log.ts';
import { ident, inTransaction, literal, queryRows } from '../../../lib/warehouse.ts';
import { rawView, storeTable } from './stage.ts';

export const GONE_SUFFIX = '__gone';
export const DELTA_SUFFIX = '__delta';

/**
 * Row positions per merge slice: at most 2.048 vectors, so about 32 MB of delete bookkeeping
 * whatever the table's size.
 */
export const MERGE_SLICE_ROWS = 2 ** 22;

/** `raw_store."<t>__gone"` */
export function goneTable(name: string): string {
  return `raw_store.${ident(name + GONE_SUFFIX)}`;
}

/** `raw_store."<t>__delta"` */
export function deltaTable(name: string): string {
  return `raw_store.${ident(name + DELTA_SUFFIX)}`;
}

/** Whether a raw_store table name is one of the merge's side tables rather than a loaded table. */
export function isMergeSideTable(tableName: string): boolean {
  return tableName.endsWith(GONE_SUFFIX) || tableName.endsWith(DELTA_SUFFIX);
}

/** The view over a table with a pending merge: the store without the superseded ids, plus the delta. */
export function pendingViewSql(name: string): string {
  return `create or replace view ${rawView(name)} as
    select s.* from ${storeTable(name)} s anti join ${goneTable(name)} g on g.id = s.id
    union all
    select * from ${deltaTable(name)}`;
}

/**
 * Inside the publish transaction: publishes an incremental table's change as __gone + __delta and
 * the view over them (the run merges it after COMMIT). `goneIdsSql` selects the ids to hide, `rowsSql` the current rows to add.
 * A table whose change is empty keeps its plain view and gets no side tables (nothing to merge);
 * returns whether a change was published.
 */
export async function publishPending(conn: DuckDBConnection, name: string, goneIdsSql: string, rowsSql: string): Promise<boolean> {
  // No `if not exists`: a run merges what an earlier one left before it stages, so an existing
  // __gone table here is a bug, and replacing it would lose that earlier change.
  await conn.run(`create table ${goneTable(name)} as ${goneIdsSql}`);
  await conn.run(`create table ${deltaTable(name)} as ${rowsSql}`);
  const [{ n }] = await queryRows<{ n: string }>(
    conn,
    `select ((select count(*) from ${goneTable(name)}) + (select count(*) from ${deltaTable(name)}))::varchar as n`,
  );
  if (n === '0') {
    await dropPending(conn, name);
    return false;
  }
  await conn.run(pendingViewSql(name));
  return true;
}

/** Drops a table's merge side tables (a full load replacing the table). */
export async function dropPending(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`drop table if exists ${goneTable(name)}; drop table if exists ${deltaTable(name)}`);
}

/** Tables with a pending merge (their __gone table exists). */
export async function pendingTables(conn: DuckDBConnection): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    conn,
    `select table_name from duckdb_tables()
      where database_name = current_database() and schema_name = 'raw_store' and ends_with(table_name, ${literal(GONE_SUFFIX)})
      order by table_name`,
  );
  return rows.map((r) => r.table_name.slice(0, -GONE_SUFFIX.length));
}

export type MergeOptions = {
  runId: string;
  /** Row positions per slice (MERGE_SLICE_ROWS unless a test asks for smaller). */
  sliceRows?: number;
  /** Called after each committed slice (the kill tests' pause point). */
  afterSlice?: (table: string, slice: number) => Promise<void>;
};

type ViewFigures = { rows: string; id_sum: string; updated_sum: string };

async function viewFigures(conn: DuckDBConnection, name: string): Promise<ViewFigures> {
  const [f] = await queryRows<ViewFigures>(
    conn,
    `select count(*)::varchar as rows, coalesce(sum(id), 0)::varchar as id_sum, coalesce(sum(epoch_us(updated_at)), 0)::varchar as updated_sum from ${rawView(name)}`,
  );
  return f;
}

/**
 * A checkpoint after a slice frees its bookkeeping. It may be refused while another connection
 * (the server's readers) holds a transaction; the merge stays correct, only less lean.
 */
async function checkpoint(conn: DuckDBConnection, runId: string, table: string): Promise<void> {
  await conn.run('checkpoint').catch((e) => log.debug('merge: checkpoint refused', { run: runId, table, error: (e as Error)?.message?.split('\n')[0] }));
}

/** Merges one table's pending change into raw_store.<t> (see the module comment). */
async function mergeTable(conn: DuckDBConnection, name: string, opts: MergeOptions): Promise<void> {
  const t0 = performance.now();
  const store = storeTable(name);
  const [{ n }] = await queryRows<{ n: string }>(conn, `select coalesce(max(rowid) + 1, 0)::varchar as n from ${store}`);
  const positions = Number(n);
  const step = opts.sliceRows ?? MERGE_SLICE_ROWS;
  let slices = 0;
  for (let lo = 0; lo < positions; lo += step) {
    await conn.run(`delete from ${store} where rowid >= ${lo} and rowid < ${lo + step} and id in (select id from ${goneTable(name)})`);
    await checkpoint(conn, opts.runId, name);
    slices++;
    await opts.afterSlice?.(name, slices);
  }
  await inTransaction(conn, async () => {
    const before = await viewFigures(conn, name);
    // Rows a slice missed (none unless a checkpoint moved rows between slices).
    await conn.run(`delete from ${store} where id in (select id from ${goneTable(name)})`);
    await conn.run(`insert into ${store} select * from ${deltaTable(name)}`);
    await conn.run(`create or replace view ${rawView(name)} as select * from ${store}`);
    await conn.run(`drop table ${goneTable(name)}; drop table ${deltaTable(name)}`);
    const after = await viewFigures(conn, name);
    if (before.rows !== after.rows || before.id_sum !== after.id_sum || before.updated_sum !== after.updated_sum) {
      throw new Error(
        `Gộp phần thay đổi đã công bố của raw.${name} vào bảng của nó sẽ làm nội dung thay đổi (trước: số dòng=${before.rows} sum(id)=${before.id_sum}; sau: số dòng=${after.rows} sum(id)=${after.id_sum}); ` +
          `đã hoàn tác, raw.${name} giữ nguyên nội dung; hãy chạy \`csdl etl --full\` nếu lỗi lặp lại.`,
      );
    }
  });
  await checkpoint(conn, opts.runId, name);
  log.info('merged a published change into its table', { run: opts.runId, table: name, slices, seconds: ((performance.now() - t0) / 1000).toFixed(1) });
}

/** Finishes every pending merge (after a publish, and at the start of a run, after one was killed). */
export async function mergePending(conn: DuckDBConnection, opts: MergeOptions): Promise<string[]> {
  const tables = await pendingTables(conn);
  for (const name of tables) await mergeTable(conn, name, opts);
  return tables;
}
