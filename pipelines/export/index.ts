/**
 * The export stage: packages of an approved version (the Ministry's report workbooks, indicator
 * values, form cells and quality scores as CSV, Parquet, Arrow IPC, JSON and SDMX-CSV, and a
 * manifest), written atomically and byte-identical for the same version (README.md).
 */
export { exportPackage, EXPORT_FORMATS, RECIPIENTS, type ExportFormat, type Recipient, type Manifest } from './export-package.ts';
