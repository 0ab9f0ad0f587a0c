/**
 * The durable tables as Kysely sees them (schema `meta`; migrations/ creates them). Timestamps
 * are read as ISO text and written as Date or ISO text; counts are numbers.
 */
import type { ColumnType, Generated } from 'kysely';
import type { RunStatusWord } from './run-id.ts';

/** A timestamp column: read as text, written as Date or text. */
type Timestamp = ColumnType<string, Date | string, Date | string>;
/** A timestamp with a default (optional on insert). */
type TimestampDefault = ColumnType<string, Date | string | undefined, Date | string>;

export interface AccountsTable {
  account_id: string;
  name: string;
  kind: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  key_hash: string;
  key_prefix: string;
  created_at: TimestampDefault;
  created_by: string | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  accessed_at: Timestamp;
  account_id: string | null;
  account_kind: string | null;
  unit_key: string | null;
  method: string;
  path: string;
  query: string | null;
  format: string | null;
  status: number;
  rows_returned: number | null;
  ms: number | null;
  error_code: string | null;
  /** What an admin action did (e.g. the unit and kind of an account created), as JSON text. */
  detail: string | null;
}

export interface JobRunsTable {
  run_id: string;
  trigger: string;
  requested_by: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: RunStatusWord;
  step: string | null;
  attempts: Generated<number>;
  error: string | null;
}

export interface EtlRunsTable {
  run_id: string;
  kind: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: RunStatusWord;
  error: string | null;
  snapshot_id: string | null;
  source_url_redacted: string | null;
  source_xmin: string | null;
  source_xmax: string | null;
}

export interface EtlTableRunsTable {
  run_id: string;
  table_name: string;
  mode: string;
  rows_read: number;
  keys_read: number;
  inserted: number;
  updated: number;
  deleted: number;
  row_count: number;
  watermark: Timestamp | null;
  seconds: number;
  content_md5: string | null;
  change_detection: string | null;
}

export interface TransformRunsTable {
  run_id: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: RunStatusWord;
  selection: string | null;
  provinces: string | null;
  models_built: number | null;
  models_failed: number | null;
  models_skipped: number | null;
  tests_passed: number | null;
  tests_failed: number | null;
  error: string | null;
}

export interface ModelRunsTable {
  run_id: string;
  model: string;
  materialized: string;
  mode: string | null;
  /** succeeded, failed or skipped. */
  status: string;
  rows: number | null;
  seconds: number | null;
  error: string | null;
  finished_at: TimestampDefault;
}

export interface TestResultsTable {
  run_id: string;
  model: string;
  test: string;
  /** pass, fail or error (a test's outcome, not a run's). */
  status: string;
  failures: number;
  sample_keys: string | null;
  message: string | null;
  seconds: number | null;
}

export interface QualityRunsTable {
  run_id: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  periods: string[];
  rules: number;
  records_checked: number | null;
  /** Failing records kept per rule and school by runs that kept a sample; null since every failing record is kept. */
  sample_size: number | null;
  status: RunStatusWord;
  error: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: TimestampDefault;
}

/** Every durable table Kysely queries. */
export interface MetaDatabase {
  'meta.schema_migrations': SchemaMigrationsTable;
  'meta.accounts': AccountsTable;
  'meta.audit_log': AuditLogTable;
  'meta.job_runs': JobRunsTable;
  'meta.etl_runs': EtlRunsTable;
  'meta.etl_table_runs': EtlTableRunsTable;
  'meta.transform_runs': TransformRunsTable;
  'meta.model_runs': ModelRunsTable;
  'meta.test_results': TestResultsTable;
  'meta.quality_runs': QualityRunsTable;
}
