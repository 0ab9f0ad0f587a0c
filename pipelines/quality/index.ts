/**
 * The quality stage: the rule catalogue evaluated over the warehouse, scores and ranks per unit
 * and period, failing record keys. What later stages and the entry points may use of it.
 */
export { runQuality, QualityError } from './run-quality.ts';
export { formatQualitySummary } from './quality-report.ts';
export { DEFAULT_SAMPLE_SIZE } from './rule.ts';
