/**
 * Reads indicators.indicator_catalog and indicators.indicator_values. Values of a unit in a
 * period are the 'as_reported' ones (units of their time); a current province asked about a
 * period before the 2025 merger falls back to its 'current_34' re-aggregation.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, type Row } from '../db/read-rows.ts';

export type CatalogEntry = {
  code: string;
  name_vi: string;
  name_en: string;
  definition: string;
  formula: string;
  unit: string;
  value_kind: 'count' | 'ratio' | 'percent' | 'gpia';
  periods: string;
  needs: string;
  tt03_code: string | null;
  breakdowns: string[];
  unit_levels: string[];
};

/** Every indicator of the catalogue, in its file order. */
export async function indicatorCatalog(conn: DuckDBConnection): Promise<CatalogEntry[]> {
  return readRows<CatalogEntry>(
    conn,
    `select code, name_vi, name_en, definition, formula, unit, value_kind, periods, needs, tt03_code,
            breakdowns, unit_levels
     from indicators.indicator_catalog`,
  );
}

export type ValueRow = Row & {
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string;
  indicator: string;
  breakdown: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
};

/** What to read: the units (keys), the indicators (all when empty) and the breakdown filter. */
export type ValueFilter = {
  period: string;
  unitKeys: string[];
  indicators: string[];
  /** 'total', 'all', a dimension ('sex') or one cell ('sex=female'). */
  breakdown: string;
};

/** Indicator values of the given units in a period, one row per unit x indicator x breakdown. */
export async function indicatorValues(conn: DuckDBConnection, f: ValueFilter): Promise<ValueRow[]> {
  if (f.unitKeys.length === 0) return [];
  // every branch reads $4, so the bound parameters always match the statement's
  const breakdown = f.breakdown === 'all' ? "$4 = 'all'" : f.breakdown.includes('=') || f.breakdown === 'total' ? 'v.breakdown = $4' : 'v.dimension = $4';
  return readRows<ValueRow>(
    conn,
    `select v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from indicators.indicator_values as v
     where v.period = $1
       and list_contains($2::varchar[], v.unit_key)
       and (len($3::varchar[]) = 0 or list_contains($3::varchar[], v.indicator))
       and ${breakdown}
     qualify row_number() over (
       partition by v.unit_key, v.indicator, v.breakdown
       order by (v.geography = 'as_reported') desc
     ) = 1
     order by v.indicator, v.unit_level, v.unit_code, v.breakdown`,
    [f.period, f.unitKeys, f.indicators, f.breakdown],
  );
}

/** Province values of a period on today's 34 provinces (the national map's geography). */
export async function provinceValues(conn: DuckDBConnection, period: string, indicators: string[]): Promise<ValueRow[]> {
  return readRows<ValueRow>(
    conn,
    `select v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from indicators.indicator_values as v
     where v.period = $1 and v.geography = 'current_34' and v.breakdown = 'total'
       and v.unit_level in ('province', 'nation')
       and list_contains($2::varchar[], v.indicator)
     order by v.indicator, v.unit_level desc, v.unit_code`,
    [period, indicators],
  );
}
