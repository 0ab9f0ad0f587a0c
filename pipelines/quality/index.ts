/**
 * The quality stage: the rule catalogue evaluated over the warehouse, scores, bands and ranks per
 * unit and period, every failing record. What later stages and the entry points may use of it.
 */
export { runQuality, QualityError } from './run-quality.ts';
export { formatQualitySummary } from './quality-report.ts';
