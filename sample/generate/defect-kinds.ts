/**
 * The defect kinds the generator injects, one family per data-quality rule, with their default
 * rates (per eligible record unless stated; multiplied by --defect-rate).
 */
export const DEFECT_KINDS = [
  'missing_required',
  'missing_conditional',
  'invalid_code',
  'impossible_date',
  'implausible_age',
  'malformed_value',
  'duplicate_active_learner',
  'duplicate_staff',
  'declared_total_mismatch',
  'class_size_mismatch',
  'grade_outside_level',
  'status_date_conflict',
  'late_unit',
  'missing_unit',
  'period_jump',
  'outlier_value',
  'legacy_encoding',
  'unicode_nfd',
  'malformed_contact',
] as const;

/** One defect family. */
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** Default rates: per eligible record, per school-year (declared totals, late, missing, outlier) or per school (jump). */
export const DEFECT_RATES: Record<DefectKind, number> = {
  missing_required: 0.002,
  missing_conditional: 0.05,
  invalid_code: 0.0015,
  impossible_date: 0.001,
  implausible_age: 0.001,
  malformed_value: 0.0015,
  duplicate_active_learner: 0.001,
  duplicate_staff: 0.003,
  declared_total_mismatch: 0.03,
  class_size_mismatch: 0.005,
  grade_outside_level: 0.001,
  status_date_conflict: 0.03,
  late_unit: 0.03,
  missing_unit: 0.01,
  period_jump: 0.01,
  outlier_value: 0.01,
  legacy_encoding: 0.002,
  unicode_nfd: 0.002,
  malformed_contact: 0.003,
};
