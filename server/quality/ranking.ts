/**
 * Turns score rows (one per unit x dimension) into one ranking row per unit: the overall score,
 * its band and the records to fix, the ranks (each with the number of units ranked), the change
 * against the previous period, one column per dimension, and the deadline status of the unit's
 * province for the period.
 */
import type { Unit } from '../units/units.queries.ts';
import type { ScoreRow } from './quality.queries.ts';

export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;

/** 'met' data complete in time; 'late' not complete and the deadline passed; 'open' still time; 'unknown' no timeliness check. */
export type DeadlineStatus = 'met' | 'late' | 'open' | 'unknown';

export type RankingRow = {
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string;
  score: number | null;
  rank_in_parent: number | null;
  parent_ranked_units: number | null;
  rank: number | null;
  ranked_units: number | null;
  checked: number | null;
  failed: number | null;
  records: number | null;
  failing_records: number | null;
  band: string | null;
  previous_score: number | null;
  score_change: number | null;
  rank_change: number | null;
  deadline: string | null;
  deadline_status: DeadlineStatus;
} & Record<(typeof DIMENSIONS)[number], number | null>;

/** The columns of a ranking table, in order (CSV and JSON alike). */
export const RANKING_COLUMNS: readonly string[] = [
  'unit_key',
  'unit_code',
  'unit_level',
  'unit_name',
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
  ...DIMENSIONS,
  'deadline',
  'deadline_status',
];

/** Deadline status from the timeliness dimension and today's date (ISO 'YYYY-MM-DD'). */
export function deadlineStatus(deadline: string | null, timeliness: ScoreRow | undefined, today: string): DeadlineStatus {
  if (timeliness && timeliness.checked > 0 && timeliness.failed === 0) return 'met';
  if (deadline !== null && today <= deadline) return 'open';
  if (timeliness && timeliness.failed > 0) return 'late';
  return 'unknown';
}

/**
 * One row per unit in rank order (the national rank of their level restricted to them, the order
 * of their rank among siblings); units without scores last, by code.
 */
export function rankUnits(units: Unit[], scores: ScoreRow[], deadlines: Map<string, string>, today: string): RankingRow[] {
  const rows = units.map((u): RankingRow => {
    const mine = scores.filter((s) => s.unit_code === u.unit_code && s.unit_level === u.unit_level);
    const dim = (d: string) => mine.find((s) => s.dimension === d);
    const o = dim('overall');
    const deadline = (u.province_key && deadlines.get(u.province_key)) || null;
    return {
      unit_key: u.unit_key,
      unit_code: u.unit_code,
      unit_level: u.unit_level,
      unit_name: u.unit_name,
      score: o?.score ?? null,
      rank_in_parent: o?.rank_in_parent ?? null,
      parent_ranked_units: o?.parent_ranked_units ?? null,
      rank: o?.rank ?? null,
      ranked_units: o?.ranked_units ?? null,
      checked: o?.checked ?? null,
      failed: o?.failed ?? null,
      records: o?.records ?? null,
      failing_records: o?.failing_records ?? null,
      band: o?.band ?? null,
      previous_score: o?.previous_score ?? null,
      score_change: o?.score_change ?? null,
      rank_change: o?.rank_change ?? null,
      completeness: dim('completeness')?.score ?? null,
      validity: dim('validity')?.score ?? null,
      uniqueness: dim('uniqueness')?.score ?? null,
      consistency: dim('consistency')?.score ?? null,
      timeliness: dim('timeliness')?.score ?? null,
      deadline,
      deadline_status: deadlineStatus(deadline, dim('timeliness'), today),
    };
  });
  return rows.sort((a, b) => (a.rank === null ? 1 : 0) - (b.rank === null ? 1 : 0) || (a.rank ?? 0) - (b.rank ?? 0) || a.unit_code.localeCompare(b.unit_code));
}
