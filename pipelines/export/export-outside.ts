/**
 * The tables of a package for an outside recipient (counts 1-9 hidden, with secondary suppression): the
 * unit and the units directly below it (no schools), with the small-cell rule applied across
 * every group a reader could subtract in: indicator values by lib/suppression.ts (children add up
 * to the parent, breakdowns to the total), form cells by lib/form-suppression.ts (blocks to
 * Tổng số, parts to wholes, children to the parent). Counts become text: the number, '<10' or
 * 'x', with `suppressed` set on a row that hides anything. The rows go to temporary tables the
 * file writers read like the frozen ones.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { suppressFormCells } from '../../lib/form-suppression.ts';
import type { FormsLayout } from '../../lib/forms-layout.ts';
import { isHidden, suppressIndicatorRows, type Shown } from '../../lib/suppression.ts';
import { ident, literal, queryRows } from '../../lib/warehouse.ts';
import { DATASETS, type Dataset, type DatasetColumn } from './datasets.ts';

type Row = Record<string, unknown>;

const SUPPRESSED: DatasetColumn = { name: 'suppressed', vi: 'Có ô bị ẩn', kind: 'bool' };

/** The columns of a suppressed table: its counts as text, and the `suppressed` flag. */
export function outsideColumns(d: Dataset): DatasetColumn[] {
  if (d.name === 'quality_scores') return d.columns;
  const text = d.name === 'indicator_values' ? ['numerator', 'denominator', 'value'] : ['value'];
  return [...d.columns.map((c) => (text.includes(c.name) ? { ...c, kind: 'text' as const } : c)), SUPPRESSED];
}

const shownText = (v: Shown): string | null => (v === null ? null : String(v));

function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  return literal(String(v));
}

async function createTable(conn: DuckDBConnection, name: string, columns: DatasetColumn[], rows: Row[]): Promise<string> {
  const type = (k: DatasetColumn['kind']) => (k === 'int' ? 'bigint' : k === 'double' ? 'double' : k === 'bool' ? 'boolean' : 'varchar');
  const table = `export_${name}`;
  await conn.run(`create or replace temp table ${table} (${columns.map((c) => `${ident(c.name)} ${type(c.kind)}`).join(', ')})`);
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows.slice(i, i + 1000).map((r) => `(${columns.map((c) => sqlValue(r[c.name])).join(', ')})`);
    await conn.run(`insert into ${table} values ${values.join(',\n')}`);
  }
  return table;
}

/**
 * Builds the suppressed tables of a version (its rows in `sources`) for `unitKey` (the unit and its children) and
 * returns, per dataset, the SQL that reads them.
 */
export async function outsideTables(
  conn: DuckDBConnection,
  opts: { sources: Record<Dataset['name'], string>; period: string; unitKey: string; layout: FormsLayout; countIndicators: ReadonlySet<string> },
): Promise<Record<Dataset['name'], string>> {
  const within = (rows: Row[]) => rows.filter((r) => r.unit_key === opts.unitKey || r.parent_key === opts.unitKey);
  const [indicatorsSpec, formsSpec, qualitySpec] = DATASETS;

  const indicators = within(await queryRows<Row>(conn, indicatorsSpec.sql(opts.sources.indicator_values, opts.period, true)));
  const cells = indicators.map((r) => ({
    ...r,
    unit_key: String(r.unit_key),
    unit_code: String(r.unit_code),
    indicator: String(r.indicator),
    breakdown: String(r.breakdown),
    numerator: r.numerator === null ? null : Number(r.numerator),
    denominator: r.denominator === null ? null : Number(r.denominator),
    value: r.value === null ? null : Number(r.value),
  }));
  const parents = cells.filter((r) => r.unit_key === opts.unitKey);
  const children = cells.filter((r) => r.unit_key !== opts.unitKey);
  const published = suppressIndicatorRows(children, parents, opts.countIndicators);
  const indicatorRows = [...published.parents, ...published.children].map((r) => ({
    ...r,
    numerator: shownText(r.numerator),
    denominator: shownText(r.denominator),
    value: shownText(r.value),
  }));

  const formRows = within(await queryRows<Row>(conn, formsSpec.sql(opts.sources.form_cells, opts.period, true)));
  const shown = suppressFormCells(
    formRows.map((r) => ({
      unit_key: String(r.unit_key),
      parent_key: r.unit_key === opts.unitKey ? null : (r.parent_key as string | null),
      form: String(r.form),
      sheet: String(r.sheet),
      ma_so: Number(r.ma_so),
      col_no: Number(r.col_no),
      value: Number(r.value),
    })),
    opts.layout.columns,
  );
  const formCells = formRows.map((r, i) => ({ ...r, value: shownText(shown[i]), suppressed: isHidden(shown[i]) }));

  const quality = await queryRows<Row>(conn, qualitySpec.sql(opts.sources.quality_scores, opts.period, true));
  return {
    indicator_values: `select * from ${await createTable(conn, 'indicator_values', outsideColumns(indicatorsSpec), indicatorRows)}`,
    form_cells: `select * from ${await createTable(conn, 'form_cells', outsideColumns(formsSpec), formCells)}`,
    quality_scores: `select * from ${await createTable(conn, 'quality_scores', qualitySpec.columns, quality)}`,
  };
}
