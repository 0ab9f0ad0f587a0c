/**
 * The per-table extraction contract derived from tables.ts and column-types.ts: which source
 * columns are read, what PostgreSQL selects for each output column, and how DuckDB types and
 * transforms it into `raw.<table>`. Every other ETL module works from this one description.
 */
import { ident as quote } from '../../../lib/warehouse.ts';
import { columnType, duckType, type ColumnType } from './column-types.ts';
import { derivedFlags, FLAG_SUFFIXES, flagSelectItems } from './flags.ts';
import { CODE_LIST_COLUMNS, SOURCE_TABLES, type SourceTable } from './tables.ts';

/** One column of `raw.<table>`, in order. */
export type OutputColumn = {
  name: string;
  /** Type in the warehouse (DuckDB). */
  duckType: string;
  /** How the column is produced: copied, pseudonymised in DuckDB, or a flag computed in PostgreSQL. */
  role: 'copy' | 'pseudonym' | 'flag';
  /** Declared source type (for flags: boolean). */
  sourceType: ColumnType;
  /**
   * For a flag DuckDB derives from the row's other columns (flags.ts derivedFlags): its DuckDB
   * expression. Such a column is not in the SELECT nor in the CSV files.
   */
  derived?: string;
};

/** How one source table is extracted. */
export type TableContract = {
  name: string;
  /** `id`-keyed tables load incrementally; the others (code lists, administrative units) are copied whole. */
  keyed: boolean;
  codeList: boolean;
  /** Source columns that must exist, with their declared types (checked before reading). */
  sourceColumns: Array<{ name: string; type: ColumnType }>;
  /** The SELECT list sent to PostgreSQL, one item per output column that is not derived, same order. */
  selectItems: string[];
  /** PostgreSQL's expression of every output column, derived ones included (tests compare the two). */
  sourceItems: string[];
  /** The columns of `raw.<table>` before `_run_id` and `_loaded_at`. */
  output: OutputColumn[];
};

/** Builds the contract of a table described in tables.ts, or of a discovered code list. */
export function contractOf(table: SourceTable, codeList = false): TableContract {
  // each output column with PostgreSQL's expression of it
  const columns: Array<{ column: OutputColumn; sourceItem: string }> = [];
  const sourceColumns = new Map<string, ColumnType>();
  for (const c of table.columns) {
    const type = columnType(table, c, codeList);
    sourceColumns.set(c, type);
    columns.push({ column: { name: c, duckType: duckType(type), role: 'copy', sourceType: type }, sourceItem: quote(c) });
  }
  for (const c of table.pseudonymised) {
    sourceColumns.set(c, 'text');
    columns.push({ column: { name: c, duckType: 'VARCHAR', role: 'pseudonym', sourceType: 'text' }, sourceItem: quote(c) });
  }
  for (const [c, kind] of Object.entries(table.personal)) {
    sourceColumns.set(c, 'text');
    const items = flagSelectItems(c, kind);
    const derived = derivedFlags(c, kind);
    FLAG_SUFFIXES.forEach((suffix, i) => {
      const expr = derived.get(suffix);
      const column: OutputColumn = { name: c + suffix, duckType: 'BOOLEAN', role: 'flag', sourceType: 'boolean', ...(expr ? { derived: expr } : {}) };
      columns.push({ column, sourceItem: items[i] });
    });
  }
  return {
    name: table.name,
    keyed: table.columns.includes('id') && table.columns.includes('updated_at'),
    codeList,
    sourceColumns: [...sourceColumns].map(([name, type]) => ({ name, type })),
    selectItems: columns.filter((c) => !c.column.derived).map((c) => c.sourceItem),
    sourceItems: columns.map((c) => c.sourceItem),
    output: columns.map((c) => c.column),
  };
}

/** The contracts of the tables listed in tables.ts. */
export function listedContracts(): TableContract[] {
  return SOURCE_TABLES.map((t) => contractOf(t));
}

/** The contract of a discovered code list `csdl.<name>` (copied whole: ma, ten, thuoc_tinh). */
export function codeListContract(name: string): TableContract {
  return contractOf({ name, columns: [...CODE_LIST_COLUMNS], pseudonymised: [], personal: {} }, true);
}

/**
 * `select <items> from csdl.<table>` with an optional where clause: what the ETL reads, or with
 * `allInSource` every output column computed by PostgreSQL (derived flags included, for tests).
 */
export function selectSql(contract: TableContract, where?: string, allInSource = false): string {
  const items = allInSource ? contract.sourceItems : contract.selectItems;
  return `select ${items.join(', ')} from csdl.${quote(contract.name)}${where ? ` where ${where}` : ''}`;
}

/** The output columns the CSV files hold (all but the derived ones), in order. */
export function csvColumns(contract: TableContract): OutputColumn[] {
  return contract.output.filter((c) => !c.derived);
}
