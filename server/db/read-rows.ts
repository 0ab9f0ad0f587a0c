/**
 * Reads query results as plain JSON-ready objects. Parameters are always bound (prepared
 * statements); user input never becomes SQL text. 64-bit integers and decimals come back as
 * JS numbers (the figures served are far below 2^53), dates and timestamps as ISO strings.
 */
import { DuckDBTypeId, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBResult, type DuckDBType } from '@duckdb/node-api';

/** A value as it leaves the server. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

const NUMERIC = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL]);

/** Column names of a result and which of them need a string-to-number conversion. */
function numericColumns(result: DuckDBResult): string[] {
  const names = result.columnNames();
  return result.columnTypes().flatMap((t, i) => (NUMERIC.has(t.typeId) ? [names[i]] : []));
}

function convert(rows: Record<string, unknown>[], numeric: string[]): Row[] {
  for (const row of rows) {
    for (const c of numeric) if (row[c] !== null && row[c] !== undefined) row[c] = Number(row[c]);
  }
  return rows as Row[];
}

/** Binds JS string arrays as VARCHAR[] lists (DuckDB cannot infer an empty list's type); nulls stay null. */
function bindable(params: unknown[]): { values: never; types: never } {
  const types: Array<DuckDBType | undefined> = params.map((p) => (Array.isArray(p) ? LIST(VARCHAR) : undefined));
  const values = params.map((p) => (Array.isArray(p) ? listValue(p.map((x) => (x === null || x === undefined ? null : String(x)))) : p));
  return { values: values as never, types: types as never };
}

/** Runs a parameterised query and returns every row; string arrays bind as VARCHAR[]. */
export async function readRows<T = Row>(conn: DuckDBConnection, sql: string, params: unknown[] = []): Promise<T[]> {
  const { values, types } = bindable(params);
  const result = await conn.run(sql, values, types);
  const numeric = numericColumns(result);
  return convert(await result.getRowObjectsJson(), numeric) as T[];
}

/**
 * Runs a parameterised query and yields its rows a chunk at a time (DuckDB's streaming result),
 * so that a large result never sits whole in memory. Nothing else may run on `conn` until the
 * generator has finished (a new query ends a streaming result).
 */
export async function* streamRows(conn: DuckDBConnection, sql: string, params: unknown[] = []): AsyncGenerator<Row[]> {
  const { values, types } = bindable(params);
  const result = await conn.stream(sql, values, types);
  const numeric = numericColumns(result);
  for await (const rows of result.yieldRowObjectJson()) yield convert(rows, numeric);
}

/** True when a table or view exists (schema-qualified name, e.g. 'quality.dq_failures'). */
export async function tableExists(conn: DuckDBConnection, qualified: string): Promise<boolean> {
  const [schema, name] = qualified.split('.');
  const rows = await readRows<{ n: number }>(conn, `select count(*) as n from information_schema.tables where table_schema = $1 and table_name = $2`, [
    schema,
    name,
  ]);
  return rows[0].n > 0;
}
