/**
 * The serving tables on a warehouse built by the real pipeline (tiny preset): they equal the same
 * question asked of the contract tables; the API answers the same bytes from them (and from the
 * published suppression decisions) as from the contract with decisions made per request; the
 * decisions cover every period and never outlive the values they were made on.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../lib/warehouse.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { startServer } from '../../server/start-server.ts';
import { publishIndicatorDecisions } from '../../server/suppression/publish-decisions.ts';
import { childUnits, listPeriods, type Unit } from '../../server/units/units.queries.ts';
import { servingWarehouse, type ServingWarehouse } from './support/serving-warehouse.ts';

const SERVING = ['serving.indicator_values', 'serving.unit_children', 'quality.league_scores', 'serving.suppression_decisions'];

describe('serving tables and published suppression decisions (tiny preset)', () => {
  let fx: ServingWarehouse | undefined;
  let warehouse: ServingWarehouse['warehouse'];
  let server: ServingWarehouse['server'];
  let keys: ServingWarehouse['keys'];
  let period: ServingWarehouse['period'];
  let provinces: ServingWarehouse['provinces'];
  let school: ServingWarehouse['school'];
  let deep: ServingWarehouse['deep'];
  let get: ServingWarehouse['get'];
  let sql: ServingWarehouse['sql'];
  beforeAll(async () => {
    fx = await servingWarehouse();
    ({ warehouse, server, keys, period, provinces, school, deep, get, sql } = fx);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('builds serving tables equal to the same question asked of the contract tables', async () => {
    const values = `select period, unit_key, unit_code, unit_level, unit_name, geography, indicator, breakdown, dimension, numerator, denominator, value
      from indicators.indicator_values
      qualify row_number() over (partition by period, unit_key, indicator, breakdown order by (geography = 'as_reported') desc) = 1`;
    const served = `select period, unit_key, unit_code, unit_level, unit_name, geography, indicator, breakdown, dimension, numerator, denominator, value
      from serving.indicator_values`;
    const [v] = await sql<{ served: number; contract: number; differ: number }>(
      `select (select count(*) from serving.indicator_values)::int as served, (select count(*) from (${values}))::int as contract,
         (select count(*) from ((${served} except all ${values}) union all (${values} except all ${served})))::int as differ`,
    );
    expect(v.served).toBeGreaterThan(1000);
    expect(v).toEqual({ served: v.contract, contract: v.contract, differ: 0 });
    // one unit's rows are one contiguous run of the table
    const [runs] = await sql<{ units: number; runs: number }>(
      `select count(distinct k)::int as units,
         count(*) filter (where k is distinct from prev)::int as runs
       from (select period || unit_key as k, lag(period || unit_key) over (order by rowid) as prev from serving.indicator_values)`,
    );
    expect(runs.runs).toBe(runs.units);

    const scores = `select period, unit_level, unit_code,
        max(score) filter (where dimension = 'overall') as score, max(rank) filter (where dimension = 'overall') as rank,
        max(rank_in_parent) filter (where dimension = 'overall') as rank_in_parent, max(failing_records) filter (where dimension = 'overall') as failing,
        max(score) filter (where dimension = 'timeliness') as timeliness, max(failed) filter (where dimension = 'timeliness') as timeliness_failed
      from quality.dq_unit_scores group by all`;
    const league = `select period, unit_level, unit_code, score, rank, rank_in_parent, failing_records, timeliness, timeliness_failed from quality.league_scores`;
    const [l] = await sql<{ n: number; differ: number }>(
      `select (select count(*) from quality.league_scores)::int as n,
         (select count(*) from ((${league} except all ${scores}) union all (${scores} except all ${league})))::int as differ`,
    );
    expect(l.n).toBeGreaterThan(10);
    expect(l.differ).toBe(0);

    // the children of the nation, every province (today's and old) and a sample of districts and
    // communes, in every period, as the contract's rule lists them
    const conn = await warehouse.connect();
    try {
      const units = await queryRows<Unit>(
        conn,
        `select unit_key, unit_code, unit_level, unit_name, parent_key, province_key, province_code, current_province_code,
           cast(valid_from as varchar) as valid_from, cast(valid_to as varchar) as valid_to, nam_hoc
         from core.dim_units
         where unit_level in ('nation', 'province')
            or unit_key in (select unit_key from core.dim_units where unit_level in ('district', 'commune') order by hash(unit_key) limit 40)`,
      );
      let pairs = 0;
      for (const p of await listPeriods(conn)) {
        for (const u of units) {
          // a connection outside a request reads the contract (core.dim_units)
          const expected = await childUnits(conn, u, p);
          const served = await queryRows<{ unit_key: string }>(
            conn,
            `select unit_key from serving.unit_children where period = $1 and of_unit_key = $2 order by child_order`,
            [p.period, u.unit_key],
          );
          expect(
            served.map((r) => r.unit_key),
            `${u.unit_key} ${p.period}`,
          ).toEqual(expected.map((c) => c.unit_key));
          pairs += expected.length;
        }
      }
      expect(pairs).toBeGreaterThan(100);
    } finally {
      conn.closeSync();
    }
  });

  it('answers the same bytes from the serving tables as from the contract tables', async () => {
    const e = encodeURIComponent;
    const paths: Array<[string, string | undefined]> = [
      [`/api/public/indicators?period=${period}`, undefined],
      [`/api/public/indicators?period=${period}&format=csv`, undefined],
      [`/api/indicators?period=${period}&breakdown=all`, keys.nation],
      [`/api/indicators?period=${period}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&unit=${e(provinces[0])}&breakdown=sex&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&breakdown=all`, keys.provinceA],
      [`/api/indicators?period=${period}&unit=${e(school)}`, keys.school],
      [`/api/quality/scores?period=${period}`, keys.nation],
      [`/api/quality/scores?period=${period}&format=csv`, keys.provinceA],
      [`/api/quality/scores?period=${period}&unit=${e(school)}`, keys.school],
      [`/api/units/${e(provinces[0])}?period=${period}`, keys.nation],
      // every family below the nation: a province's communes, a commune's schools, the old tree before the merger
      [`/api/indicators?period=${period}&unit=${e(deep.province)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${period}&unit=${e(deep.commune)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${deep.earlier}&unit=${e(deep.province)}&breakdown=all&format=csv`, keys.nation],
      [`/api/indicators?period=${deep.earlier}&breakdown=all&format=csv`, keys.nation],
      // series over every period: today's provinces before the merger have only re-aggregated
      // rows, which a series as reported leaves out (their old provinces stand in their place)
      [`/api/public/indicators/series?indicator=LRN`, undefined],
      [`/api/public/indicators/series?indicator=LRN&units=N:VN,${e(provinces.join(','))}`, undefined],
      [`/api/public/indicators/series?indicator=LRN&units=${e(provinces.join(','))}&geography=2025`, undefined],
      [`/api/indicators/series?indicator=LRN&units=${e(deep.province)},${e(deep.commune)}&breakdown=all`, keys.nation],
      [`/api/indicators/series?indicator=CLS&units=${e(deep.province)}&breakdown=level&format=csv`, keys.nation],
      [`/api/indicators/series?indicator=LRN&breakdown=all&format=csv`, keys.provinceA],
    ];
    const before = [];
    for (const [p, k] of paths) before.push(await get(server.url, p, k));
    expect(before.map((r) => r.status)).toEqual(paths.map(() => 200));
    // the same warehouse without its serving tables: a new server reads the contract
    for (const t of SERVING) await sql(`alter table ${t} rename to ${t.split('.')[1]}_off`);
    const contract = await startServer({ warehouse, port: 0 });
    try {
      for (const [i, [p, k]] of paths.entries()) {
        const r = await get(contract.url, p, k);
        expect(r.status, p).toBe(200);
        expect(r.text, p).toBe(before[i].text);
      }
    } finally {
      await contract.close();
      for (const t of SERVING) await sql(`alter table ${t.split('.')[0]}.${t.split('.')[1]}_off rename to ${t.split('.')[1]}`);
    }
  });

  it('publishes a decision for every published cell with the values, and a transform that does not drops them', async () => {
    const decisions = `select period, count, unit_key, cell, status, value from serving.suppression_decisions order by all`;
    const before = await sql<Record<string, unknown>>(decisions);
    // every count cell of every unit in the tree, every period: the nation's, a school's
    const [cover] = await sql<{ periods: number; nation: number; school: number; small: number; hidden: number }>(
      `select count(distinct period)::int as periods, count(*) filter (where unit_key = 'N:VN')::int as nation,
              count(*) filter (where unit_key = $1)::int as school, count(*) filter (where status = 'small')::int as small,
              count(*) filter (where status = 'hidden')::int as hidden
       from serving.suppression_decisions`,
      [school],
    );
    const [periods] = await sql<{ n: number }>(`select count(distinct period)::int as n from serving.indicator_values`);
    expect(cover.periods).toBe(periods.n);
    expect(cover.nation).toBeGreaterThan(50);
    expect(cover.school).toBeGreaterThan(10);
    expect(cover.small).toBeGreaterThan(0);
    expect(cover.hidden).toBeGreaterThan(0);
    const conn = await warehouse.connect();
    try {
      // decisions never outlive the values they were made on
      expect((await runTransform({ warehouse: conn, select: ['serving'] })).status).toBe('succeeded');
      expect(await sql(`select 1 from duckdb_tables() where schema_name = 'serving' and table_name = 'suppression_decisions'`)).toEqual([]);
      expect((await runTransform({ warehouse: conn, select: ['serving'], beforeCommit: publishIndicatorDecisions })).status).toBe('succeeded');
      expect(await sql(decisions)).toEqual(before);
    } finally {
      conn.closeSync();
    }
  });
});
