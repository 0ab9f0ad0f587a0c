/**
 * An indicator's values over every period (indicators.indicator_values), for the units asked
 * about. Two geographies: 'reported' reads each period's values as its units reported them (a
 * province of today has none before the 2025 merger; the old provinces that merged into it stand
 * in its place), '2025' reads the periods before the merger re-aggregated on today's 34 provinces
 * ('current_34'), as reported where no re-aggregation exists (communes, schools).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, type Row } from '../db/read-rows.ts';

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
 * One row per unit x breakdown of `unitKeys` in `period` for one indicator. The breakdown filter
 * is 'total', 'all', a dimension ('sex') or one cell ('sex=female').
 */
export async function seriesValues(
  conn: DuckDBConnection,
  q: { period: string; unitKeys: readonly string[]; indicator: string; breakdown: string; geography: Geography },
): Promise<Array<Omit<SeriesRow, 'series_of'>>> {
  if (q.unitKeys.length === 0) return [];
  return readRows(
    conn,
    `select v.period, v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.geography, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from indicators.indicator_values as v
     where v.period = $1
       and list_contains($2::varchar[], v.unit_key)
       and v.indicator = $3
       and ($4 = 'all' or v.breakdown = $4 or v.dimension = $4)
       and ($5 = '2025' or v.geography = 'as_reported')
     qualify row_number() over (
       partition by v.unit_key, v.breakdown
       order by (v.geography = case when $5 = '2025' then 'current_34' else 'as_reported' end) desc
     ) = 1
     order by v.unit_key, v.breakdown`,
    [q.period, q.unitKeys, q.indicator, q.breakdown, q.geography],
  );
}

/** Every column of the catalogue (method notes and source fields included), in file order. */
export async function fullCatalog(conn: DuckDBConnection): Promise<Row[]> {
  return readRows(conn, 'select * from indicators.indicator_catalog');
}
