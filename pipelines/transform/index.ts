/**
 * The transform stage: the SQL models of `models/` built in dependency order, with their sidecar
 * tests (models/README.md). What later stages and the entry points may use of it.
 */
export { runTransform } from './run-transform.ts';
export { markInterrupted as markInterruptedTransforms } from './run-records.ts';
export { formatTransformSummary } from './transform-report.ts';
export { type DeadlineConfig } from './transform-inputs.ts';
export { discoverModels } from './discover-models.ts';
export { loadIndicatorCatalog } from './indicator-catalog.ts';
export { columnsMatchSidecar, relationColumns } from './model-tests.ts';
