/**
 * Reads the quality marts: quality.dq_unit_scores (scores, ranks, change against the previous
 * period), quality.dq_rule_results with quality.dq_rule_catalog (failing rules), quality.dq_failures
 * (sampled record keys per school) and core.dim_period_deadlines (the province's deadline).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, type Row } from '../db/read-rows.ts';
import type { Unit } from '../units/units.queries.ts';

export type ScoreRow = {
  unit_code: string;
  unit_level: string;
  dimension: string;
  score: number;
  checked: number;
  failed: number;
  rank: number;
  ranked_units: number;
  rank_in_parent: number;
  parent_ranked_units: number;
  previous_period: string | null;
  previous_score: number | null;
  score_change: number | null;
  previous_rank: number | null;
  rank_change: number | null;
};

/** Every dimension's score row of the given units in a period. */
export async function unitScores(conn: DuckDBConnection, period: string, units: Unit[]): Promise<ScoreRow[]> {
  if (units.length === 0) return [];
  return readRows<ScoreRow>(
    conn,
    `select unit_code, unit_level, dimension, score, checked, failed, rank, ranked_units, rank_in_parent,
            parent_ranked_units, previous_period, previous_score, score_change, previous_rank, rank_change
     from quality.dq_unit_scores
     where period = $1 and list_contains($2::varchar[], unit_level || '|' || unit_code)`,
    [period, units.map((u) => `${u.unit_level}|${u.unit_code}`)],
  );
}

/** The reporting deadline of each province valid in the period, by province key. */
export async function deadlines(conn: DuckDBConnection, period: string): Promise<Map<string, string>> {
  const rows = await readRows<{ province_key: string; deadline: string }>(
    conn,
    `select province_key, cast(deadline as varchar) as deadline from core.dim_period_deadlines where period = $1`,
    [period],
  );
  return new Map(rows.map((r) => [r.province_key, r.deadline]));
}

/** Rules the unit fails in the period, worst first, with their descriptions. */
export async function failingRules(conn: DuckDBConnection, period: string, unit: Unit): Promise<Row[]> {
  return readRows(
    conn,
    `select r.rule_id, k.dimension, k.family, k.table_name, k.field, k.description_vi, k.description_en, k.weight,
            r.checked, r.failed, r.pass_rate
     from quality.dq_rule_results as r
     join quality.dq_rule_catalog as k on k.rule_id = r.rule_id
     where r.period = $1 and r.unit_code = $2 and r.unit_level = $3 and r.failed > 0
     order by r.failed desc, r.rule_id`,
    [period, unit.unit_code, unit.unit_level],
  );
}

/** Whether a rule id exists in the catalogue. */
export async function ruleExists(conn: DuckDBConnection, ruleId: string): Promise<boolean> {
  const rows = await readRows<{ n: number }>(conn, `select count(*) as n from quality.dq_rule_catalog where rule_id = $1`, [ruleId]);
  return rows[0].n > 0;
}

/**
 * Where a failure detail names another school: the uniqueness rules say which school holds the
 * first record of the same person ('same person as a record of school 48000040').
 */
const NAMED_SCHOOL = `regexp_extract(f.detail, 'of school ([A-Za-z0-9_.-]+)', 1)`;

/** The school codes that the failure details of a school name (other than itself). */
export async function schoolsNamedInFailures(conn: DuckDBConnection, period: string, schoolCode: string): Promise<string[]> {
  const rows = await readRows<{ code: string }>(
    conn,
    `select distinct ${NAMED_SCHOOL} as code from quality.dq_failures as f
     where f.period = $1 and f.unit_code = $2 and ${NAMED_SCHOOL} not in ('', $2)`,
    [period, schoolCode],
  );
  return rows.map((r) => r.code);
}

/**
 * The sampled failing record keys of a school in a period (optionally of one rule). A detail that
 * names a school outside `visibleSchools` (besides the school itself) says "another school
 * (outside your scope)" instead, so that no key learns of a unit it may not read.
 */
export async function schoolFailures(
  conn: DuckDBConnection,
  period: string,
  schoolCode: string,
  ruleId: string | undefined,
  visibleSchools: string[],
): Promise<Row[]> {
  return readRows(
    conn,
    `select f.rule_id, f.dimension, k.description_vi, f.record_key, f.record_id, f.pseudonym,
            case when ${NAMED_SCHOOL} not in ('', $2) and not list_contains($4::varchar[], ${NAMED_SCHOOL})
                 then regexp_replace(f.detail, 'of school [A-Za-z0-9_.-]+', 'of another school (outside your scope)')
                 else f.detail end as detail
     from quality.dq_failures as f
     join quality.dq_rule_catalog as k on k.rule_id = f.rule_id
     where f.period = $1 and f.unit_code = $2 and ($3::varchar is null or f.rule_id = $3)
     order by f.rule_id, f.record_key`,
    [period, schoolCode, ruleId ?? null, visibleSchools],
  );
}
