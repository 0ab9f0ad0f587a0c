/**
 * Builds one model in the warehouse: `create or replace table|view <schema>.<name> as <sql>`, or,
 * for a partitioned table in a run limited to some provinces, deletes those provinces' rows and
 * inserts them again from the model's query. Nothing here opens or ends a transaction: a run
 * builds every model inside its own (run-transform.ts), so that readers see all of them change
 * at its COMMIT, or none.
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
 * The rows a run limited to `provinces` tests: the partition filter of a partitioned model; for a
 * model whose sidecar names a `school_column`, the rows of the provinces' schools; otherwise
 * undefined (every row).
 */
export function testScope(model: Model, provinces: string[]): string | undefined {
  const partitions = partitionFilter(model, provinces);
  if (partitions || !model.spec.school_column) return partitions;
  return `${ident(model.spec.school_column)} in (select ma_truong_hoc from core.int_school_years
    where current_province_code in (${[...new Set(provinces)].map(literal).join(', ')}))`;
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
    await conn.run(`delete from ${model.id} where ${filter}`);
    const inserted = await conn.run(`insert into ${model.id} by name select * from (\n${model.sql}\n) as model where ${filter}`);
    return { mode: 'partitions', rows: inserted.rowsChanged };
  }
  await conn.run(`create schema if not exists ${ident(model.schema)}`);
  if (existing && existing !== kind) await conn.run(`drop ${existing} ${model.id}`);
  if (model.spec.batches) return { mode: 'full', rows: await buildInBatches(conn, model, provinces) };
  await conn.run(`create or replace ${kind} ${model.id} as\n${model.sql}`);
  if (kind === 'view') return { mode: 'full', rows: null };
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*) as n from ${model.id}`);
  return { mode: 'full', rows: Number(n) };
}

/** The value a null partition takes in a batch list (and in a batched model's filter). */
export const UNPLACED_PARTITION = '';

/**
 * Packs the partition values of `spec.batches.values` into consecutive batches of at most
 * `max_weight` (a heavier value makes a batch of its own); null values count as ''.
 */
export async function partitionBatches(conn: DuckDBConnection, model: Model): Promise<string[][]> {
  const spec = model.spec.batches!;
  const weights = await queryRows<{ v: string; w: number }>(
    conn,
    `select coalesce(v::varchar, ${literal(UNPLACED_PARTITION)}) as v, count(*)::bigint as w
       from (select #1 as v from (${spec.values})) group by 1 order by 1`,
  );
  const batches: string[][] = [];
  let weight = 0;
  for (const { v, w } of weights) {
    const n = Number(w);
    if (batches.length === 0 || weight + n > spec.max_weight) {
      batches.push([]);
      weight = 0;
    }
    batches.at(-1)!.push(v);
    weight += n;
  }
  return batches;
}

/**
 * A full build in batches of partitions: the model is created empty, then each batch runs the
 * model with `transform_provinces` set to its values and appends their rows, so that no query
 * holds the whole model's intermediate state at once. The run's transaction hides the part-built
 * table from readers until it commits. The run's own scope (`provinces`) is restored after the
 * batches. Returns the row count.
 */
async function buildInBatches(conn: DuckDBConnection, model: Model, provinces?: string[]): Promise<number> {
  const column = ident(model.spec.partition_by!);
  const batches = await partitionBatches(conn, model);
  await conn.run(`create or replace table ${model.id} as select * from (\n${model.sql}\n) as model limit 0`);
  try {
    for (const batch of batches) {
      const list = batch.map(literal).join(', ');
      await conn.run(`set variable transform_provinces = [${list}]::varchar[]`);
      await conn.run(`insert into ${model.id} by name select * from (\n${model.sql}\n) as model
        where coalesce(${column}, ${literal(UNPLACED_PARTITION)}) in (${list})`);
    }
  } catch (err) {
    // refused once the error aborted the transaction; the run resets the scope after its rollback
    await setPartitionScope(conn, provinces).catch(() => {});
    throw err;
  }
  await setPartitionScope(conn, provinces);
  const [{ n }] = await queryRows<{ n: number }>(conn, `select count(*) as n from ${model.id}`);
  return Number(n);
}
