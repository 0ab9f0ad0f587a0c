/**
 * Inputs the SQL models read but the source does not hold, written into schema `input` before
 * the models run (models are plain SQL and cannot read configuration):
 *   input.deadlines         reporting deadlines from configuration, refreshed every run
 *   input.population        optional population by province, year, age and sex (kept until replaced;
 *                           population-input.ts)
 *   input.indicator_catalog the indicator metadata of data/indicators/catalog.json
 *   input.form_layout       the rows of the Ministry's report forms (data/forms/layout.json)
 *   input.form_columns      their value columns
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../lib/config.ts';
import { loadFormsLayout } from '../../lib/forms-layout.ts';
import { literal } from '../../lib/warehouse.ts';
import { loadIndicatorCatalog } from './indicator-catalog.ts';

/** The part of the configuration the deadlines come from. */
export type DeadlineConfig = Pick<Config, 'deadlines' | 'defaultDeadline'>;

/** Writes the configured deadlines: one row per province code and period kind, '*' = default. */
export async function writeDeadlines(conn: DuckDBConnection, config: DeadlineConfig): Promise<void> {
  const rows: string[] = [];
  const add = (code: string, d: { dn: string; cn: string }) =>
    rows.push(`(${literal(code)}, 'DN', ${literal(d.dn)})`, `(${literal(code)}, 'CN', ${literal(d.cn)})`);
  add('*', config.defaultDeadline);
  for (const [code, d] of Object.entries(config.deadlines)) add(code, d);
  await conn.run(`create schema if not exists input;
    create or replace table input.deadlines (ma_tinh varchar not null, ky varchar not null, mm_dd varchar not null);
    insert into input.deadlines values ${rows.join(', ')};`);
}

/** Loads the indicator catalogue file into input.indicator_catalog (validated first). */
export async function writeIndicatorCatalog(conn: DuckDBConnection, path?: string): Promise<void> {
  const catalog = loadIndicatorCatalog(path);
  const values = catalog.map(
    (c) =>
      `(${[c.code, c.name_vi, c.name_en, c.definition, c.formula].map(literal).join(', ')}, ${nullable(c.method_note)}, ${[
        c.unit,
        c.counts,
        c.value_kind,
        c.periods,
        c.needs,
      ]
        .map(literal)
        .join(', ')}, ${nullable(c.tt03_code)}, ${list(c.source_fields)}, ${list(c.breakdowns)}, ${list(c.unit_levels)})`,
  );
  await conn.run(`create schema if not exists input;
    create or replace table input.indicator_catalog (
      code varchar, name_vi varchar, name_en varchar, definition varchar, formula varchar, method_note varchar,
      unit varchar, counts varchar, value_kind varchar, periods varchar, needs varchar, tt03_code varchar,
      source_fields varchar[], breakdowns varchar[], unit_levels varchar[]
    );
    insert into input.indicator_catalog values ${values.join(',\n')};`);
}

function nullable(value: string | null): string {
  return value === null ? 'null' : literal(value);
}

function list(items: string[]): string {
  return `[${items.map(literal).join(', ')}]::varchar[]`;
}

/** Loads the report forms' rows and columns (data/forms/layout.json) into input.form_layout and input.form_columns. */
export async function writeFormLayout(conn: DuckDBConnection, path?: string): Promise<void> {
  const layout = loadFormsLayout(path);
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? 'null' : literal(String(v)));
  const bool = (v: boolean | undefined) => (v === undefined ? 'null' : String(v));
  const rows = layout.rows.map((r) =>
    [
      text(r.form),
      text(r.sheet),
      String(r.excel_row),
      text(r.tt),
      text(r.label),
      text(r.unit),
      r.ma_so === null ? 'null' : String(r.ma_so),
      bool(r.bold),
      text(r.status),
      bool(r.approximate),
      text(r.supplied_splits),
      text(r.definition),
      text(r.reason_vi),
    ].join(', '),
  );
  const columns = layout.columns.map((c) =>
    [c.form, c.sheet, c.col_no, c.excel_col, c.block, c.split, c.header].map((v) => (typeof v === 'number' ? String(v) : text(v))).join(', '),
  );
  await conn.run(`create schema if not exists input;
    create or replace table input.form_layout (
      form varchar, sheet varchar, excel_row integer, tt varchar, label varchar, unit varchar, ma_so usmallint, bold boolean,
      status varchar, approximate boolean, supplied_splits varchar, definition varchar, reason_vi varchar
    );
    insert into input.form_layout values ${rows.map((r) => `(${r})`).join(',\n')};
    create or replace table input.form_columns (
      form varchar, sheet varchar, col_no usmallint, excel_col varchar, block varchar, split varchar, header varchar
    );
    insert into input.form_columns values ${columns.map((r) => `(${r})`).join(',\n')};`);
}
