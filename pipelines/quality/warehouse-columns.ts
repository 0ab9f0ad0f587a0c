/**
 * The columns the warehouse actually has, per `raw` table, with their DuckDB types. Rules derived
 * from the spec are generated only for columns that exist, so the catalogue follows the ETL's
 * contract (copied columns, pseudonyms, `<col>__present/__nfc/__legacy/__well_formed` flags).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { contractOf } from '../ingest/index.ts';
import { SOURCE_TABLES } from '../ingest/index.ts';
import { queryRows } from '../../lib/warehouse.ts';

/** table -> column -> DuckDB type name (upper case, e.g. 'VARCHAR', 'INTEGER'). */
export type WarehouseColumns = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Reads the `raw` schema's columns from the warehouse's catalogue. */
export async function readWarehouseColumns(conn: DuckDBConnection): Promise<WarehouseColumns> {
  const rows = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
    conn,
    `select table_name, column_name, data_type from information_schema.columns
     where table_schema = 'raw' order by table_name, ordinal_position`,
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!out.has(r.table_name)) out.set(r.table_name, new Map());
    out.get(r.table_name)!.set(r.column_name, r.data_type.toUpperCase());
  }
  return out;
}

/** The columns the ETL contract promises (pipelines/ingest/contract), for use without a warehouse. */
export function contractColumns(codeLists: readonly string[] = []): WarehouseColumns {
  const out = new Map<string, Map<string, string>>();
  for (const t of SOURCE_TABLES) out.set(t.name, new Map(contractOf(t).output.map((c) => [c.name, c.duckType.toUpperCase()])));
  for (const list of codeLists)
    out.set(
      list,
      new Map([
        ['ma', 'VARCHAR'],
        ['ten', 'VARCHAR'],
        ['thuoc_tinh', 'JSON'],
      ]),
    );
  return out;
}

/** Whether `table.column` exists. */
export function has(columns: WarehouseColumns, table: string, column: string): boolean {
  return columns.get(table)?.has(column) ?? false;
}

/** Whether a column holds text (VARCHAR) rather than a number or a date. */
export function isText(columns: WarehouseColumns, table: string, column: string): boolean {
  return columns.get(table)?.get(column) === 'VARCHAR';
}
