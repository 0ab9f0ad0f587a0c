/**
 * The SQL models of models/quality, run by the shared model runner (pipelines/transform) in two
 * stages: the inputs adapt the core model (periods, the unit tree of each period) and run before
 * the rules; the outputs turn the durable quality history (meta.quality_*) into the published
 * roll-ups, scores, bands, ranks and failing records, for every period the history holds.
 */

/**
 * Inputs read by the rules and the scores. The core model binding the configured deadlines to
 * each period's provinces is rebuilt too (a small table): a quality run judges timeliness by the
 * deadlines it is given, even when the last transform ran with others.
 */
export const INPUT_MODELS = ['core.dim_period_deadlines', 'dq_periods', 'dq_units'] as const;

/** Outputs, from the quality history (meta.quality_*) and the inputs (the runner orders them by their references). */
export const OUTPUT_MODELS = [
  'dq_rule_catalog',
  'dq_record_kind_weights',
  'dq_score_bands',
  'dq_unit_closure',
  'dq_rule_results',
  'dq_unit_records',
  'dq_unit_scores',
  'dq_failures',
  'league_scores',
] as const;
