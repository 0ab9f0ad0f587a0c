/**
 * The quality tables as served, one query each: rankings from quality.dq_unit_scores (scores,
 * records to fix, bands, ranks among how many, change against the previous period) and
 * core.dim_period_deadlines (the province's deadline), failing rules from quality.dq_rule_results
 * with quality.dq_rule_catalog, the bands and record-kind weights of the latest run. The failing
 * records themselves are failures.queries.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, tableExists } from '../db/read-rows.ts';
import type { Unit } from '../units/units.queries.ts';

/** The quality dimensions, each a column of a ranking. */
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;

const OVERALL = [
  'score',
  'rank_in_parent',
  'parent_ranked_units',
  'rank',
  'ranked_units',
  'checked',
  'failed',
  'records',
  'failing_records',
  'band',
  'previous_score',
  'score_change',
  'rank_change',
] as const;

/** Record counts of a ranking that only the caller's own subtree sees (no suppression family protects them). */
const RECORD_COUNTS = new Set(['records', 'failing_records']);

/**
 * The columns of a ranking, in order; with suppression, the statuses of its counts too, and
 * without the record counts, which leave the subtree only as the score they make.
 */
export function rankingColumns(suppressed: boolean): string[] {
  const overall = suppressed ? OVERALL.filter((c) => !RECORD_COUNTS.has(c)) : OVERALL;
  const base = ['unit_key', 'unit_code', 'unit_level', 'unit_name', ...overall, ...DIMENSIONS, 'deadline', 'deadline_status'];
  return suppressed ? [...base, 'checked_status', 'failed_status'] : base;
}

/** The counts of a ranking or rule list that suppression can hide. */
export const COUNT_FIGURES = [
  { figure: 'checked', status: 'checked_status' },
  { figure: 'failed', status: 'failed_status' },
] as const;

/** Statuses by row key ('<10', 'x' or null); see suppression/quality-suppression.ts. */
type Hidden = { keys: string[]; checked: Array<string | null>; failed: Array<string | null> };

/**
 * One ranking row per unit (keys bound as $2), in rank order (ties broken by failing records,
 * then name, in quality.dq_unit_scores; units without scores last, by code): the overall score,
 * band and records to fix, ranks among how many and change against the previous period, one column
 * per dimension, the province's deadline for the period and its status: 'met' (data complete in
 * time), 'open' (still time, $3 is today), 'late' (not complete, deadline passed), 'unknown'. With
 * `hidden`, hidden counts are null beside their status (a unit not listed has both hidden).
 */
export function rankingTable(period: string, unitKeys: readonly string[], today: string, hidden?: Hidden, serving = false): { sql: string; params: unknown[] } {
  const statuses = hidden
    ? `, case when p.checked is not null then (case when h.k is null then 'x' else h.c end) end as checked_status,
         case when p.failed is not null then (case when h.k is null then 'x' else h.f end) end as failed_status`
    : '';
  const figure = (c: string) =>
    hidden && (c === 'checked' || c === 'failed') ? `case when h.k is not null and h.${c[0]} is null then p.${c} end as ${c}` : `p.${c}`;
  return {
    sql: `with hidden as (select unnest($4::varchar[]) as k, unnest($5::varchar[]) as c, unnest($6::varchar[]) as f),
      period as (select census_day from core.dim_periods where period = $1),
      pivoted as (${
        serving
          ? // the league tables the quality run pivots once (models/quality/league_scores.sql)
            `select unit_level, unit_code, ${[...OVERALL, ...DIMENSIONS, 'timeliness_checked', 'timeliness_failed'].join(', ')}
        from quality.league_scores`
          : `select unit_level, unit_code,
          ${OVERALL.map((c) => `max(${c}) filter (where dimension = 'overall') as ${c}`).join(', ')},
          ${DIMENSIONS.map((d) => `max(score) filter (where dimension = '${d}') as ${d}`).join(', ')},
          max(checked) filter (where dimension = 'timeliness') as timeliness_checked,
          max(failed) filter (where dimension = 'timeliness') as timeliness_failed
        from quality.dq_unit_scores`
      }
        where period = $1 and (unit_level, unit_code) in (
          select unit_level, unit_code from core.dim_units as v
          where list_contains($2::varchar[], unit_key)
            and (v.valid_from is null or v.valid_from <= (select census_day from period))
            and (v.valid_to is null or v.valid_to >= (select census_day from period)))
        ${serving ? '' : 'group by all'}
      ),
      due as (select province_key, cast(deadline as varchar) as deadline from core.dim_period_deadlines where period = $1)
      select u.unit_key, u.unit_code, u.unit_level, u.unit_name,
        ${(hidden ? OVERALL.filter((c) => !RECORD_COUNTS.has(c)) : OVERALL).map(figure).join(', ')},
        ${DIMENSIONS.map((d) => `p.${d}`).join(', ')},
        due.deadline,
        case when p.timeliness_checked > 0 and p.timeliness_failed = 0 then 'met'
             when due.deadline is not null and $3 <= due.deadline then 'open'
             when p.timeliness_failed > 0 then 'late'
             else 'unknown' end as deadline_status
        ${statuses}
      from core.dim_units as u
      cross join period as d
      -- scores are keyed by code within the period: a unit not valid on its census day (today's
      -- province in a period before the merger) must not take the old unit's score of that code
      left join pivoted as p on p.unit_level = u.unit_level and p.unit_code = u.unit_code
        and (u.valid_from is null or u.valid_from <= d.census_day)
        and (u.valid_to is null or u.valid_to >= d.census_day)
      left join due on due.province_key = u.province_key
      left join hidden as h on h.k = u.unit_level || '|' || u.unit_code
      where list_contains($2::varchar[], u.unit_key)
      order by p.rank is null, p.rank, u.unit_code`,
    params: [period, unitKeys, today, hidden?.keys ?? [], hidden?.checked ?? [], hidden?.failed ?? []],
  };
}

/** The columns of a rule list; with suppression, the statuses of its counts and pass rate too. */
export function ruleColumns(suppressed: boolean): string[] {
  const base = ['rule_id', 'dimension', 'family', 'table_name', 'field', 'description_vi', 'description_en', 'checked', 'failed', 'pass_rate'];
  return suppressed ? [...base, 'checked_status', 'failed_status', 'pass_rate_status'] : base;
}

/**
 * The rules a unit fails in a period, worst first, with their descriptions. With `hidden`, hidden
 * counts are null beside their status, a pass rate with a hidden count is hidden ('x'), and the
 * rows with hidden counts come last by rule id, so that their order tells nothing.
 */
export function rulesTable(period: string, unit: Unit, hidden?: Hidden): { sql: string; params: unknown[] } {
  const params = [period, unit.unit_code, unit.unit_level, hidden?.keys ?? [], hidden?.checked ?? [], hidden?.failed ?? []];
  const from = `from quality.dq_rule_results as r
     join quality.dq_rule_catalog as k on k.rule_id = r.rule_id
     left join (select unnest($4::varchar[]) as k, unnest($5::varchar[]) as c, unnest($6::varchar[]) as f) as h on h.k = r.rule_id
     where r.period = $1 and r.unit_code = $2 and r.unit_level = $3 and r.failed > 0`;
  const head = 'r.rule_id, k.dimension, k.family, k.table_name, k.field, k.description_vi, k.description_en';
  if (!hidden) return { sql: `select ${head}, r.checked, r.failed, r.pass_rate ${from} order by r.failed desc, r.rule_id`, params };
  return {
    sql: `select ${head},
        case when h.k is not null and h.c is null then r.checked end as checked,
        case when h.k is not null and h.f is null then r.failed end as failed,
        case when h.k is not null and coalesce(h.c, h.f) is null then r.pass_rate end as pass_rate,
        case when h.k is null then 'x' else h.c end as checked_status,
        case when h.k is null then 'x' else h.f end as failed_status,
        case when h.k is null or coalesce(h.c, h.f) is not null then 'x' end as pass_rate_status
      ${from}
      order by (h.k is not null and coalesce(h.c, h.f) is null) desc, case when h.k is not null and coalesce(h.c, h.f) is null then r.failed end desc, r.rule_id`,
    params,
  };
}

/** Whether a rule id exists in the catalogue. */
export async function ruleExists(conn: DuckDBConnection, ruleId: string): Promise<boolean> {
  const rows = await readRows<{ n: number }>(conn, `select count(*) as n from quality.dq_rule_catalog where rule_id = $1`, [ruleId]);
  return rows[0].n > 0;
}

/** A score band as published: id, lowest score, Vietnamese label and colour. */
export type Band = { band: string; min_score: number; label_vi: string; color: string };

/** The bands of the latest quality run, highest first. */
export async function scoreBands(conn: DuckDBConnection): Promise<Band[]> {
  if (!(await tableExists(conn, 'quality.dq_score_bands'))) return [];
  return readRows<Band>(conn, `select band, min_score, label_vi, color from quality.dq_score_bands order by min_score desc`);
}

/** The weights of the record kinds in the scores, of the latest quality run. */
export async function recordKindWeights(conn: DuckDBConnection): Promise<Array<{ record_kind: string; weight: number }>> {
  if (!(await tableExists(conn, 'quality.dq_record_kind_weights'))) return [];
  return readRows(conn, `select record_kind, weight from quality.dq_record_kind_weights order by weight desc, record_kind`);
}
