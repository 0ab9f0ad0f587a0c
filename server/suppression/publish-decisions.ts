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
 * queries per family. Once the nation's family is decided the provinces' subtrees depend on
 * nothing but their own data, so they are decided side by side in worker threads.
 *
 * @example
 *   await runTransform({ warehouse, beforeCommit: publishIndicatorDecisions });
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import { readRows, tableExists } from '../db/read-rows.ts';
import { indicatorValues } from '../indicators/indicators.queries.ts';
import { findUnit, listPeriods, type Period, type Unit } from '../units/units.queries.ts';
import { TsWorker } from '../../lib/ts-worker.ts';
import { addDecisions, decisionsOf, subtreeData, type DecisionColumns, type SubtreeDecisions, type SubtreeJob } from './decide-subtree.ts';
import type { Decided } from './family-cascade.ts';
import { gradeLevels, indicatorCascade, schoolAttributes, soleDescendants, soleUnits, type FamilyValue } from './indicator-suppression.ts';
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

/**
 * Decides a period's families: the nation's here, then each province's subtree in a worker
 * thread, as many side by side as the transform's DuckDB threads (so that a run under
 * `csdl serve`, whose threads are limited, leaves the API its share); returns how many.
 */
async function decidePeriod(conn: DuckDBConnection, period: Period, nation: Unit, serving: boolean, out: Writer): Promise<number> {
  const tree = await loadTree(conn, period, nation);
  const provinces = tree.children.get(nation.unit_key)!;
  if (provinces.length === 0) return 0;
  const pairs = [...tree.parent].map(([key, parent]) => ({ unit: tree.units.get(key)!, parent: parent.unit_key }));
  const sole = await soleUnits(conn, period.period, pairs, serving);
  const attributes = await schoolAttributes(conn, period, [...tree.units.values()]);
  const levels = [...(await gradeLevels(conn))];
  const values = async (keys: readonly string[]): Promise<FamilyValue[]> =>
    (await indicatorValues(conn, { period: period.period, unitKeys: keys, indicators: [], breakdown: 'all', serving })).map(
      ({ unit_key, indicator, breakdown, numerator, denominator }) => ({ unit_key, indicator, breakdown, numerator, denominator }),
    );
  const subtreeOf = (root: Unit) => {
    const units = [root];
    for (let i = 0; i < units.length; i++) units.push(...(tree.children.get(units[i].unit_key) ?? []));
    return units;
  };

  // the nation's family reads the provinces and, below them, the units some figure of their parent rests on alone
  const t0 = performance.now();
  const below = await soleDescendants(
    {
      children: async (u) => tree.children.get(u.unit_key) ?? [],
      soleParts: async (asked) => new Set(asked.map((p) => p.unit.unit_key).filter((k) => sole.has(k))),
    },
    provinces,
  );
  const looked = [nation, ...provinces, ...below.map((b) => b.unit)];
  const nationDecided = await indicatorCascade(period, subtreeData(await subtreeJob(nation, undefined, looked, new Map()))).table(nation);
  addDecisions(out.columns, period.period, nationDecided, new Set([nation.unit_key, ...provinces.map((p) => p.unit_key)]));
  await out.flushFull();
  log.info('suppression family decided', {
    period: period.period,
    family: nation.unit_key,
    children: provinces.length,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  });
  let families = 1;

  async function subtreeJob(root: Unit, above: Unit | undefined, units: Unit[], fixed: Decided): Promise<SubtreeJob> {
    const keys = units.map((u) => u.unit_key);
    return {
      period,
      root,
      above,
      units,
      children: units.map((u) => [u.unit_key, tree.children.get(u.unit_key) ?? []]),
      sole: keys.filter((k) => sole.has(k)),
      attributes: keys.flatMap((k) => (attributes.has(k) ? [[k, attributes.get(k)!]] : [])),
      gradeLevels: levels,
      rows: await values(keys),
      fixed,
    };
  }

  // the largest subtrees first, so that the last ones to finish are small
  const queue = provinces.map((p) => ({ root: p, units: subtreeOf(p) })).sort((a, b) => b.units.length - a.units.length);
  const threads = Number((await readRows<{ n: number }>(conn, `select current_setting('threads')::int as n`))[0].n);
  const workers = Array.from({ length: Math.max(1, Math.min(threads, queue.length)) }, () => new TsWorker<SubtreeJob, SubtreeDecisions>(WORKER));
  // one query at a time on the transform's connection
  let db = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = db.then(f);
    db = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };
  try {
    const take = () => {
      const next = queue.shift();
      if (!next) return undefined;
      const job = serial(() => subtreeJob(next.root, nation, next.units, decisionsOf(nationDecided, next.root.unit_key)));
      // awaited by the loop that took it, unless that loop has stopped on another failure
      job.catch(() => undefined);
      return job;
    };
    await Promise.all(
      workers.map(async (worker) => {
        // each worker's next subtree is read while it decides the one before
        for (let pending = take(); pending;) {
          const job = await pending;
          pending = take();
          const result = await worker.run(job);
          families += result.families;
          await serial(() => out.append(result.columns));
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return families;
}

const WORKER = new URL('./decisions-worker.ts', import.meta.url);

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
  columns: DecisionColumns = [[], [], [], [], [], []];

  constructor(private readonly conn: DuckDBConnection) {}

  /** Adds decisions in columns (a subtree's). */
  async append(columns: DecisionColumns): Promise<void> {
    columns.forEach((c, i) => {
      for (const x of c) this.columns[i].push(x);
    });
    await this.flushFull();
  }

  /** Inserts what is collected once it makes a batch. */
  async flushFull(): Promise<void> {
    if (this.columns[0].length >= BATCH) await this.flush();
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
