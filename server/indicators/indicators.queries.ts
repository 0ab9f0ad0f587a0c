/**
 * Reads indicators.indicator_catalog and indicators.indicator_values. Values of a unit in a
 * period are the 'as_reported' ones (units of their time); a current province asked about a
 * period before the 2025 merger falls back to its 'current_34' re-aggregation.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, type Row } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';

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

/** The catalogue's columns as served. */
export const CATALOG_COLUMNS = [
  'code',
  'name_vi',
  'name_en',
  'definition',
  'formula',
  'unit',
  'value_kind',
  'periods',
  'needs',
  'tt03_code',
  'breakdowns',
  'unit_levels',
] as const;

/** Every indicator of the catalogue, in its file order. */
export const CATALOG_SQL = `select ${CATALOG_COLUMNS.join(', ')} from indicators.indicator_catalog`;

/** Every indicator of the catalogue, in its file order. */
export async function indicatorCatalog(conn: DuckDBConnection): Promise<CatalogEntry[]> {
  return readRows<CatalogEntry>(conn, CATALOG_SQL);
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
  unitKeys: readonly string[];
  indicators: readonly string[];
  /** 'total', 'all', a dimension ('sex') or one cell ('sex=female'). */
  breakdown: string;
  /** Read serving.indicator_values (the same rows, one contiguous read per unit) instead of the contract. */
  serving?: boolean;
};

/**
 * One row per unit x indicator x breakdown of the given units in a period: 'as_reported' where
 * the unit has it, else 'current_34'. Parameters $1 period, $2 unit keys, $3 indicators (all
 * when empty), $4 breakdown filter.
 */
function valuesSql(breakdown: string, serving = false): string {
  // every branch reads $4, so the bound parameters always match the statement's
  const filter = breakdown === 'all' ? "$4 = 'all'" : breakdown.includes('=') || breakdown === 'total' ? 'v.breakdown = $4' : 'v.dimension = $4';
  if (serving) {
    // the serving table holds the one row each unit shows, ordered by period and unit
    return `select v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from serving.indicator_values as v
     where v.period = $1
       and v.unit_key in (select unnest($2::varchar[]))
       and (len($3::varchar[]) = 0 or list_contains($3::varchar[], v.indicator))
       and ${filter}`;
  }
  return `select v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown,
            v.numerator, v.denominator, v.value
     from indicators.indicator_values as v
     where v.period = $1
       and list_contains($2::varchar[], v.unit_key)
       and (len($3::varchar[]) = 0 or list_contains($3::varchar[], v.indicator))
       and ${filter}
     qualify row_number() over (
       partition by v.unit_key, v.indicator, v.breakdown
       order by (v.geography = 'as_reported') desc
     ) = 1`;
}

/** Indicator values of the given units in a period (see valuesSql). */
export async function indicatorValues(conn: DuckDBConnection, f: ValueFilter): Promise<ValueRow[]> {
  if (f.unitKeys.length === 0) return [];
  return readRows<ValueRow>(
    conn,
    `${valuesSql(f.breakdown, f.serving ?? servingOf(conn)?.values)} order by v.indicator, v.unit_level, v.unit_code, v.breakdown`,
    [f.period, f.unitKeys, f.indicators, f.breakdown],
  );
}

/** The rows that hide a figure, by `unit_key|indicator|breakdown`, and their figures' statuses: '<10', 'x' or null (shown). */
export type HiddenFigures = {
  keys: string[];
  numerator: Array<string | null>;
  denominator: Array<string | null>;
  value: Array<string | null>;
};

/** The columns of a values table: `role` when it has one, the `_status` columns when suppressed. */
export function valueColumns(opts: { role: boolean; suppressed: boolean }): string[] {
  const base = ['unit_key', 'unit_code', 'unit_level', 'unit_name', 'indicator', 'breakdown', 'numerator', 'denominator', 'value'];
  return [...(opts.role ? ['role'] : []), ...base, ...(opts.suppressed ? ['numerator_status', 'denominator_status', 'value_status', 'suppressed'] : [])];
}

/** The figures a status column can hide, for sendTable. */
export const VALUE_FIGURES = [
  { figure: 'numerator', status: 'numerator_status' },
  { figure: 'denominator', status: 'denominator_status' },
  { figure: 'value', status: 'value_status' },
] as const;

/**
 * The values table of `f.unitKeys` as one query with its parameters, columns as valueColumns():
 * with `role`, the row of `role` is 'unit' and the others 'child' (that unit's rows first). With
 * `hidden`, every hidden figure is null beside its status and `suppressed` says whether any figure
 * of the row is hidden; without, the figures are exact.
 */
export function valuesTable(f: ValueFilter, opts: { role?: string; hidden?: HiddenFigures }): { sql: string; params: unknown[] } {
  const role = opts.role === undefined ? '' : `case when v.unit_key = $5 then 'unit' else 'child' end as role, `;
  const order = `order by ${opts.role === undefined ? '' : 'role desc, '}v.indicator, v.unit_level, v.unit_code, v.breakdown`;
  const params: unknown[] = [f.period, f.unitKeys, f.indicators, f.breakdown, opts.role ?? ''];
  const hidden = opts.hidden;
  if (!hidden) {
    return {
      sql: `select ${role}v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown, v.numerator, v.denominator, v.value
            from (${valuesSql(f.breakdown, f.serving)}) as v where $5 = $5 ${order}`,
      params,
    };
  }
  return {
    sql: `with hidden as (
            select unnest($6::varchar[]) as k, unnest($7::varchar[]) as n, unnest($8::varchar[]) as d, unnest($9::varchar[]) as x
          )
          select ${role}v.unit_key, v.unit_code, v.unit_level, v.unit_name, v.indicator, v.breakdown,
            case when h.n is null then v.numerator end as numerator,
            case when h.d is null then v.denominator end as denominator,
            case when h.x is null then v.value end as value,
            h.n as numerator_status, h.d as denominator_status, h.x as value_status,
            h.k is not null as suppressed
          from (${valuesSql(f.breakdown, f.serving)}) as v
          left join hidden as h on h.k = v.unit_key || '|' || v.indicator || '|' || v.breakdown
          where $5 = $5
          ${order}`,
    params: [...params, hidden.keys, hidden.numerator, hidden.denominator, hidden.value],
  };
}
