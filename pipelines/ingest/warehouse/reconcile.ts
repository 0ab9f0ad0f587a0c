/**
 * Reconciliation: the same three figures computed on the source snapshot (by PostgreSQL) and on
 * the warehouse (by DuckDB, inside the publish transaction, before COMMIT): row count, sum of ids
 * and sum of updated_at in epoch microseconds. Any difference means a row was lost, duplicated or
 * left stale, and the run rolls back with ReconciliationError. Tables without ids compare counts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { ReconciliationError } from '../../../lib/errors.ts';
import { ident, literal, queryRows } from '../../../lib/warehouse.ts';
import { selectSql, type TableContract } from '../contract/contract.ts';
import { rawView } from './stage.ts';

/** A table's figures; sums are decimal integer strings (they exceed 2^53). */
export type Figures = { rows: string; idSum: string; updatedSum: string };

/**
 * Figures of the source table plus its watermark (max updated_at, text with offset) and, for a
 * table without ids, the md5 of its extracted content (lets an incremental run skip a code list
 * that did not change).
 */
export type SourceFigures = Figures & { watermark: string | null; contentMd5: string | null };

/**
 * sum(updated_at) in epoch microseconds, exact. From PostgreSQL 14 extract(epoch) is an exact
 * numeric, summed as is (the cheapest form); before, it is a float, so whole seconds and
 * microseconds are summed apart.
 */
function updatedSumSql(numericEpoch: boolean): string {
  return numericEpoch
    ? `coalesce(trunc(sum(extract(epoch from updated_at)) * 1000000), 0)::text`
    : `coalesce(sum(extract(epoch from date_trunc('second', updated_at))::bigint * 1000000 + extract(microseconds from updated_at)::bigint % 1000000), 0)::text`;
}

/** Whether the server's extract(epoch) returns an exact numeric (PostgreSQL 14 and later). */
export async function hasNumericEpoch(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
  return Number(rows[0].v) >= 140000;
}

/**
 * Computes the figures of `csdl.<t>` in the snapshot the client's transaction holds. For a table
 * with ids, two narrow aggregates, each of which PostgreSQL can answer from an index alone (the
 * primary key; an index on updated_at where the source has one) instead of reading every row of
 * the table. Sequential scans are discouraged for these two statements only; without such an index
 * PostgreSQL still reads the table. Both run in the same snapshot, so their row counts agree.
 */
export async function sourceFigures(client: pg.ClientBase, contract: TableContract, numericEpoch: boolean): Promise<SourceFigures> {
  const t = `csdl.${ident(contract.name)}`;
  if (!contract.keyed) {
    const { rows } = await client.query<{ rows: string; content_md5: string }>(
      `select count(*)::text as rows, md5(coalesce(string_agg(s::text, E'\\n' order by s::text), '')) as content_md5
         from (${selectSql(contract)}) s`,
    );
    return { rows: rows[0].rows, idSum: '0', updatedSum: '0', watermark: null, contentMd5: rows[0].content_md5 };
  }
  // (a failed statement aborts the transaction, and the setting with it)
  await client.query('set local enable_seqscan = off');
  const ids = await client.query<{ rows: string; id_sum: string }>(`select count(*)::text as rows, coalesce(sum(id), 0)::text as id_sum from ${t}`);
  const stamps = await client.query<{ rows: string; updated_sum: string; watermark: string | null }>(
    `select count(*)::text as rows, ${updatedSumSql(numericEpoch)} as updated_sum, max(updated_at)::text as watermark from ${t}`,
  );
  await client.query('set local enable_seqscan = on');
  const [a, b] = [ids.rows[0], stamps.rows[0]];
  if (a.rows !== b.rows)
    throw new Error(`csdl.${contract.name}: cùng một ảnh chụp nguồn mà đếm theo id được ${a.rows} dòng, theo updated_at được ${b.rows} dòng`);
  return { rows: a.rows, idSum: a.id_sum, updatedSum: b.updated_sum, watermark: b.watermark, contentMd5: null };
}

function warehouseFiguresSql(contract: TableContract): string {
  const name = literal(contract.name);
  return contract.keyed
    ? `select ${name} as t, count(*)::varchar as rows, coalesce(sum(id), 0)::varchar as id_sum,
              coalesce(sum(epoch_us(updated_at)), 0)::varchar as updated_sum from ${rawView(contract.name)}`
    : `select ${name} as t, count(*)::varchar as rows, '0' as id_sum, '0' as updated_sum from ${rawView(contract.name)}`;
}

/** Computes the figures of every `raw.<t>` in one query, as the connection sees them (inside the publish transaction). */
export async function warehouseFigures(conn: DuckDBConnection, contracts: TableContract[]): Promise<Map<string, Figures>> {
  if (contracts.length === 0) return new Map();
  const rows = await queryRows<{ t: string; rows: string; id_sum: string; updated_sum: string }>(
    conn,
    contracts.map(warehouseFiguresSql).join('\nunion all\n'),
  );
  return new Map(rows.map((r) => [r.t, { rows: r.rows, idSum: r.id_sum, updatedSum: r.updated_sum }]));
}

/** The mismatch between the two sets of figures as ReconciliationError, or null when they agree. */
export function compareFigures(runId: string, table: string, source: Figures, warehouse: Figures): ReconciliationError | null {
  const same = (a: string, b: string) => BigInt(a) === BigInt(b);
  if (same(source.rows, warehouse.rows) && same(source.idSum, warehouse.idSum) && same(source.updatedSum, warehouse.updatedSum)) return null;
  const fmt = (f: Figures) => `số dòng=${BigInt(f.rows).toLocaleString('vi-VN')} sum(id)=${f.idSum} sum(updated_at µs)=${f.updatedSum}`;
  return new ReconciliationError(
    `Lần chạy ${runId}: raw.${table} không khớp với ảnh chụp nguồn (nguồn ${fmt(source)}; kho ${fmt(warehouse)}). ` +
      'Lần chạy đã được hoàn tác và kho dữ liệu giữ trạng thái trước đó; hãy chạy `csdl etl --full` để nạp lại, và báo mã lần chạy nếu lỗi lặp lại.',
    { runId, table, source, warehouse },
  );
}
