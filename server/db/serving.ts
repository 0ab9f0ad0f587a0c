/**
 * The serving tables a request reads (models/serving, quality.league_scores): shaped for the
 * questions the pages ask and derived from the contract tables by the same runs that publish
 * them. Each request learns, once, the data version and which of them exist (a warehouse whose
 * last runs predate them has none); queries use a serving table when it exists and the contract
 * otherwise, with the same answer either way. The existence is read once per data version.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RequestHandler } from 'express';
import { dataVersion } from '../suppression/data-version.ts';
import { readRows } from './read-rows.ts';

export type ServingState = {
  /** The data version (suppression/data-version.ts) the request started under. */
  version: string;
  /** serving.indicator_values */
  values: boolean;
  /** serving.indicator_values has `geography` (a warehouse whose last transform predates it has not) */
  valuesGeography: boolean;
  /** serving.unit_children */
  children: boolean;
  /** quality.league_scores */
  league: boolean;
  /** serving.suppression_decisions */
  decisions: boolean;
};

const TABLES = {
  values: 'serving.indicator_values',
  children: 'serving.unit_children',
  league: 'quality.league_scores',
  decisions: 'serving.suppression_decisions',
} as const;

const states = new WeakMap<DuckDBConnection, ServingState>();

/** The serving state of a request's connection; undefined outside a request (then the contract is read). */
export function servingOf(conn: DuckDBConnection): ServingState | undefined {
  return states.get(conn);
}

async function existing(conn: DuckDBConnection): Promise<Omit<ServingState, 'version'>> {
  const rows = await readRows<{ name: string }>(
    conn,
    `select schema_name || '.' || table_name as name from duckdb_tables() where list_contains($1::varchar[], schema_name || '.' || table_name)`,
    [Object.values(TABLES)],
  );
  const names = new Set(rows.map((r) => r.name));
  const geography = await readRows(
    conn,
    `select 1 from duckdb_columns() where schema_name = 'serving' and table_name = 'indicator_values' and column_name = 'geography'`,
  );
  return {
    values: names.has(TABLES.values),
    valuesGeography: geography.length > 0,
    children: names.has(TABLES.children),
    league: names.has(TABLES.league),
    decisions: names.has(TABLES.decisions),
  };
}

/** Sets the serving state of each request's connection (after the connection middleware). */
export function servingMiddleware(): RequestHandler {
  let known: { version: string; tables: Omit<ServingState, 'version'> } | undefined;
  return async (_req, res, next) => {
    const conn = res.locals.conn as DuckDBConnection;
    const version = await dataVersion(conn);
    // each request that sees a new version looks for itself (a shared look-up would fail with the request that made it)
    const tables = known?.version === version ? known.tables : await existing(conn);
    known = { version, tables };
    states.set(conn, { version, ...tables });
    res.locals.dataVersion = version;
    next();
  };
}
