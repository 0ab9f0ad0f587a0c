/**
 * Units and periods as the marts hold them (core.dim_units, core.dim_periods). A unit is named
 * by its key ('P:01@2025', 'S:<ma>@2025') or by its code, resolved to the unit valid in the
 * period asked about (codes are reused across the 2025 reorganisation; keys are not).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';

export type Unit = {
  unit_key: string;
  unit_code: string;
  unit_level: 'nation' | 'province' | 'district' | 'commune' | 'school';
  unit_name: string;
  parent_key: string | null;
  province_key: string | null;
  province_code: string | null;
  current_province_code: string | null;
  valid_from: string | null;
  valid_to: string | null;
  nam_hoc: number | null;
};

export type Period = {
  period: string;
  nam_hoc: number;
  ky: string;
  census_day: string;
  label: string;
  name_vi: string;
  name_en: string;
  previous_period: string | null;
};

const UNIT_COLUMNS = `unit_key, unit_code, unit_level, unit_name, parent_key, province_key, province_code,
  current_province_code, cast(valid_from as varchar) as valid_from, cast(valid_to as varchar) as valid_to, nam_hoc`;
const LEVEL_ORDER = `list_position(['nation', 'province', 'district', 'commune', 'school'], unit_level)`;
const VALID_ON = (day: string) => `valid_from <= ${day} and coalesce(valid_to, date '9999-12-31') >= ${day}`;

/** The periods table as served: every period, oldest first. */
export const PERIODS_SQL = `select period, nam_hoc, ky, cast(census_day as varchar) as census_day, label, name_vi, name_en, previous_period
  from core.dim_periods order by census_day`;

/** The columns of PERIODS_SQL. */
export const PERIOD_COLUMNS = ['period', 'nam_hoc', 'ky', 'census_day', 'label', 'name_vi', 'name_en', 'previous_period'] as const;

/** Every period, oldest first. */
export async function listPeriods(conn: DuckDBConnection): Promise<Period[]> {
  return readRows<Period>(conn, PERIODS_SQL);
}

/** The columns of a units table (UNITS_SQL). */
export const UNIT_TABLE_COLUMNS = [
  'unit_key',
  'unit_code',
  'unit_level',
  'unit_name',
  'parent_key',
  'province_code',
  'current_province_code',
  'valid_from',
  'valid_to',
] as const;

/** The units whose keys are bound as $1 (a VARCHAR[]), by code. */
export const UNITS_SQL = `select ${UNIT_TABLE_COLUMNS.map((c) => (c.startsWith('valid_') ? `cast(${c} as varchar) as ${c}` : c)).join(', ')}
  from core.dim_units where list_contains($1::varchar[], unit_key) order by unit_code, unit_key`;

/** One period by name ('2025-DN'), or the latest when `name` is undefined. */
export async function findPeriod(conn: DuckDBConnection, name?: string): Promise<Period | undefined> {
  const periods = await listPeriods(conn);
  return name === undefined ? periods.at(-1) : periods.find((p) => p.period === name);
}

/**
 * The unit a reference names, as it stood in `period` when one is given.
 * A key names one unit; a school key asked about another school year moves to that year's row.
 * A code names the unit with that code valid on the period's census day (or today).
 */
export async function findUnit(conn: DuckDBConnection, ref: string, period?: Period): Promise<Unit | undefined> {
  if (ref.includes(':')) {
    const [unit] = await readRows<Unit>(conn, `select ${UNIT_COLUMNS} from core.dim_units where unit_key = $1`, [ref]);
    if (!unit || !period || unit.unit_level !== 'school' || unit.nam_hoc === period.nam_hoc) return unit;
    const [sameSchool] = await readRows<Unit>(
      conn,
      `select ${UNIT_COLUMNS} from core.dim_units where unit_level = 'school' and unit_code = $1 and nam_hoc = $2`,
      [unit.unit_code, period.nam_hoc],
    );
    return sameSchool ?? unit;
  }
  const day = period ? `cast($2 as date)` : 'current_date';
  const [unit] = await readRows<Unit>(
    conn,
    `select ${UNIT_COLUMNS} from core.dim_units
     where unit_code = $1
     order by (${VALID_ON(day)}) desc, ${LEVEL_ORDER}, valid_from desc
     limit 1`,
    period ? [ref, period.census_day] : [ref],
  );
  return unit;
}

/**
 * The units directly below `unit` in `period`: provinces of the nation, districts or communes of
 * a province, schools of a district or commune. A current province asked about a period before
 * the 2025 merger has as children the old provinces that merged into it.
 */
export async function childUnits(conn: DuckDBConnection, unit: Unit, period: Period): Promise<Unit[]> {
  if (servingOf(conn)?.children) {
    // precomputed by the transform (models/serving/unit_children.sql), the same rule as below
    return readRows<Unit>(conn, `select ${UNIT_COLUMNS} from serving.unit_children where period = $1 and of_unit_key = $2 order by child_order`, [
      period.period,
      unit.unit_key,
    ]);
  }
  const rows = await readRows<Unit>(
    conn,
    `select ${UNIT_COLUMNS} from core.dim_units
     where ${VALID_ON('cast($2 as date)')}
       and parent_key = $1
     order by unit_code`,
    [unit.unit_key, period.census_day],
  );
  if (rows.length > 0 || unit.unit_level !== 'province') return rows;
  return readRows<Unit>(
    conn,
    `select ${UNIT_COLUMNS} from core.dim_units
     where ${VALID_ON('cast($2 as date)')}
       and unit_level = 'province' and current_province_code = $1 and unit_key <> $3
     order by unit_code`,
    [unit.unit_code, period.census_day, unit.unit_key],
  );
}

/** The keys of a unit and every unit above it, the unit first and the nation last. */
export async function ancestorKeys(conn: DuckDBConnection, unitKey: string): Promise<string[]> {
  const rows = await readRows<{ unit_key: string }>(
    conn,
    `with recursive up(unit_key, parent_key, depth) as (
       select unit_key, parent_key, 0 from core.dim_units where unit_key = $1
       union all
       select u.unit_key, u.parent_key, up.depth + 1
       from core.dim_units as u join up on u.unit_key = up.parent_key
       where up.depth < 8
     )
     select unit_key from up order by depth`,
    [unitKey],
  );
  return rows.map((r) => r.unit_key);
}
