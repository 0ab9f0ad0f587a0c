/**
 * The shape of a data-quality rule. A rule is data: the engine turns it into SQL, evaluates it
 * in DuckDB over the whole population at once, and never loops over records in JavaScript.
 *
 * Two kinds of evaluation share one contract, so scores treat them alike:
 *   record rules  the rule names a population (a set of records, one row each, with the school
 *                 it belongs to) and a boolean `fails` expression over its columns; `applies`
 *                 narrows the records checked (a conditional field is checked only where its
 *                 condition holds);
 *   query rules   the rule brings its own `select` returning one row per checked unit (or
 *                 per checked record, when the check needs joins), with the columns of QueryRule.
 * Every failing record is kept with the fields at fault and an explanation in Vietnamese that a
 * school reads when it fixes the record.
 */

/** DAMA dimensions used for scores; accuracy proxies (totals, jumps, outliers) are consistency. */
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * Weights of the record kinds (the tables whose records the rules check) in a unit's scores,
 * summing to 1. A score is the share of a kind's records with no failure, weighted over the kinds
 * checked at the unit (re-normalised when a kind is absent, as a school without satellite sites).
 * The school's own record (truong_hoc) also stands for the unit-level checks (reporting,
 * timeliness, totals, jumps). Stated here and published as quality.dq_record_kind_weights so that
 * a reader of a score can redo the arithmetic.
 */
export const RECORD_KIND_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  hoc_sinh: 0.5,
  can_bo: 0.2,
  lop_hoc: 0.1,
  truong_hoc: 0.1,
  phong_hoc: 0.04,
  diem_truong: 0.03,
  hoc_sinh_trang_thai: 0.03,
});

/** Rule families, each with its SQL in models/quality/rules/<family>.sql; used for reports and for the defect-kind map. */
export type Family =
  | 'required'
  | 'conditional'
  | 'code_list'
  | 'date'
  | 'age'
  | 'format'
  | 'duplicate'
  | 'total'
  | 'class_size'
  | 'grade_level'
  | 'status_date'
  | 'reporting'
  | 'currency'
  | 'jump'
  | 'outlier'
  | 'uniformity';

/** Fields every rule has, whatever its kind. */
type RuleBase = {
  /** Stable id, e.g. 'HS-REQ-ma_dan_toc', 'HS-DUP-ACTIVE'. */
  id: string;
  dimension: Dimension;
  family: Family;
  /** 'record': one check per record; 'unit': one check per school (unit) and period. */
  level: 'record' | 'unit';
  /** Vietnamese description, full diacritics: what a school reads when it must fix data. */
  vi: string;
  en: string;
  /** The warehouse table whose records are checked (`raw.<table>`), or 'truong_hoc' for units. */
  table: string;
  /** The field concerned, when there is one. */
  field?: string;
  /** Numeric parameters the SQL uses (jump ratio, z-score limit, ages); stored with the rule. */
  thresholds?: Record<string, number>;
};

/** A rule over a named population (see populations.ts), fused with its siblings in one scan. */
export type RecordRule = RuleBase & {
  kind: 'population';
  population: string;
  /** Boolean SQL over the population's columns: true when the record fails. */
  fails: string;
  /** Boolean SQL: true when the record is checked at all (default: every record). */
  applies?: string;
  /** SQL text: why the record failed, in Vietnamese, without personal values. */
  detail: string;
  /** SQL text: the fields at fault, comma-separated column names (default: the rule's field). */
  fields?: string;
};

/**
 * A rule with its own select: columns period, unit_code, record_key, record_id, failed, fields,
 * detail, related_record_id, related_unit - one row per checked record; `fields` (the columns at
 * fault) and `detail` (why, in Vietnamese) are built for failing records only; a record that
 * repeats another names it (`related_record_id`, of the same table) and its school.
 */
export type QueryRule = RuleBase & {
  kind: 'query';
  sql: string;
};

export type Rule = RecordRule | QueryRule;
