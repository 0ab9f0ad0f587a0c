/**
 * Small-cell suppression of indicator values, consistent across every response: each figure is
 * the numerator or denominator of an indicator, and those are cells of additive counts
 * (data/indicators/publication.json: LRN, LPC and PTR all show `learners`; GPI shows learners
 * with sex=female over learners with sex=male). Each count is suppressed as one table per family
 * (protect-family.ts), top-down from the nation (unit-families.ts, family-cascade.ts), so that a
 * cell hidden in one response is hidden in all: any breakdown, any format, the public map or a
 * keyed export. A count indicator's value is its numerator; any other value is hidden ('x') when
 * its numerator or denominator is.
 *
 * One instance serves one request, inside one snapshot of the warehouse.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, tableExists } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';
import { indicatorCatalog, indicatorValues, type HiddenFigures, type ValueFilter, type ValueRow } from '../indicators/indicators.queries.ts';
import { PUBLICATION, type CountRef } from '../indicators/publication.ts';
import { findPeriod, type Period, type Unit } from '../units/units.queries.ts';
import { breakdownCell } from './cell-key.ts';
import { FamilyCascade, type Decided, type Decision, type DecisionCache } from './family-cascade.ts';
import type { FamilyCell, Status } from './protect-family.ts';
import { familyChildren, familyParent } from './unit-families.ts';

const SHOWN: Record<Status, string | null> = { shown: null, small: '<10', hidden: 'x' };

/** The period whose tables hold a figure's count: its own, or the start of its school year. */
function countPeriod(ref: CountRef, period: Period): string {
  return ref.period === 'start_of_year' ? `${period.nam_hoc}-DN` : period.period;
}

/** A value row as the families read it. */
export type FamilyValue = Pick<ValueRow, 'unit_key' | 'indicator' | 'breakdown' | 'numerator' | 'denominator'>;

/**
 * What one period's family tables are made of. A request reads it from the warehouse, a family
 * at a time (sqlFamilyData); publishing every decision reads the same from tables loaded once per
 * period (publish-decisions.ts). Both give the same answers, so the decisions are the same.
 */
export type IndicatorFamilyData = {
  children(unit: Unit): Promise<Unit[]>;
  parent(unit: Unit): Promise<Unit | undefined>;
  /** Every row of these units (all indicators, every breakdown). */
  values(unitKeys: readonly string[]): Promise<FamilyValue[]>;
  /** Of these (unit, parent) pairs, the units that alone make some non-zero figure of their parent. */
  soleParts(pairs: ReadonlyArray<{ unit: Unit; parent: string }>): Promise<Set<string>>;
  /** Each school's ownership and zone, which are public knowledge. */
  attributes(schools: readonly Unit[]): Promise<Map<string, Record<string, string>>>;
  /** The level of each grade (DM_KHOI), which is public knowledge too: a level is the sum of its grades. */
  gradeLevels(): Promise<ReadonlyMap<string, string>>;
};

export class IndicatorSuppression {
  private cascades = new Map<string, FamilyCascade<Unit>>();
  private periods = new Map<string, Promise<Period | undefined>>();
  /** Decisions the transform published (serving.suppression_decisions), by period, count and cell; loaded per `hidden` call. */
  private published?: Map<string, Decision>;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly cache?: { decisions: DecisionCache; version: string },
    private readonly data: (period: Period) => IndicatorFamilyData = (period) => sqlFamilyData(conn, period),
  ) {}

  /**
   * The statuses of the rows `filter` selects (indicators and breakdown of the given units in a
   * period) that hide a figure, as this snapshot holds them; a row not listed shows its figures. A
   * figure whose value is not the one its cell was decided for, or that no family decided, is
   * hidden ('x'). The decisions are the ones the transform published with the data when it did
   * (a look-up); otherwise the families are decided here.
   */
  async hidden(period: Period, of: readonly Unit[], filter: Pick<ValueFilter, 'indicators' | 'breakdown'>): Promise<HiddenFigures> {
    const catalog = () => indicatorCatalog(this.conn).then((c) => c.map((e): [string, string] => [e.code, e.value_kind]));
    const kinds = new Map(this.cache ? await this.cache.decisions.remember(this.cache.version, 'catalog', catalog) : await catalog());
    const units = new Map(of.map((u) => [u.unit_key, u]));
    const rows = await indicatorValues(this.conn, { ...filter, unitKeys: [...units.keys()], period: period.period });
    if (servingOf(this.conn)?.decisions) {
      // only the counts and cells these rows' figures are decided in: the table holds every count
      // and cell of the units, and reading them all costs more than the look-ups they serve
      const counts = new Set<string>();
      const cells = new Set<string>();
      for (const row of rows) {
        const refs = PUBLICATION.counts[row.indicator];
        for (const ref of refs && !refs.withheld ? [refs.numerator, refs.denominator] : []) {
          if (!ref) continue;
          counts.add(ref.count);
          cells.add(breakdownCell(row.breakdown, ref.cell));
        }
      }
      this.published = await publishedDecisions(this.conn, { periods: [period.period, `${period.nam_hoc}-DN`], unitKeys: [...units.keys()], counts, cells });
    }
    const out: HiddenFigures = { keys: [], numerator: [], denominator: [], value: [] };
    for (const row of rows) {
      const refs = PUBLICATION.counts[row.indicator];
      const unit = units.get(row.unit_key)!;
      if (!refs || refs.withheld) {
        // an indicator whose counts the publication file does not name, or that it withholds, cannot be protected: hidden
        out.keys.push(`${row.unit_key}|${row.indicator}|${row.breakdown}`);
        out.numerator.push('x');
        out.denominator.push(row.denominator === null ? null : 'x');
        out.value.push('x');
        continue;
      }
      const num = await this.status(period, unit, refs.numerator, row.breakdown, row.numerator);
      const den = refs.denominator && row.denominator !== null ? await this.status(period, unit, refs.denominator, row.breakdown, row.denominator) : 'shown';
      const value: Status = kinds.get(row.indicator) === 'count' ? num : num === 'shown' && den === 'shown' ? 'shown' : 'hidden';
      if (num === 'shown' && den === 'shown' && value === 'shown') continue;
      out.keys.push(`${row.unit_key}|${row.indicator}|${row.breakdown}`);
      out.numerator.push(SHOWN[num]);
      out.denominator.push(SHOWN[den]);
      out.value.push(SHOWN[value]);
    }
    return out;
  }

  /** The status of one figure: its count's cell in the family that decides `unit`. */
  private async status(period: Period, unit: Unit, ref: CountRef, breakdown: string, value: number | null): Promise<Status> {
    const name = countPeriod(ref, period);
    const cell = breakdownCell(breakdown, ref.cell);
    if (this.published) {
      const d = this.published.get(decisionKey(name, ref.count, unit.unit_key, cell));
      return d && d.value === value ? d.status : 'hidden';
    }
    let at: Period | undefined = period;
    if (name !== period.period) {
      if (!this.periods.has(name)) this.periods.set(name, findPeriod(this.conn, name));
      at = await this.periods.get(name);
    }
    const d = at && (await this.cascade(at).decision(unit, ref.count, cell));
    return d && d.value === value ? d.status : 'hidden';
  }

  /** Every decision of the family table of `parent` in `period` (its children's cells; the root's own too). */
  family(period: Period, parent: Unit): Promise<Decided> {
    return this.cascade(period).table(parent);
  }

  private cascade(period: Period): FamilyCascade<Unit> {
    let c = this.cascades.get(period.period);
    if (!c) this.cascades.set(period.period, (c = indicatorCascade(period, this.data(period), this.cache)));
    return c;
  }
}

/** The family tables of one period's indicator counts, read from `data`. */
export function indicatorCascade(period: Period, data: IndicatorFamilyData, cache?: { decisions: DecisionCache; version: string }): FamilyCascade<Unit> {
  return new FamilyCascade<Unit>(
    {
      name: indicatorTables(period.period),
      key: (u) => u.unit_key,
      parent: (u) => data.parent(u),
      children: (u) => data.children(u),
      cells: (parent, children) => familyCells(period, data, parent, children),
    },
    cache,
    // a school's ownership and a grade's level tie a unit's cells to its schools' in ways the family above does not see
    true,
  );
}

/** What the logs and the decision cache call a period's indicator tables. */
export function indicatorTables(period: string): string {
  return `indicators ${period}`;
}

async function familyCells(period: Period, data: IndicatorFamilyData, parent: Unit, children: Unit[]) {
  const below = await soleDescendants(data, children);
  const unitKeys = [parent, ...children].map((u) => u.unit_key).concat(below.map((b) => b.unit.unit_key));
  const rows = await data.values(unitKeys);
  const counts = new Map<string, FamilyCell[]>();
  for (const row of rows) {
    const refs = PUBLICATION.counts[row.indicator];
    if (!refs || refs.withheld) continue;
    for (const [ref, value] of [
      [refs.numerator, row.numerator],
      [refs.denominator, row.denominator],
    ] as const) {
      // a count of another period (DROP-NAT's start-of-year learners) is decided in that period's tables
      if (!ref || value === null || countPeriod(ref, period) !== period.period) continue;
      const list = counts.get(ref.count) ?? counts.set(ref.count, []).get(ref.count)!;
      list.push({ unit: row.unit_key, cell: breakdownCell(row.breakdown, ref.cell), value, published: true });
    }
  }
  return {
    counts,
    attributes: await data.attributes([...children, ...below.map((b) => b.unit)]),
    below: below.map((b) => ({ unit: b.unit.unit_key, parent: b.parent })),
    gradeLevels: await data.gradeLevels(),
  };
}

/**
 * The units below `units` that are the only non-zero part of some cell of their parent (a
 * figure of the parent that one of its children makes alone), and theirs in turn, down to the
 * schools: the families below decide them, and this family must leave those families a choice.
 */
export async function soleDescendants(
  data: Pick<IndicatorFamilyData, 'children' | 'soleParts'>,
  units: Unit[],
): Promise<Array<{ unit: Unit; parent: string }>> {
  const out: Array<{ unit: Unit; parent: string }> = [];
  let level = units;
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const pairs: Array<{ unit: Unit; parent: string }> = [];
    for (const u of level) for (const c of await data.children(u)) pairs.push({ unit: c, parent: u.unit_key });
    if (pairs.length === 0) break;
    const sole = await data.soleParts(pairs);
    level = pairs.filter((p) => sole.has(p.unit.unit_key)).map((p) => p.unit);
    out.push(...pairs.filter((p) => sole.has(p.unit.unit_key)));
  }
  return out;
}

/** The key of a published decision. */
function decisionKey(period: string, count: string, unit: string, cell: string): string {
  return `${period}|${count}|${unit}\u0000${cell}`;
}

/** The published decisions of these units' cells of these counts in these periods. */
async function publishedDecisions(
  conn: DuckDBConnection,
  of: { periods: string[]; unitKeys: string[]; counts: ReadonlySet<string>; cells: ReadonlySet<string> },
): Promise<Map<string, Decision>> {
  const rows = await readRows<{ period: string; count: string; unit_key: string; cell: string; status: Status; value: number }>(
    conn,
    `select period, count, unit_key, cell, status, value from serving.suppression_decisions
     where period in (select unnest($1::varchar[])) and unit_key in (select unnest($2::varchar[]))
       and count in (select unnest($3::varchar[])) and cell in (select unnest($4::varchar[]))`,
    [[...new Set(of.periods)], of.unitKeys, [...of.counts], [...of.cells]],
  );
  return new Map(rows.map((r) => [decisionKey(r.period, r.count, r.unit_key, r.cell), { status: r.status, value: r.value }]));
}

/** A period's families read from the warehouse as a request needs them. */
function sqlFamilyData(conn: DuckDBConnection, period: Period): IndicatorFamilyData {
  let levels: Promise<Map<string, string>> | undefined;
  return {
    children: (u) => familyChildren(conn, u, period),
    parent: (u) => familyParent(conn, u, period),
    values: (unitKeys) => indicatorValues(conn, { period: period.period, unitKeys, indicators: [], breakdown: 'all' }),
    soleParts: (pairs) => soleUnits(conn, period.period, pairs),
    attributes: (units) => schoolAttributes(conn, period, units),
    gradeLevels: () => (levels ??= gradeLevels(conn)),
  };
}

/** The level of each grade, as the warehouse's code list holds it (core.dim_grades, from DM_KHOI). */
export async function gradeLevels(conn: DuckDBConnection): Promise<Map<string, string>> {
  const rows = await readRows<{ grade: string; level: string }>(conn, `select grade, level from core.dim_grades where level is not null`);
  return new Map(rows.map((r) => [r.grade, r.level]));
}

/** Of these (unit, parent) pairs, the units that are the only one of their parent's with a non-zero figure for some indicator and breakdown. */
export async function soleUnits(
  conn: DuckDBConnection,
  period: string,
  pairs: ReadonlyArray<{ unit: Unit; parent: string }>,
  serving = servingOf(conn)?.values,
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await readRows<{ unit_key: string }>(
    conn,
    `with kids as (select unnest($2::varchar[]) as unit_key, unnest($3::varchar[]) as parent_key),
     v as (${
       serving
         ? `select k.parent_key, v.unit_key, v.indicator, v.breakdown
       from serving.indicator_values as v join kids as k using (unit_key)
       where v.period = $1 and (coalesce(v.numerator, 0) <> 0 or coalesce(v.denominator, 0) <> 0)`
         : `select k.parent_key, v.unit_key, v.indicator, v.breakdown
       from indicators.indicator_values as v join kids as k using (unit_key)
       where v.period = $1 and (coalesce(v.numerator, 0) <> 0 or coalesce(v.denominator, 0) <> 0)
       qualify row_number() over (partition by v.unit_key, v.indicator, v.breakdown order by (v.geography = 'as_reported') desc) = 1`
     })
     select distinct any_value(unit_key) as unit_key from v group by parent_key, indicator, breakdown having count(*) = 1`,
    [period, pairs.map((p) => p.unit.unit_key), pairs.map((p) => p.parent)],
  );
  return new Set(rows.map((r) => r.unit_key));
}

/** Each school child's ownership and zone, which are public knowledge. */
export async function schoolAttributes(conn: DuckDBConnection, period: Period, children: readonly Unit[]): Promise<Map<string, Record<string, string>>> {
  const schools = children.filter((c) => c.unit_level === 'school').map((c) => c.unit_key);
  if (schools.length === 0 || !(await tableExists(conn, 'core.fct_schools'))) return new Map();
  const rows = await readRows<{ school_key: string; ownership: string | null; zone: string | null }>(
    conn,
    `select school_key, ownership, zone from core.fct_schools where period = $1 and list_contains($2::varchar[], school_key)`,
    [period.period, schools],
  );
  return new Map(
    rows.map((r) => [
      r.school_key,
      Object.fromEntries(Object.entries({ ownership: r.ownership, zone: r.zone }).filter(([, v]) => v !== null)) as Record<string, string>,
    ]),
  );
}
