/**
 * The family tables suppression decides top-down: the nation with today's 34 provinces, each
 * province with its communes (or districts), each of those with its schools; for a period before
 * the 2025 merger, each of today's provinces with the old provinces that merged into it. Every
 * unit belongs to the family of its one parent here, so that every response showing the unit
 * shows what that family decided.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '../db/read-rows.ts';
import { childUnits, findUnit, type Period, type Unit } from '../units/units.queries.ts';

/** The root of every family tree. */
export const NATION_KEY = 'N:VN';

/** The units whose cells the family of `unit` decides. */
export async function familyChildren(conn: DuckDBConnection, unit: Unit, period: Period): Promise<Unit[]> {
  if (unit.unit_level !== 'nation') return childUnits(conn, unit, period);
  return readRows<Unit>(
    conn,
    `select unit_key, unit_code, unit_level, unit_name, parent_key, province_key, province_code, current_province_code,
            cast(valid_from as varchar) as valid_from, cast(valid_to as varchar) as valid_to, nam_hoc
     from core.dim_units where unit_level = 'province' and valid_to is null order by unit_code`,
  );
}

/** The unit whose family decides the cells of `unit` (none for the nation). */
export async function familyParent(conn: DuckDBConnection, unit: Unit, period: Period): Promise<Unit | undefined> {
  if (unit.unit_level === 'nation') return undefined;
  if (unit.unit_level === 'province') {
    const merged = unit.valid_to !== null && unit.valid_to >= period.census_day && unit.current_province_code !== null;
    if (!merged) return findUnit(conn, NATION_KEY);
    // an old province, before the merger: today's province it merged into
    const [today] = await readRows<{ unit_key: string }>(
      conn,
      `select unit_key from core.dim_units where unit_level = 'province' and unit_code = $1 and valid_to is null`,
      [unit.current_province_code],
    );
    return today ? findUnit(conn, today.unit_key) : findUnit(conn, NATION_KEY);
  }
  return unit.parent_key === null ? undefined : findUnit(conn, unit.parent_key);
}
