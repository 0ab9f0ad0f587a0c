/**
 * What a version holds, as SQL: the indicator values, form cells and quality scores of a unit's
 * subtree in a period, read from the published tables (current figures) or from the frozen
 * tables (a version). Both sides have the same columns in the same order, so a version can be
 * compared with the current figures and hashed the same way.
 *
 * Subtree: a province and every unit in it as the units stood in the period ('as_reported'); the
 * nation and its provinces (the nation's version consolidates the provinces' own versions, which
 * hold the rest).
 */
import { literal } from '../../lib/warehouse.ts';
import type { ApprovalUnit } from './approval-target.ts';

/** The three parts of a version, their frozen table, key columns and value columns. */
export const PARTS = {
  indicators: {
    table: 'meta.frozen_indicator_values',
    columns: [
      'geography',
      'unit_key',
      'unit_code',
      'unit_level',
      'unit_name',
      'parent_key',
      'indicator',
      'breakdown',
      'dimension',
      'numerator',
      'denominator',
      'value',
    ],
    key: ['unit_key', 'indicator', 'breakdown'],
    values: ['numerator', 'denominator', 'value'],
    unit: 'unit_key',
  },
  forms: {
    table: 'meta.frozen_form_cells',
    columns: ['unit_key', 'unit_code', 'unit_level', 'unit_name', 'parent_key', 'form', 'sheet', 'ma_so', 'col_no', 'value'],
    key: ['unit_key', 'form', 'sheet', 'ma_so', 'col_no'],
    values: ['value'],
    unit: 'unit_key',
  },
  quality: {
    table: 'meta.frozen_quality_scores',
    columns: [
      'unit_code',
      'unit_level',
      'unit_name',
      'parent_code',
      'dimension',
      'score',
      'checked',
      'failed',
      'rank',
      'ranked_units',
      'rank_in_parent',
      'parent_ranked_units',
      'previous_score',
      'score_change',
    ],
    key: ['unit_level', 'unit_code', 'dimension'],
    values: ['score', 'checked', 'failed'],
    unit: 'unit_code',
  },
} as const;

export type PartName = keyof typeof PARTS;
export const PART_NAMES = Object.keys(PARTS) as PartName[];

/** Units of the subtree as of the period: (unit_key, parent_key). */
function subtreeUnits(unit: ApprovalUnit): string {
  const key = literal(unit.unit_key);
  return unit.unit_level === 'nation'
    ? `select unit_key, parent_key from core.dim_units where unit_key = ${key} or unit_level = 'province'`
    : `select unit_key, parent_key from core.dim_units where unit_key = ${key} or province_key = ${key}`;
}

/** The current figures of one part for `unit`'s subtree in `period`, in the frozen table's columns. */
export function currentPartSql(part: PartName, period: string, unit: ApprovalUnit): string {
  const p = literal(period);
  if (part === 'indicators') {
    return `select v.geography, v.unit_key, v.unit_code, v.unit_level, v.unit_name, u.parent_key,
        v.indicator, v.breakdown, v.dimension, v.numerator, v.denominator, v.value
      from indicators.indicator_values as v
      join (${subtreeUnits(unit)}) as u on u.unit_key = v.unit_key
      where v.period = ${p} and v.geography = 'as_reported'`;
  }
  if (part === 'forms') {
    return `select v.unit_key, d.unit_code, d.unit_level, d.unit_name, d.parent_key,
        v.form, v.sheet, v.ma_so, v.col_no, v.value
      from forms.form_values as v
      join (${subtreeUnits(unit)}) as u on u.unit_key = v.unit_key
      join core.dim_units as d on d.unit_key = v.unit_key
      where v.period = ${p} and v.geography = 'as_reported'`;
  }
  const code = literal(unit.unit_code);
  const scope =
    unit.unit_level === 'nation'
      ? `s.unit_level in ('nation', 'province')`
      : `((s.unit_level = 'province' and s.unit_code = ${code}) or (s.unit_level not in ('nation', 'province') and s.province_code = ${code}))`;
  return `select s.unit_code, s.unit_level, s.unit_name, s.parent_code, s.dimension, s.score, s.checked, s.failed,
      s.rank, s.ranked_units, s.rank_in_parent, s.parent_ranked_units, s.previous_score, s.score_change
    from quality.dq_unit_scores as s
    where s.period = ${p} and ${scope}`;
}

/** One part of a frozen version, in the same columns. */
export function frozenPartSql(part: PartName, versionId: string): string {
  const spec = PARTS[part];
  return `select ${spec.columns.join(', ')} from ${spec.table} where version_id = ${literal(versionId)}`;
}

/**
 * SQL giving one digest per unit of a part's rows (`unit`, `digest`, `rows`): the MD5 of the rows
 * as text in key order. The content hash combines them in unit order, so no single string holds
 * a whole province.
 */
export function partDigestSql(part: PartName, rowsSql: string): string {
  const spec = PARTS[part];
  const text = spec.columns.map((c) => `coalesce(cast(${c} as varchar), '\\N')`).join(` || chr(31) || `);
  return `select ${spec.unit} as unit, md5(string_agg(${text}, chr(10) order by ${[...spec.key, ...spec.columns].join(', ')})) as digest, count(*) as rows
    from (${rowsSql}) group by 1`;
}
