/**
 * The ingest stage: the operational CSDL (PostgreSQL, read only) into the warehouse's `raw`
 * schema, in one consistent snapshot, pseudonymised at once, published atomically and reconciled
 * (README.md beside this file). What later stages and the entry points may use of it.
 */
export { runEtl } from './run-etl.ts';
export { formatSummary, formatStatus, progressPrinter } from './etl-report.ts';
export { SOURCE_TABLES } from './contract/tables.ts';
export { contractOf } from './contract/contract.ts';
export { LEGACY_TEXT_PATTERN, WELL_FORMED_PATTERNS, withoutOfficialNames } from './contract/flags.ts';
