/**
 * The SQL of one rule, on its own: every checked record with `failed`, the fields at fault and
 * the explanation. The engine (evaluate.ts) fuses rules that share a population into one scan for
 * speed; this standalone form is what the catalogue publishes and what the proof runs rule by rule.
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

/** Text SQL: why the record failed, in Vietnamese. */
export function detailExpr(rule: Rule): string {
  return rule.kind === 'population' ? rule.detail : 'detail';
}

/** Text SQL: the fields at fault; the rule's field unless the rule says more. */
export function fieldsExpr(rule: Rule): string {
  if (rule.kind !== 'population') return 'fields';
  return rule.fields ?? (rule.field ? `'${rule.field}'` : 'null::varchar');
}

/**
 * The standalone SELECT of a rule over the periods in temp table `dq_eval_periods`.
 *
 * @example
 *   ruleSql(rule) // select period, unit_code, record_key, ..., failed, fields, detail, ... from (...) where ...
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
    `  ${failsExpr(rule)} as failed,`,
    `  case when ${failsExpr(rule)} then ${fieldsExpr(rule)} end as fields,`,
    `  case when ${failsExpr(rule)} then ${detailExpr(rule)} end as detail,`,
    '  null::bigint as related_record_id,',
    '  null::varchar as related_unit',
    `from (${populationSql(rule.population)}) as pop`,
    `where ${appliesExpr(rule)}`,
  ].join('\n');
}
