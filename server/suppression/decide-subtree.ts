/**
 * Decides the families of one subtree below a decided family (a province's, once the nation's
 * family has fixed the province's own cells) from everything those families read, handed over
 * whole, so that a worker thread can decide it without the warehouse (publish-decisions.ts
 * decides the provinces side by side this way). The families are decided as a request decides
 * them (indicator-suppression.ts, family-cascade.ts), so the decisions are the same.
 */
import { log } from '../../lib/log.ts';
import type { Unit, Period } from '../units/units.queries.ts';
import { DecisionCache, type Decided } from './family-cascade.ts';
import { indicatorCascade, indicatorTables, type FamilyValue, type IndicatorFamilyData } from './indicator-suppression.ts';

/** A subtree and what its families read. */
export type SubtreeJob = {
  period: Period;
  /** The subtree's root, whose own cells `fixed` decides, and the unit above it (none for the nation, whose family decides its own cells). */
  root: Unit;
  above?: Unit;
  /** Every unit of the subtree, parents before their children. */
  units: Unit[];
  /** Each unit's children (the families' members), by unit key. */
  children: Array<[string, Unit[]]>;
  /** The units that alone make some non-zero figure of their parent (soleUnits). */
  sole: string[];
  /** Each school's public ownership and zone (schoolAttributes). */
  attributes: Array<[string, Record<string, string>]>;
  /** The level of each grade (gradeLevels). */
  gradeLevels: Array<[string, string]>;
  /** Every value row of the subtree's units. */
  rows: FamilyValue[];
  /** The root's cells as the family above decided them. */
  fixed: Decided;
};

/** A subtree's decisions as columns (period, count, unit_key, cell, status, value) of serving.suppression_decisions. */
export type DecisionColumns = [string[], string[], string[], string[], string[], string[]];

export type SubtreeDecisions = { columns: DecisionColumns; families: number };

/** Decides every family whose parent is in the subtree; returns the decisions of the units below the root. */
export async function decideSubtree(job: SubtreeJob): Promise<SubtreeDecisions> {
  const data = subtreeData(job);
  // the family above is known: the cascade finds it decided instead of asking for it
  const decisions = new DecisionCache(Number.MAX_SAFE_INTEGER);
  if (job.above) decisions.set('subtree', `${indicatorTables(job.period.period)}|${job.above.unit_key}`, job.fixed);
  const cascade = indicatorCascade(job.period, data, { decisions, version: 'subtree' });
  const columns: DecisionColumns = [[], [], [], [], [], []];
  let families = 0;
  for (const unit of job.units) {
    const kids = await data.children(unit);
    if (kids.length === 0) continue;
    const t0 = performance.now();
    addDecisions(columns, job.period.period, await cascade.table(unit), new Set(kids.map((k) => k.unit_key)));
    families++;
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= 1)
      log.info('suppression family decided', {
        period: job.period.period,
        family: unit.unit_key,
        children: kids.length,
        seconds: Math.round(seconds * 10) / 10,
      });
  }
  return { columns, families };
}

/** What the families of a subtree job read. */
export function subtreeData(job: SubtreeJob): IndicatorFamilyData {
  const children = new Map(job.children);
  const parents = new Map<string, Unit>(job.above ? [[job.root.unit_key, job.above]] : []);
  for (const u of job.units) for (const c of children.get(u.unit_key) ?? []) parents.set(c.unit_key, u);
  const rows = new Map<string, FamilyValue[]>();
  for (const r of job.rows) (rows.get(r.unit_key) ?? rows.set(r.unit_key, []).get(r.unit_key)!).push(r);
  const sole = new Set(job.sole);
  const attributes = new Map(job.attributes);
  const levels = new Map(job.gradeLevels);
  return {
    children: async (u) => children.get(u.unit_key) ?? [],
    parent: async (u) => parents.get(u.unit_key),
    values: async (keys) => keys.flatMap((k) => rows.get(k) ?? []),
    soleParts: async (asked) => new Set(asked.filter((p) => sole.has(p.unit.unit_key)).map((p) => p.unit.unit_key)),
    attributes: async (units) => new Map(units.flatMap((u) => (attributes.has(u.unit_key) ? [[u.unit_key, attributes.get(u.unit_key)!]] : []))),
    gradeLevels: async () => levels,
  };
}

/** Appends a family's decisions of the cells of the units in `own`. */
export function addDecisions(columns: DecisionColumns, period: string, family: Decided, own: Set<string>): void {
  const [p, c, u, k, s, v] = columns;
  for (const [count, cells] of family) {
    for (const [id, d] of cells) {
      const at = id.indexOf('\u0000');
      const unit = id.slice(0, at);
      if (!own.has(unit)) continue;
      p.push(period);
      c.push(count);
      u.push(unit);
      k.push(id.slice(at + 1));
      s.push(d.status);
      v.push(String(d.value));
    }
  }
}

/** The part of a family's decisions about one unit's cells. */
export function decisionsOf(family: Decided, unitKey: string): Decided {
  const prefix = `${unitKey}\u0000`;
  return new Map([...family].map(([count, cells]) => [count, new Map([...cells].filter(([id]) => id.startsWith(prefix)))]));
}
