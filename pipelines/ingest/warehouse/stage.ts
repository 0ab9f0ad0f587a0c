/**
 * Where the warehouse keeps the loaded tables, and the staging that precedes a publish.
 *
 *   raw.<t>               a view, `select * from raw_store.<t>`: what models and users read (after
 *                         an incremental publish, until its merge: over raw_store.<t>__gone and
 *                         raw_store.<t>__delta too, merge.ts)
 *   raw_store.<t>         the table behind it
 *   raw_store.<t>__next   the complete next version of a table loaded in full; the publish renames
 *                         it over raw_store.<t> (a rename costs nothing where a copy would rewrite
 *                         every row; DuckDB cannot move a table between schemas, hence the view)
 *   stage.<t>             changed rows of an incremental load
 *   stage.<t>__keys       every (id, updated_at) of the snapshot
 *   stage.<t>__changed    ids new or changed since the warehouse's copy, `existed` = was there
 *   stage.<t>__deleted    ids gone from the source
 * Nothing staged is visible under raw.* until the publish transaction commits; a killed run leaves
 * only stage.* and raw_store.*__next behind, and the next run drops them before it starts (and a
 * run killed after its COMMIT, the side tables of a merge, which the next run finishes first).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../../../lib/warehouse.ts';
import { csvColumns, type TableContract } from '../contract/contract.ts';
import { convertExpr, csvType, readCsvSql } from './csv-read.ts';
import { PSEUDONYM_MACRO } from './pseudonym.ts';

/** Suffix of the full-load tables built beside raw_store.<t>. */
export const NEXT_SUFFIX = '__next';

/** `stage."<t><suffix>"` */
export function stageTable(name: string, suffix = ''): string {
  return `stage.${ident(name + suffix)}`;
}

/** `raw_store."<t>"`: the table behind raw.<t>. */
export function storeTable(name: string): string {
  return `raw_store.${ident(name)}`;
}

/** `raw."<t>"`: the view everyone reads. */
export function rawView(name: string): string {
  return `raw.${ident(name)}`;
}

/** `raw_store."<t>__next"` */
export function nextTable(name: string): string {
  return `raw_store.${ident(name + NEXT_SUFFIX)}`;
}

/** Drops every staging table: the `stage` schema and any raw_store.*__next table. */
export async function clearStaging(conn: DuckDBConnection): Promise<void> {
  await conn.run('drop schema if exists stage cascade');
  const leftovers = await queryRows<{ table_name: string }>(
    conn,
    `select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw_store' and ends_with(table_name, ${literal(NEXT_SUFFIX)})`,
  );
  for (const t of leftovers) await conn.run(`drop table raw_store.${ident(t.table_name)}`);
}

/** Drops whatever an earlier, interrupted run staged, and creates the `stage`, `raw` and `raw_store` schemas. */
export async function resetStage(conn: DuckDBConnection): Promise<void> {
  await clearStaging(conn);
  await conn.run('create schema stage; create schema if not exists raw; create schema if not exists raw_store');
}

/** The columns of `raw.<t>` with their DuckDB types, meta columns last. */
export function rawColumns(contract: TableContract): Array<{ name: string; type: string }> {
  return [
    ...contract.output.map((c) => ({ name: c.name, type: c.duckType })),
    { name: '_run_id', type: 'VARCHAR' },
    { name: '_loaded_at', type: 'TIMESTAMP WITH TIME ZONE' },
  ];
}

/** Creates an empty table shaped like raw.<t> under the qualified name `target`. */
export async function createRawShaped(conn: DuckDBConnection, target: string, contract: TableContract): Promise<void> {
  const cols = rawColumns(contract).map((c) => `${ident(c.name)} ${c.type}${c.name.startsWith('_') ? ' not null' : ''}`);
  await conn.run(`create table ${target} (${cols.join(', ')})`);
}

/**
 * `insert into <target> select ... from read_csv(source)` (`source`: the pipe the COPY streams
 * write, source/copy-stream.ts): converts dates, pseudonymises keys,
 * derives the flags PostgreSQL does not compute twice (flags.ts derivedFlags), stamps `_run_id`
 * and `_loaded_at`; with `onlyChanged`, keeps the ids of stage.<t>__changed.
 */
export function insertFromCsvSql(
  target: string,
  contract: TableContract,
  source: string,
  run: { runId: string; loadedAt: string },
  onlyChanged = false,
): string {
  const items = contract.output.map((c) =>
    c.derived
      ? `${c.derived} as ${ident(c.name)}`
      : c.role === 'pseudonym'
        ? `${PSEUDONYM_MACRO}(${ident(c.name)}) as ${ident(c.name)}`
        : `${convertExpr(c)} as ${ident(c.name)}`,
  );
  items.push(`${literal(run.runId)} as _run_id`, `${literal(run.loadedAt)}::timestamptz as _loaded_at`);
  const csv = readCsvSql(
    [source],
    csvColumns(contract).map((c) => ({ name: c.name, type: csvType(c) })),
  );
  const where = onlyChanged ? ` where id in (select id from ${stageTable(contract.name, '__changed')})` : '';
  return `insert into ${target} select ${items.join(', ')} from ${csv}${where}`;
}

/** Creates stage.<t>__keys, to be filled by `insertKeysSql`. */
export async function createKeysTable(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(`create table ${stageTable(name, '__keys')} (id bigint, updated_at timestamptz)`);
}

/** `insert into stage.<t>__keys` from CSV of `id, updated_at` (the pipe the COPY streams write). */
export function insertKeysSql(name: string, source: string): string {
  const csv = readCsvSql(
    [source],
    [
      { name: 'id', type: 'BIGINT' },
      { name: 'updated_at', type: 'VARCHAR' },
    ],
  );
  return `insert into ${stageTable(name, '__keys')} select id, csdl_pg_timestamptz(updated_at) from ${csv}`;
}
