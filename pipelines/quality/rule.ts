/**
 * The shape of a data-quality rule. A rule is data: the engine turns it into SQL, evaluates it
 * in DuckDB over the whole population at once, and never loops over records in JavaScript.
 *
 * Two kinds of evaluation share one contract, so scores treat them alike:
 *   record rules  the rule names a population (a set of records, one row each, with the school
 *                 it belongs to) and a boolean `fails` expression over its columns; `applies`
 *                 narrows the records checked (a conditional field is checked only where its
 *                 condition holds);
 *   unit rules    the rule brings its own `select` returning one row per checked unit (or
 *                 per checked record, when the check needs joins), with the columns
 *                 (period, unit_code, record_key, failed, detail).
 */

/** DAMA dimensions used for scores; accuracy proxies (totals, jumps, outliers) are consistency. */
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * Weights of the dimensions in the overall score (they sum to 1). Stated here and published as
 * quality.dq_dimension_weights so that a reader of a score can redo the arithmetic.
 */
export const DIMENSION_WEIGHTS: Readonly<Record<Dimension, number>> = Object.freeze({
  completeness: 0.25,
  validity: 0.25,
  uniqueness: 0.15,
  consistency: 0.2,
  timeliness: 0.15,
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
  /** Weight of the rule inside its dimension (default 1). */
  weight: number;
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
  /** SQL text describing why a record failed, without personal values (default: the field). */
  detail?: string;
};

/**
 * A rule with its own select: columns period, unit_code, record_key, record_id, pseudonym,
 * failed, detail - one row per checked record; `detail` is built for failing records only.
 */
export type QueryRule = RuleBase & {
  kind: 'query';
  sql: string;
};

export type Rule = RecordRule | QueryRule;

/** Defaults for optional parameters. */
export const DEFAULT_SAMPLE_SIZE = 20;
