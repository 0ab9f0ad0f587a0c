/**
 * How well a score tells schools apart, under the record-based scores (quality.dq_unit_scores)
 * and under the definition they replaced, computed from the same rule results
 * (quality.dq_rule_results): a weighted mean of the rules' pass rates per dimension (every rule
 * weight 1 but HS-DUP-ACTIVE, CB-DUP and TH-MISSING at 2), then a weighted mean of the dimensions
 * (completeness 0,25, validity 0,25, uniqueness 0,15, consistency 0,2, timeliness 0,15). Per
 * period, over the schools' overall scores: standard deviation, range, scores as shown (one
 * decimal: the previous pages rounded, the current ones round down), schools sharing their shown
 * score with another, schools sharing their exact score with another, and the share shown as 100.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../lib/warehouse.ts';

/** The spread of one definition in one period. */
export type Spread = {
  definition: 'records (#26)' | 'rule checks (before #26)';
  period: string;
  schools: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  range: number;
  distinct_shown: number;
  tied_schools: number;
  tied_exact: number;
  share_at_100: number;
};

const PREVIOUS = `
  with rule_weights as (
    select rule_id, case when rule_id in ('HS-DUP-ACTIVE', 'CB-DUP', 'TH-MISSING') then 2 else 1 end as weight
    from quality.dq_rule_catalog
  ),
  dimension_weights as (
    select * from (values ('completeness', 0.25), ('validity', 0.25), ('uniqueness', 0.15), ('consistency', 0.2), ('timeliness', 0.15)) t(dimension, weight)
  ),
  per_dimension as (
    select r.period, r.unit_code, r.dimension, 100 * sum(w.weight * r.pass_rate) / sum(w.weight) as score
    from quality.dq_rule_results as r join rule_weights as w using (rule_id)
    where r.unit_level = 'school'
    group by all
  )
  select d.period, d.unit_code, sum(w.weight * d.score) / sum(w.weight) as score, round(sum(w.weight * d.score) / sum(w.weight), 1) as shown
  from per_dimension as d join dimension_weights as w using (dimension)
  group by all`;

const CURRENT = `
  select period, unit_code, score, floor(round(score, 6) * 10) / 10 as shown
  from quality.dq_unit_scores
  where unit_level = 'school' and dimension = 'overall'`;

function statsSql(scores: string, periods: readonly string[]): string {
  return `
    with s as (${scores}),
    tied as (select period, shown, count(*) as n from s group by all),
    exact as (select period, round(score, 6) as exact, count(*) as n from s group by all)
    select s.period, count(*) as schools, avg(score) as mean, stddev_samp(score) as stddev, min(score) as min, max(score) as max,
      max(score) - min(score) as range, count(distinct s.shown) as distinct_shown,
      count(*) filter (where t.n > 1) as tied_schools, count(*) filter (where e.n > 1) as tied_exact,
      count(*) filter (where s.shown >= 100) / count(*) as share_at_100
    from s join tied as t using (period, shown)
    join exact as e on e.period = s.period and e.exact = round(s.score, 6)
    where s.period in (${periods.map(literal).join(', ')})
    group by s.period order by s.period`;
}

/** The spread of both definitions in `periods`, from the published quality tables. */
export async function scoreSpread(conn: DuckDBConnection, periods: readonly string[]): Promise<Spread[]> {
  const out: Spread[] = [];
  for (const [definition, sql] of [
    ['records (#26)', CURRENT],
    ['rule checks (before #26)', PREVIOUS],
  ] as const) {
    const rows = await queryRows<Record<string, unknown>>(conn, statsSql(sql, periods));
    for (const r of rows) {
      const n = (k: string) => +Number(r[k]).toFixed(k === 'share_at_100' ? 4 : 3);
      out.push({
        definition,
        period: String(r.period),
        schools: n('schools'),
        mean: n('mean'),
        stddev: n('stddev'),
        min: n('min'),
        max: n('max'),
        range: n('range'),
        distinct_shown: n('distinct_shown'),
        tied_schools: n('tied_schools'),
        tied_exact: n('tied_exact'),
        share_at_100: n('share_at_100'),
      });
    }
  }
  return out;
}
