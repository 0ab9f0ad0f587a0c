/**
 * The indicator values as SDMX-CSV 2.0 (the format international statistics exchange uses, UNESCO
 * UIS among them): STRUCTURE, STRUCTURE_ID, ACTION, then the dimensions UNIT, PERIOD, INDICATOR,
 * BREAKDOWN, the measure OBS_VALUE and the attributes UNIT_MEASURE (from the indicator catalogue)
 * and CONF_STATUS (SDMX's confidentiality code list: F free, C confidential small cell, S hidden
 * to protect another). Plain UTF-8, comma separated, one row per observation.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../../lib/warehouse.ts';

/** The dataflow the file declares. */
export const SDMX_STRUCTURE_ID = 'VN_MOET:DF_CSDL_INDICATORS(1.0)';

/**
 * Writes `rowsSql` (indicator rows with unit_key, unit_code, unit_level, period, indicator,
 * breakdown and value, which a suppressed package holds as text: '<10', 'x' or the number) as
 * SDMX-CSV to `path`, in the package's row order.
 */
export async function writeSdmxCsv(
  conn: DuckDBConnection,
  opts: { rowsSql: string; units: ReadonlyArray<{ code: string; unit: string }>; suppressed: boolean; path: string },
): Promise<void> {
  const units = opts.units.length
    ? `(values ${opts.units.map((u) => `(${literal(u.code)}, ${literal(u.unit)})`).join(', ')}) as m (code, unit)`
    : `(select null::varchar as code, null::varchar as unit where false) as m`;
  // whole numbers without a trailing .0 (counts are most observations)
  const value = opts.suppressed
    ? `case when r.value in ('<10', 'x') then null else r.value end`
    : `case when r.value = trunc(r.value) and abs(r.value) < 1e15 then cast(cast(r.value as bigint) as varchar) else cast(r.value as varchar) end`;
  const status = opts.suppressed ? `case r.value when '<10' then 'C' when 'x' then 'S' else 'F' end` : `'F'`;
  await conn.run(`copy (
      select 'dataflow' as STRUCTURE, ${literal(SDMX_STRUCTURE_ID)} as STRUCTURE_ID, 'I' as ACTION,
        r.unit_code as UNIT, r.period as PERIOD, r.indicator as INDICATOR, r.breakdown as BREAKDOWN,
        ${value} as OBS_VALUE, m.unit as UNIT_MEASURE, ${status} as CONF_STATUS
      from (${opts.rowsSql}) as r
      left join ${units} on m.code = r.indicator
      order by list_position(['nation', 'province', 'district', 'commune', 'school'], r.unit_level), r.unit_key, r.indicator, r.breakdown
    ) to ${literal(opts.path)} (format csv, header true, delimiter ',', new_line '\\r\\n')`);
}
