/**
 * The SQL of one rule, on its own: every checked record with `failed` and `detail`. The engine
 * (evaluate.ts) fuses rules that share a population into one scan for speed; this standalone
 * form is what the catalogue publishes, what the proof runs rule by rule, and what a unit can
 * run to list all of its failing records, not only the sample.
 */
import type { Rule } from './rule.ts';
import { populationSql } from './populations.ts';

/** Boolean SQL: the record is checked (null counts as not checked). */
export function appliesExpr(rule: Rule): string {
  return rule.kind === 'population' && rule.applies ? `coalesce((${rule.applies}), false)` : 'true';
}

/** Boolean SQL: the record fails (null counts as passing). */
export function failsExpr(rule: Rule): string {
  return rule.kind === 'population' ? `coalesce((${rule.fails}), false)` : 'failed';
}

/** Text SQL: why the record failed; the field name unless the rule says more. */
export function detailExpr(rule: Rule): string {
  if (rule.kind !== 'population') return 'detail';
  return rule.detail ?? (rule.field ? `'${rule.field}'` : 'null::varchar');
}

/**
 * The standalone SELECT of a rule over the periods in temp table `dq_eval_periods`.
 *
 * @example
 *   ruleSql(rule) // select period, unit_code, record_key, ..., failed, detail from (...) where ...
 */
export function ruleSql(rule: Rule): string {
  if (rule.kind === 'query') return `-- ${rule.id}: ${rule.en}\n${rule.sql.trim()}`;
  return [
    `-- ${rule.id}: ${rule.en}`,
    'select',
    '  period,',
    '  unit_code,',
    '  record_key,',
    '  record_id,',
    '  pseudonym,',
    `  ${failsExpr(rule)} as failed,`,
    `  case when ${failsExpr(rule)} then ${detailExpr(rule)} end as detail`,
    `from (${populationSql(rule.population)}) as pop`,
    `where ${appliesExpr(rule)}`,
  ].join('\n');
}
