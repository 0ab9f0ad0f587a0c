/**
 * What the warehouse holds now: the raw.* tables and their columns, to decide per table between an
 * incremental load and a full one (a missing table, or one whose columns no longer match the
 * contract because tables.ts gained or retyped a column, is loaded in full so that no old row lacks
 * the new column's value).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../../lib/warehouse.ts';
import type { TableContract } from '../contract/contract.ts';
import { isMergeSideTable } from './merge.ts';
import { NEXT_SUFFIX, rawColumns } from './stage.ts';

/** Loaded table name -> the columns of raw_store.<t> in order, as "name TYPE". */
export type RawState = Map<string, string[]>;

/** Reads the columns of every raw_store.* table (leftover *__next tables and a merge's side tables excluded). */
export async function readRawState(conn: DuckDBConnection): Promise<RawState> {
  const rows = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
    conn,
    `select table_name, column_name, data_type from duckdb_columns()
      where database_name = current_database() and schema_name = 'raw_store'
      order by table_name, column_index`,
  );
  const state: RawState = new Map();
  for (const r of rows) {
    if (r.table_name.endsWith(NEXT_SUFFIX) || isMergeSideTable(r.table_name)) continue;
    if (!state.has(r.table_name)) state.set(r.table_name, []);
    state.get(r.table_name)!.push(`${r.column_name} ${r.data_type}`);
  }
  return state;
}

/** Whether raw.<t> exists with exactly the columns (names, order, types) the contract gives it. */
export function matchesContract(state: RawState, contract: TableContract): boolean {
  const have = state.get(contract.name);
  if (!have) return false;
  const want = rawColumns(contract).map((c) => `${c.name} ${c.type}`);
  return have.length === want.length && have.every((c, i) => c === want[i]);
}
