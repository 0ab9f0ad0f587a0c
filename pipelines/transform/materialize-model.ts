/**
 * Builds one model in the warehouse: `create or replace table|view <schema>.<name> as <sql>`, or,
 * for a partitioned table in a run limited to some provinces, deletes those provinces' rows and
 * inserts them again from the model's query, in one transaction.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../../lib/warehouse.ts';
import type { Model } from './model-spec.ts';

/** How a model was built and how many rows it holds (or received). */
export type Materialized = {
  /** 'full' rebuilt the whole relation; 'partitions' only the provinces asked for. */
  mode: 'full' | 'partitions';
  /** Rows in the table after a full build, rows inserted by a partial one; null for views. */
  rows: number | null;
};

async function existingKind(conn: DuckDBConnection, model: Model): Promise<'table' | 'view' | undefined> {
  const rows = await queryRows<{ kind: string }>(
    conn,
    `select 'table' as kind from duckdb_tables() where schema_name = ? and table_name = ?
     union all select 'view' from duckdb_views() where schema_name = ? and view_name = ? and not internal`,
    [model.schema, model.name, model.schema, model.name],
  );
  return rows[0]?.kind as 'table' | 'view' | undefined;
}

/** The partition of nation-level rows, re-added from the provinces in every partial run. */
export const NATION_PARTITION = 'VN';

/**
 * SQL filter selecting the given provinces' rows of a partitioned model, plus the nation's rows
 * (summed from the 34 provinces, so they change whenever a province does).
 */
export function partitionFilter(model: Model, provinces: string[]): string | undefined {
  if (!model.spec.partition_by) return undefined;
  const codes = [...new Set([...provinces, NATION_PARTITION])];
  return `${ident(model.spec.partition_by)} in (${codes.map(literal).join(', ')})`;
}

/**
 * Tells the models which partitions a run rebuilds: the SQL variable `transform_provinces` holds
 * the provinces asked for plus the nation's partition, or NULL in a full run. A model reads it
 * where the optimiser cannot push the partition filter down by itself (below an aggregate or an
 * UNNEST): `where getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), current_province_code)`.
 */
export async function setPartitionScope(conn: DuckDBConnection, provinces?: string[]): Promise<void> {
  if (!provinces || provinces.length === 0) {
    await conn.run('reset variable transform_provinces');
    return;
  }
  const codes = [...new Set([...provinces, NATION_PARTITION])];
  await conn.run(`set variable transform_provinces = [${codes.map(literal).join(', ')}]::varchar[]`);
}

/** Materialises a model; `provinces` limits partitioned tables to those provinces' rows. */
export async function materializeModel(conn: DuckDBConnection, model: Model, provinces?: string[]): Promise<Materialized> {
  const kind = model.spec.materialized;
  const existing = await existingKind(conn, model);
  const partial = provinces !== undefined && provinces.length > 0;
  // a partial run keeps existing views: their definitions only change with the code, and a
  // code change calls for a full run
  if (partial && kind === 'view' && existing === 'view') return { mode: 'partitions', rows: null };
  const filter = partial ? partitionFilter(model, provinces) : undefined;
  if (filter && kind === 'table' && existing === 'table') {
    await conn.run('begin transaction');
    try {
      await conn.run(`delete from ${model.id} where ${filter}`);
      const inserted = await conn.run(`insert into ${model.id} by name select * from (\n${model.sql}\n) as model where ${filter}`);
      await conn.run('commit');
      return { mode: 'partitions', rows: inserted.rowsChanged };
    } catch (err) {
      await conn.run('rollback');
      throw err;
    }
  }
  await conn.run(`create schema if not exists ${ident(model.schema)}`);
  if (existing && existing !== kind) await conn.run(`drop ${existing} ${model.id}`);
  await conn.run(`create or replace ${kind} ${model.id} as\n${model.sql}`);
  if (kind === 'view') return { mode: 'full', rows: null };
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*) as n from ${model.id}`);
  return { mode: 'full', rows: Number(n) };
}
