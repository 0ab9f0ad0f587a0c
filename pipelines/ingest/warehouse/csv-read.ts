/**
 * How DuckDB reads the CSV PostgreSQL's COPY writes (through a pipe, source/copy-stream.ts):
 * strict, explicitly typed, no detection, so nothing is guessed and nothing is skipped (input
 * DuckDB cannot read exactly fails the run). DuckDB's default line limit (2 MB per row) stands:
 * raising it multiplies its read buffers (16x), and the personal fields, the only long free
 * texts, never reach the stream.
 *
 * PostgreSQL's CSV writes NULL as an empty unquoted field and an empty string as `""`; DuckDB
 * tells them apart with `allow_quoted_nulls = false`. Dates and timestamps are read as text and
 * converted by two TEMP macros, because DuckDB would read PostgreSQL's "0044-03-15 BC" as the
 * year 44 AD without a word; the macros move the era where DuckDB expects it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from '../../../lib/warehouse.ts';
import type { OutputColumn } from '../contract/contract.ts';

/** Installs `csdl_pg_date(text)` and `csdl_pg_timestamptz(text)` on `conn`. */
export async function installPgTextMacros(conn: DuckDBConnection): Promise<void> {
  await conn.run(`
    create or replace temp macro csdl_pg_date(s) as
      case when s like '% BC' then cast(left(s, -3) || ' (BC)' as date) else cast(s as date) end;
    create or replace temp macro csdl_pg_timestamptz(s) as
      case when s like '% BC' then cast(regexp_replace(s, '^(\\S+) (.*) BC$', '\\1 (BC) \\2') as timestamptz)
           else cast(s as timestamptz) end;`);
}

/** The type a column has in the CSV (dates and timestamps as text, converted afterwards). */
export function csvType(col: Pick<OutputColumn, 'duckType' | 'sourceType'>): string {
  return col.sourceType === 'date' || col.sourceType === 'timestamptz' ? 'VARCHAR' : col.duckType;
}

/** The expression turning a CSV column into its warehouse value (pseudonyms excepted). */
export function convertExpr(col: Pick<OutputColumn, 'name' | 'sourceType'>): string {
  const c = ident(col.name);
  if (col.sourceType === 'date') return `csdl_pg_date(${c})`;
  if (col.sourceType === 'timestamptz') return `csdl_pg_timestamptz(${c})`;
  return c;
}

/**
 * `read_csv([...files], columns = {...}, ...)` for files (or pipes) holding `columns` in order.
 *
 * @example readCsvSql(['/tmp/r/hoc_sinh.0.csv'], [{ name: 'id', type: 'BIGINT' }])
 */
export function readCsvSql(files: string[], columns: Array<{ name: string; type: string }>): string {
  const list = '[' + files.map(literal).join(', ') + ']';
  const cols = '{' + columns.map((c) => `${literal(c.name)}: ${literal(c.type)}`).join(', ') + '}';
  return (
    `read_csv(${list}, columns = ${cols}, header = false, auto_detect = false, delim = ',', quote = '"', ` +
    `escape = '"', allow_quoted_nulls = false, strict_mode = true, null_padding = false, ` +
    `union_by_name = false, filename = false)`
  );
}

/**
 * Shortens a DuckDB CSV error to its first paragraph and removes every field value from it: the
 * error goes to logs and to meta.etl_runs, and a pseudonymised key's raw value must appear in neither.
 */
export function redactCsvError(message: string): string {
  const head = message.split(/\n\s*\n/)[0];
  return head
    .split('\n')
    .filter((line) => !/^\s*(Original Line|LINE \d+:|\s*\^)/i.test(line))
    .join('\n')
    .replace(/(string|value)\s+(["'])(?:(?!\2).)*\2/gi, '$1 <redacted>');
}
