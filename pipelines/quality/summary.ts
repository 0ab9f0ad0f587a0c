/**
 * What a quality run reports back: national scores per dimension with the records to fix, the
 * lowest-ranked units, and the rules with most failures, for the periods evaluated. Read from the
 * published quality.* tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import type { EvaluationStep } from './evaluate.ts';

export type DimensionScore = {
  period: string;
  dimension: string;
  score: number;
  records: number;
  failing_records: number;
  checked: number;
  failed: number;
  score_change: number | null;
};
export type UnitScore = {
  period: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  score: number;
  failing_records: number;
  rank: number;
  ranked_units: number;
};
export type RuleFailures = { period: string; rule_id: string; dimension: string; description_vi: string; checked: number; failed: number };

export type QualitySummary = {
  runId: string;
  periods: string[];
  rules: number;
  /** Records (and units) checked, summed over rules and periods, at school level. */
  recordsChecked: number;
  seconds: number;
  steps: EvaluationStep[];
  national: DimensionScore[];
  /** The lowest-ranked provinces and schools, per period. */
  worstUnits: UnitScore[];
  /** The rules with most failing records nationally, per period. */
  topRules: RuleFailures[];
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Reads the summary tables of `periods` (limit: rows per period and level). */
export async function readSummary(
  conn: DuckDBConnection,
  periods: readonly string[],
  limit = 5,
): Promise<Pick<QualitySummary, 'national' | 'worstUnits' | 'topRules'>> {
  const inList = periods.map(literal).join(', ');
  const national = await queryRows<DimensionScore>(
    conn,
    `
    select period, dimension, score, records, failing_records, checked, failed, score_change from quality.dq_unit_scores
    where unit_level = 'nation' and period in (${inList})
    order by period, case dimension when 'overall' then 'zz' else dimension end`,
  );
  const worstUnits = await queryRows<UnitScore>(
    conn,
    `
    select period, unit_code, unit_level, unit_name, score, failing_records, rank, ranked_units from quality.dq_unit_scores
    where dimension = 'overall' and unit_level in ('province', 'school') and period in (${inList})
    qualify row_number() over (partition by period, unit_level order by rank desc) <= ${limit}
    order by period, unit_level, rank desc`,
  );
  const topRules = await queryRows<RuleFailures>(
    conn,
    `
    select r.period, r.rule_id, r.dimension, k.description_vi, r.checked, r.failed
    from quality.dq_rule_results as r join quality.dq_rule_catalog as k using (rule_id)
    where r.unit_level = 'nation' and r.failed > 0 and r.period in (${inList})
    qualify row_number() over (partition by r.period order by r.failed desc, r.rule_id) <= ${limit * 2}
    order by r.period, r.failed desc, r.rule_id`,
  );
  return {
    national: national.map((r) => ({
      ...r,
      score: Number(r.score),
      records: Number(r.records),
      failing_records: Number(r.failing_records),
      checked: Number(r.checked),
      failed: Number(r.failed),
      score_change: num(r.score_change),
    })),
    worstUnits: worstUnits.map((r) => ({
      ...r,
      score: Number(r.score),
      failing_records: Number(r.failing_records),
      rank: Number(r.rank),
      ranked_units: Number(r.ranked_units),
    })),
    topRules: topRules.map((r) => ({ ...r, checked: Number(r.checked), failed: Number(r.failed) })),
  };
}
