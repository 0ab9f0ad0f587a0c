/**
 * Splits a table's id span into contiguous ranges so that several workers read it in parallel,
 * each range one COPY. Ids are bigints, so the arithmetic is BigInt throughout.
 */
import type pg from 'pg';
import { ident } from '../../../lib/warehouse.ts';

/** Rows aimed at per range: large enough to amortise a query, small enough to share a table among the workers. */
export const ROWS_PER_RANGE = 100_000;

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

/** At most this many ranges per table, whatever the estimate says. */
export const MAX_RANGES = 10_000;

/** How many ranges to cut `rows` rows into for `workers` workers. */
export function rangeCount(rows: number, workers: number): number {
  if (!(rows > ROWS_PER_RANGE / 4)) return 1;
  return Math.min(MAX_RANGES, Math.max(workers, Math.ceil(rows / ROWS_PER_RANGE)));
}

/**
 * Cuts [bounds[0], bounds[last]] into about `parts` contiguous ranges along equi-depth bounds (the
 * planner's histogram of id: each bucket between two bounds holds about as many rows): buckets are
 * merged when there are more than `parts`, split evenly by width when there are fewer.
 *
 * @example splitByBounds([1n, 10n, 1000n, 5000n], 3) // [1..9], [10..999], [1000..5000]
 */
export function splitByBounds(bounds: bigint[], parts: number): IdRange[] {
  const buckets = bounds.length - 1;
  if (buckets < 1) return bounds.length === 1 ? [{ from: bounds[0].toString(), to: bounds[0].toString() }] : [];
  const last = (i: number) => (i === buckets ? bounds[i] : bounds[i] - 1n);
  if (parts <= buckets) {
    const cuts = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * buckets) / parts));
    return cuts.slice(1).map((c, i) => ({ from: bounds[cuts[i]].toString(), to: last(c).toString() }));
  }
  const each = Math.ceil(parts / buckets);
  return Array.from({ length: buckets }, (_, i) => splitIds(bounds[i], last(i + 1), each)).flat();
}

/** Parses PostgreSQL's text form of an int8 array histogram ('{1,5,9}'), null when absent. */
function parseBounds(text: string | null): bigint[] {
  if (!text) return [];
  return text
    .replace(/[{}]/g, '')
    .split(',')
    .filter(Boolean)
    .map((v) => BigInt(v));
}

/**
 * The ranges covering every row of `csdl.<table>` in the snapshot: bounds from min/max(id) (index
 * lookups), cut along the planner's histogram of id so that ranges hold similar numbers of rows
 * even when ids are sparse; the row count estimated as the planner does (rows per page x current
 * pages), or counted when the table was never analysed. The ranges always cover [min, max].
 * `parts` may change the number of ranges a full read would use (`rangeCount`).
 */
export async function tableRanges(
  client: pg.ClientBase,
  table: string,
  workers: number,
  parts: (full: number) => number = (n) => n,
): Promise<{ ranges: IdRange[]; estimate: number }> {
  const name = `csdl.${ident(table)}`;
  const { rows } = await client.query<{ min: string | null; max: string | null; estimate: number; bounds: string | null }>(
    `select min(id)::text as min, max(id)::text as max,
            (select case when relpages > 0 and reltuples > 0
                         then reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::float8)
                         else 0 end
               from pg_class where oid = $1::regclass) as estimate,
            (select histogram_bounds::text from pg_stats where schemaname = 'csdl' and tablename = $2 and attname = 'id') as bounds
       from ${name}`,
    [name, table],
  );
  const { min, max } = rows[0];
  if (min === null || max === null) return { ranges: [], estimate: 0 };
  let estimate = rows[0].estimate;
  if (!(estimate > 0)) estimate = Number((await client.query<{ n: string }>(`select count(*)::text as n from ${name}`)).rows[0].n);
  const [lo, hi] = [BigInt(min), BigInt(max)];
  const inner = parseBounds(rows[0].bounds).filter((b) => b > lo && b < hi);
  return { ranges: splitByBounds([lo, ...inner, hi], parts(rangeCount(estimate, workers))), estimate };
}

/** `id between <from> and <to>` for one range. */
export function rangeWhere(r: IdRange): string {
  return `id between ${r.from} and ${r.to}`;
}
