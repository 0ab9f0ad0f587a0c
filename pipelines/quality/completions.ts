/**
 * The first completion of each school's data by its deadline (models/quality/rules/reporting.sql,
 * block complete_by_deadline): staged in temp table `dq_stage_completions` by a run that evaluates
 * TH-LATE, kept by the history (meta.quality_completions) when no earlier run saw it, and read
 * by TH-LATE in every later run, so that a correction after the deadline does not make a school
 * late whose data were complete in time.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { querySql } from './rule-files.ts';
import type { Rule } from './rule.ts';

/** Stages the completions seen now; false (nothing staged) when the rules do not judge lateness. */
export async function stageCompletions(conn: DuckDBConnection, rules: readonly Rule[]): Promise<boolean> {
  if (!rules.some((r) => r.id === 'TH-LATE')) return false;
  await conn.run(`create or replace temp table dq_stage_completions as ${querySql('reporting', 'complete_by_deadline')}`);
  return true;
}
