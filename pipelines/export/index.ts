/**
 * The export stage: packages of an approved version (the Ministry's report workbooks, indicator
 * values, form cells and quality scores as CSV, Parquet, Arrow IPC, JSON and SDMX-CSV, and a
 * manifest), written atomically and byte-identical for the same version (README.md).
 */
export {
  exportPackage,
  EXPORT_FORMATS,
  RECIPIENTS,
  MANIFEST_SCHEMA_VERSION,
  type ExportFormat,
  type Recipient,
  type Manifest,
  type ExportResult,
} from './export-package.ts';
export { ExportError } from './export-errors.ts';
export { writeFormWorkbook, cellKey } from './xlsx-writer.ts';
