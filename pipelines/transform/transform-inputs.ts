/**
 * Inputs the SQL models read but the source does not hold, written into schema `input` before
 * the models run (models are plain SQL and cannot read configuration):
 *   input.deadlines         reporting deadlines from configuration, refreshed every run
 *   input.population        optional population by province, year, age and sex (kept until replaced)
 *   input.indicator_catalog the indicator metadata of data/indicators/catalog.json
 *   input.form_layout       the rows of the Ministry's report forms (data/forms/layout.json)
 *   input.form_columns      their value columns
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../lib/config.ts';
import { RefusedError } from '../../lib/errors.ts';
import { loadFormsLayout } from '../../lib/forms-layout.ts';
import { literal, queryRows } from '../../lib/warehouse.ts';
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

/** Creates the (empty) population table when none was loaded, so the models can read it. */
export async function ensurePopulation(conn: DuckDBConnection): Promise<void> {
  await conn.run(`create schema if not exists input;
    create table if not exists input.population (
      ma_tinh varchar not null,   -- province code valid in year nam (old codes before 2025)
      nam integer not null,       -- calendar year the population refers to (= nam_hoc)
      tuoi integer not null,      -- age in completed years at the end of year nam
      gioi_tinh integer not null, -- 1 male, 2 female
      dan_so bigint not null      -- persons
    );`);
}

/**
 * Replaces input.population with a CSV `ma_tinh,nam,tuoi,gioi_tinh,dan_so` (header required),
 * within the caller's transaction. Returns the rows loaded.
 */
export async function loadPopulation(conn: DuckDBConnection, csvPath: string): Promise<number> {
  const path = resolve(csvPath);
  if (!existsSync(path)) throw new RefusedError(`Population file ${path} does not exist`, { path });
  await ensurePopulation(conn);
  // inside the run's transaction: a file that fails to load leaves the previous population
  await conn.run(`delete from input.population;
    insert into input.population
    select lpad(trim(ma_tinh), 2, '0'), nam, tuoi, gioi_tinh, dan_so
    from read_csv(${literal(path)}, header = true, columns = {
      'ma_tinh': 'varchar', 'nam': 'integer', 'tuoi': 'integer', 'gioi_tinh': 'integer', 'dan_so': 'bigint'
    });`);
  const [{ n }] = await queryRows<{ n: number }>(conn, 'select count(*) as n from input.population');
  return Number(n);
}

/** Loads the indicator catalogue file into input.indicator_catalog (validated first). */
export async function writeIndicatorCatalog(conn: DuckDBConnection, path?: string): Promise<void> {
  const catalog = loadIndicatorCatalog(path);
  const values = catalog.map(
    (c) =>
      `(${[c.code, c.name_vi, c.name_en, c.definition, c.formula, c.unit, c.value_kind, c.periods, c.needs]
        .map(literal)
        .join(', ')}, ${c.tt03_code === null ? 'null' : literal(c.tt03_code)}, ${list(c.source_fields)}, ${list(c.breakdowns)}, ${list(c.unit_levels)})`,
  );
  await conn.run(`create schema if not exists input;
    create or replace table input.indicator_catalog (
      code varchar, name_vi varchar, name_en varchar, definition varchar, formula varchar, unit varchar,
      value_kind varchar, periods varchar, needs varchar, tt03_code varchar,
      source_fields varchar[], breakdowns varchar[], unit_levels varchar[]
    );
    insert into input.indicator_catalog values ${values.join(',\n')};`);
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
