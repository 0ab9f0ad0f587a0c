/**
 * An indicator's values over every period (indicators.indicator_values), for the units asked
 * about. Two geographies: 'reported' reads each period's values as its units reported them (a
 * province of today has none before the 2025 merger; the old provinces that merged into it stand
 * in its place), '2025' reads the periods before the merger re-aggregated on today's 34 provinces
 * ('current_34'), as reported where no re-aggregation exists (communes, schools).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, type Row } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';
import type { Unit } from '../units/units.queries.ts';

/** How the periods before the 2025 merger are shown. */
export type Geography = 'reported' | '2025';

export type SeriesRow = Row & {
  period: string;
  series_of: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string;
  geography: string;
  indicator: string;
  breakdown: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
};

/** The columns of a series table, with the `_status` columns when suppressed. */
export function seriesColumns(suppressed: boolean): string[] {
  const base = [
    'period',
    'period_name',
    'series_of',
    'unit_key',
    'unit_code',
    'unit_level',
    'unit_name',
    'geography',
    'indicator',
    'breakdown',
    'numerator',
    'denominator',
    'value',
  ];
  return suppressed ? [...base, 'numerator_status', 'denominator_status', 'value_status', 'suppressed'] : base;
}

/**
 * One row per (period, unit) pair asked x breakdown, for one indicator, in one query. The
 * breakdown filter is 'total', 'all', a dimension ('sex') or one cell ('sex=female'). A series as
 * reported reads serving.indicator_values where it has `geography` (the same rows, a unit's rows
 * contiguous: tens of milliseconds instead of a scan of the contract); '2025' prefers the
 * re-aggregation even where a unit has rows as reported, which only the contract holds.
 */
export async function seriesValues(
  conn: DuckDBConnection,
  q: { pairs: ReadonlyArray<{ period: string; unitKey: string }>; indicator: string; breakdown: string; geography: Geography },
): Promise<Array<Omit<SeriesRow, 'series_of'>>> {
  if (q.pairs.length === 0) return [];
  const table = q.geography === 'reported' && servingOf(conn)?.valuesGeography ? 'serving.indicator_values' : 'indicators.indicator_values';
  return readRows(
    conn,
    `with wanted as (select distinct unnest($1::varchar[]) as period, unnest($2::varchar[]) as unit_key)
     select v.period, v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.geography, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from ${table} as v
     join wanted as w on w.period = v.period and w.unit_key = v.unit_key
     where v.indicator = $3
       and ($4 = 'all' or v.breakdown = $4 or v.dimension = $4)
       and ($5 = '2025' or v.geography = 'as_reported')
     qualify row_number() over (
       partition by v.period, v.unit_key, v.breakdown
       order by (v.geography = case when $5 = '2025' then 'current_34' else 'as_reported' end) desc
     ) = 1
     order by v.period, v.unit_key, v.breakdown`,
    [q.pairs.map((p) => p.period), q.pairs.map((p) => p.unitKey), q.indicator, q.breakdown, q.geography],
  );
}

/** For each unit key, the unit and every unit above it (as units.queries.ts reads them), from the nation down, in one query. */
export async function unitPaths(conn: DuckDBConnection, unitKeys: readonly string[]): Promise<Map<string, Unit[]>> {
  const rows = await readRows<Unit & { start: string }>(
    conn,
    `with recursive up(start, unit_key, parent_key, depth) as (
       select unit_key, unit_key, parent_key, 0 from core.dim_units where list_contains($1::varchar[], unit_key)
       union all
       select up.start, u.unit_key, u.parent_key, up.depth + 1 from core.dim_units as u join up on u.unit_key = up.parent_key where up.depth < 8
     )
     select up.start, u.unit_key, u.unit_code, u.unit_level, u.unit_name, u.parent_key, u.province_key, u.province_code, u.current_province_code,
            cast(u.valid_from as varchar) as valid_from, cast(u.valid_to as varchar) as valid_to, u.nam_hoc
     from up join core.dim_units as u using (unit_key)
     order by up.start, up.depth desc`,
    [unitKeys],
  );
  const out = new Map<string, Unit[]>(unitKeys.map((k) => [k, []]));
  for (const { start, ...unit } of rows) out.get(start)?.push(unit);
  return out;
}

/** Every column of the catalogue (method notes and source fields included), in file order. */
export async function fullCatalog(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, 'select * from indicators.indicator_catalog');
}
