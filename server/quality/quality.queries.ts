/**
 * Reads the quality marts: quality.dq_unit_scores (scores, records to fix, bands, ranks, change
 * against the previous period), quality.dq_score_bands, quality.dq_rule_results with
 * quality.dq_rule_catalog (failing rules) and core.dim_period_deadlines (the province's deadline).
 * The failing records are failures.queries.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readRows, tableExists, type Row } from '../db/read-rows.ts';
import type { Unit } from '../units/units.queries.ts';

export type ScoreRow = {
  unit_code: string;
  unit_level: string;
  dimension: string;
  score: number;
  checked: number;
  failed: number;
  records: number;
  failing_records: number;
  band: string | null;
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
    `select unit_code, unit_level, dimension, score, checked, failed, records, failing_records, band, rank, ranked_units, rank_in_parent,
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
    `select r.rule_id, k.dimension, k.family, k.table_name, k.field, k.description_vi, k.description_en,
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
