/**
 * Splits a table's id span into contiguous ranges so that several workers read it in parallel,
 * each range into its own file. Ids are bigints, so the arithmetic is BigInt throughout.
 */
import type pg from 'pg';

/** Rows aimed at per file: large enough to amortise a query, small enough to pipeline loading. */
export const ROWS_PER_FILE = 100_000;

/** An inclusive id range, as decimal strings ready to inline into SQL. */
export type IdRange = { from: string; to: string };

/**
 * Cuts [min, max] into `parts` contiguous inclusive ranges of near-equal width (fewer when the span
 * is narrower than `parts`).
 *
 * @example splitIds(1n, 10n, 3) // [{from:'1',to:'4'}, {from:'5',to:'7'}, {from:'8',to:'10'}]
 */
export function splitIds(min: bigint, max: bigint, parts: number): IdRange[] {
  if (max < min) return [];
  const span = max - min + 1n;
  const n = BigInt(Math.max(1, parts)) > span ? span : BigInt(Math.max(1, parts));
  const ranges: IdRange[] = [];
  let start = min;
  for (let i = 0n; i < n; i++) {
    const end = min + (span * (i + 1n)) / n - 1n;
    ranges.push({ from: start.toString(), to: end.toString() });
    start = end + 1n;
  }
  return ranges;
}

/** How many ranges to cut `rows` rows into for `workers` workers. */
export function rangeCount(rows: number, workers: number): number {
  if (rows <= ROWS_PER_FILE / 4) return 1;
  return Math.max(workers, Math.ceil(rows / ROWS_PER_FILE));
}

/**
 * The ranges covering every row of `csdl.<table>` in the snapshot: bounds from min/max(id) (an
 * index lookup), the count estimated the way the planner does (rows per page x current pages; no
 * scan). The estimate only shapes the ranges; the ranges always cover the whole id span.
 */
export async function tableRanges(client: pg.ClientBase, table: string, workers: number): Promise<{ ranges: IdRange[]; estimate: number }> {
  const { rows } = await client.query<{ min: string | null; max: string | null; estimate: number }>(
    `select min(id)::text as min, max(id)::text as max,
            (select case when relpages > 0 and reltuples > 0
                         then reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::float8)
                         else 0 end
               from pg_class where oid = $1::regclass) as estimate
       from csdl."${table.replace(/"/g, '""')}"`,
    [`csdl."${table.replace(/"/g, '""')}"`],
  );
  const { min, max } = rows[0];
  if (min === null || max === null) return { ranges: [], estimate: 0 };
  const span = Number(BigInt(max) - BigInt(min) + 1n);
  const estimate = rows[0].estimate > 0 ? Math.min(rows[0].estimate, span) : span;
  return { ranges: splitIds(BigInt(min), BigInt(max), rangeCount(estimate, workers)), estimate };
}

/** `id between <from> and <to>` for one range. */
export function rangeWhere(r: IdRange): string {
  return `id between ${r.from} and ${r.to}`;
}
