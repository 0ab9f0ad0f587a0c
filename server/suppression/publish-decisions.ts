/**
 * Publishes every suppression decision of the indicator tables with the values they are made on:
 * the transform calls it inside its transaction, after its models and their tests, so that a
 * request looks a figure's status up in serving.suppression_decisions instead of deciding family
 * tables while it waits (at national scale the nation's family alone holds the event loop for
 * minutes), and a reader always sees the decisions of the values beside them.
 *
 * Families are decided as a request decides them (indicator-suppression.ts, family-cascade.ts),
 * top-down from the nation; only the reading differs: each period's tree, sole parts and school
 * attributes are read once, and the values a province's subtree at a time, instead of a few
 * queries per family.
 *
 * @example
 *   await runTransform({ warehouse, beforeCommit: publishIndicatorDecisions });
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import { readRows, tableExists } from '../db/read-rows.ts';
import { indicatorValues } from '../indicators/indicators.queries.ts';
import { findUnit, listPeriods, type Period, type Unit } from '../units/units.queries.ts';
import type { Decided } from './family-cascade.ts';
import { IndicatorSuppression, schoolAttributes, soleUnits, type IndicatorFamilyData } from './indicator-suppression.ts';
import { familyChildren, NATION_KEY } from './unit-families.ts';

const TABLE = 'serving.suppression_decisions';
/** Rows written per insert. */
const BATCH = 100_000;

export type DecisionsSummary = { periods: number; families: number; decisions: number; seconds: number };

/** Decides every family of every period and replaces serving.suppression_decisions with the result; see the module comment. */
export async function publishIndicatorDecisions(conn: DuckDBConnection): Promise<DecisionsSummary> {
  const started = performance.now();
  await conn.run(`create schema if not exists serving`);
  await conn.run(`create or replace temp table suppression_decisions_new (
    period varchar, count varchar, unit_key varchar, cell varchar, status varchar, value double)`);
  const out = new Writer(conn);
  let families = 0;
  let periods = 0;
  const nation = await findUnit(conn, NATION_KEY);
  const serving = await tableExists(conn, 'serving.indicator_values');
  for (const period of nation ? await listPeriods(conn) : []) {
    const t0 = performance.now();
    const n = await decidePeriod(conn, period, nation!, serving, out);
    if (n === 0) continue;
    periods++;
    families += n;
    log.info('suppression decisions published', { period: period.period, families: n, seconds: Math.round((performance.now() - t0) / 100) / 10 });
  }
  await out.flush();
  await conn.run(`create or replace table ${TABLE} as select * from suppression_decisions_new order by period, unit_key, count, cell`);
  await conn.run(`drop table suppression_decisions_new`);
  return { periods, families, decisions: out.written, seconds: (performance.now() - started) / 1000 };
}

/** Decides a period's families, a province's subtree at a time; returns how many. */
async function decidePeriod(conn: DuckDBConnection, period: Period, nation: Unit, serving: boolean, out: Writer): Promise<number> {
  const tree = await loadTree(conn, period, nation);
  if (tree.children.get(nation.unit_key)!.length === 0) return 0;
  const pairs = [...tree.parent].map(([key, parent]) => ({ unit: tree.units.get(key)!, parent: parent.unit_key }));
  const sole = await soleUnits(conn, period.period, pairs, serving);
  const attributes = await schoolAttributes(conn, period, [...tree.units.values()]);
  const rows = new Map<string, Awaited<ReturnType<IndicatorFamilyData['values']>>>();
  const load = async (keys: readonly string[]) => {
    const missing = keys.filter((k) => !rows.has(k));
    if (missing.length === 0) return;
    for (const k of missing) rows.set(k, []);
    const read = await indicatorValues(conn, { period: period.period, unitKeys: missing, indicators: [], breakdown: 'all', serving });
    for (const r of read) rows.get(r.unit_key)!.push(r);
  };
  const data: IndicatorFamilyData = {
    children: async (u) => tree.children.get(u.unit_key) ?? [],
    parent: async (u) => tree.parent.get(u.unit_key),
    values: async (keys) => {
      await load(keys);
      return keys.flatMap((k) => rows.get(k)!);
    },
    soleParts: async (asked) => new Set(asked.filter((p) => sole.has(p.unit.unit_key)).map((p) => p.unit.unit_key)),
    attributes: async (units) => new Map(units.flatMap((u) => (attributes.has(u.unit_key) ? [[u.unit_key, attributes.get(u.unit_key)!]] : []))),
  };
  const suppression = new IndicatorSuppression(conn, undefined, () => data);
  let families = 0;
  const decide = async (parent: Unit, root: boolean) => {
    const kids = tree.children.get(parent.unit_key) ?? [];
    if (kids.length === 0) return;
    const own = new Set(kids.map((k) => k.unit_key));
    if (root) own.add(parent.unit_key);
    const t0 = performance.now();
    await out.add(period.period, await suppression.family(period, parent), own);
    families++;
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= 1)
      log.info('suppression family decided', { period: period.period, family: parent.unit_key, children: kids.length, seconds: Math.round(seconds * 10) / 10 });
  };
  await decide(nation, true);
  for (const province of tree.children.get(nation.unit_key)!) {
    // the province's values are read in one query, then dropped once its families are decided
    const subtree = [province];
    for (let i = 0; i < subtree.length; i++) subtree.push(...(tree.children.get(subtree[i].unit_key) ?? []));
    rows.clear();
    await load(subtree.map((u) => u.unit_key));
    for (const unit of subtree) await decide(unit, false);
  }
  return families;
}

type Tree = { units: Map<string, Unit>; children: Map<string, Unit[]>; parent: Map<string, Unit> };

/**
 * The period's family tree from the nation down: the nation's children as unit-families.ts names
 * them, every other unit's from serving.unit_children (or childUnits' rule when the transform has
 * not built it). Only units reached from the nation are in it; a unit outside it has no decision,
 * so its figures are hidden, as a request would hide them.
 */
async function loadTree(conn: DuckDBConnection, period: Period, nation: Unit): Promise<Tree> {
  const listed = new Map<string, Unit[]>();
  if (await tableExists(conn, 'serving.unit_children')) {
    const rows = await readRows<Unit & { of_unit_key: string }>(
      conn,
      `select of_unit_key, unit_key, unit_code, unit_level, unit_name, parent_key, province_key, province_code, current_province_code,
              cast(valid_from as varchar) as valid_from, cast(valid_to as varchar) as valid_to, nam_hoc
       from serving.unit_children where period = $1 order by of_unit_key, child_order`,
      [period.period],
    );
    for (const { of_unit_key, ...u } of rows) (listed.get(of_unit_key) ?? listed.set(of_unit_key, []).get(of_unit_key)!).push(u);
  }
  const tree: Tree = { units: new Map([[nation.unit_key, nation]]), children: new Map(), parent: new Map() };
  const queue = [nation];
  for (let next = 0; next < queue.length; next++) {
    const unit = queue[next];
    const kids = unit === nation || listed.size === 0 ? await familyChildren(conn, unit, period) : (listed.get(unit.unit_key) ?? []);
    tree.children.set(unit.unit_key, kids);
    for (const k of kids) {
      if (tree.units.has(k.unit_key)) continue;
      tree.units.set(k.unit_key, k);
      tree.parent.set(k.unit_key, unit);
      queue.push(k);
    }
  }
  return tree;
}

/** Collects decisions and inserts them in batches. */
class Writer {
  written = 0;
  private columns: string[][] = [[], [], [], [], [], []];

  constructor(private readonly conn: DuckDBConnection) {}

  /** The decisions of a family's cells of the units in `own`. */
  async add(period: string, family: Decided, own: Set<string>): Promise<void> {
    const [p, c, u, k, s, v] = this.columns;
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
    if (p.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.columns[0].length === 0) return;
    await readRows(
      this.conn,
      `insert into suppression_decisions_new
       select unnest($1::varchar[]), unnest($2::varchar[]), unnest($3::varchar[]), unnest($4::varchar[]), unnest($5::varchar[]), cast(unnest($6::varchar[]) as double)`,
      this.columns,
    );
    this.written += this.columns[0].length;
    this.columns = [[], [], [], [], [], []];
  }
}
