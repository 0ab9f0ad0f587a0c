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

/** What happened to a unit's figures for a period (append-only). */
export type ApprovalActionWord = 'approve' | 'unapprove' | 'mark_not_reporting' | 'unmark_not_reporting' | 'approve_refused';

export interface ApprovalActionsTable {
  action_id: string;
  period: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  action: ApprovalActionWord;
  /** The version an approval froze (or re-used, when the figures had not changed). */
  version_id: string | null;
  account_id: string;
  account_name: string | null;
  comment: string | null;
  /** What a refusal named (failing gate rules, provinces not yet approved), as JSON text. */
  detail: string | null;
  acted_at: Timestamp;
}

export interface ApprovedVersionsTable {
  version_id: string;
  period: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  /** SHA-256 of the frozen rows in their canonical order (pipelines/approval/content-hash.ts). */
  content_hash: string;
  indicator_rows: number;
  form_rows: number;
  quality_rows: number;
  /** The nation's version: the provinces' versions it consolidates; empty for a province. */
  consolidates: string[];
  transform_run_id: string | null;
  quality_run_id: string | null;
  created_at: Timestamp;
  created_by: string;
}

/** A version's indicator values (indicators.indicator_values of the unit's subtree, as reported). */
export interface FrozenIndicatorValuesTable {
  version_id: string;
  geography: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  parent_key: string | null;
  indicator: string;
  breakdown: string;
  dimension: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
}

/** A version's form cells (forms.form_values of the unit's subtree; zero cells are not stored). */
export interface FrozenFormCellsTable {
  version_id: string;
  unit_key: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  parent_key: string | null;
  form: string;
  sheet: string;
  ma_so: number;
  col_no: number;
  value: number;
}

/** A version's quality scores (quality.dq_unit_scores of the unit's subtree). */
export interface FrozenQualityScoresTable {
  version_id: string;
  unit_code: string;
  unit_level: string;
  unit_name: string | null;
  parent_code: string | null;
  dimension: string;
  score: number | null;
  checked: number | null;
  failed: number | null;
  rank: number | null;
  ranked_units: number | null;
  rank_in_parent: number | null;
  parent_ranked_units: number | null;
  previous_score: number | null;
  score_change: number | null;
}

export interface ExportRunsTable {
  export_id: string;
  period: string;
  unit_key: string;
  version_id: string;
  /** ministry, hierarchy (exact figures) or outside (small cells suppressed). */
  recipient: string;
  formats: string[];
  path: string | null;
  /** The manifest's file list (name, rows, bytes, sha256), as JSON text. */
  files: string | null;
  requested_by: string | null;
  /** cli, api or delivery. */
  via: string;
  status: RunStatusWord;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export type ConsumerState = 'requested' | 'approved' | 'suspended' | 'expired';
export type ConsumerMethod = 'push' | 'folder' | 'pull';
export type ConsumerFigures = 'exact' | 'suppressed';

/** A registered reporting system (migration 0005). */
export interface ConsumersTable {
  consumer_id: string;
  name: string;
  owner_org: string;
  contact: string;
  purpose: string;
  /** What the exchange costs and who bears it, as registered (free text). */
  cost: string | null;
  legal_basis_number: string;
  /** YYYY-MM-DD. */
  legal_basis_date: string;
  /** The unit whose subtree it may receive: a province or the nation. */
  scope_unit_key: string;
  scope_unit_code: string;
  scope_unit_level: string;
  scope_unit_name: string | null;
  /** The package's formats (pipelines/export). */
  formats: ColumnType<string[], unknown, unknown>;
  /** exact: the Ministry's package; suppressed: the outside recipients' package. */
  figures: ConsumerFigures;
  /** Whether it may receive figures not yet approved (a package marked provisional). */
  provisional: boolean;
  method: ConsumerMethod;
  /** The HTTPS endpoint of a push, or the folder of a drop; null for a pull. */
  endpoint: string | null;
  /** The shared secret of a push, sealed by lib/secret-box.ts. */
  secret_sealed: string | null;
  /** Its own cron schedule; null: delivered after each pipeline run. */
  schedule: string | null;
  state: ConsumerState;
  requested_by: string | null;
  created_at: Timestamp;
  approved_by: string | null;
  approved_by_name: string | null;
  approved_unit: string | null;
  approved_at: Timestamp | null;
  /** YYYY-MM-DD, the last day the approval holds. */
  approved_until: string | null;
  state_changed_at: Timestamp | null;
  state_changed_by: string | null;
  state_reason: string | null;
}

/** The `system` account that pulls for a consumer. */
export interface ConsumerKeysTable {
  account_id: string;
  consumer_id: string;
  created_at: Timestamp;
}

export type DeliveryState = 'pending' | 'sending' | 'accepted' | 'failed';

export interface DeliveriesTable {
  delivery_id: string;
  consumer_id: string;
  /** The pipeline run that produced it (null: on request or a pull). */
  run_id: string | null;
  version_id: string;
  period: string;
  unit_key: string;
  package_id: string;
  provisional: boolean;
  kind: ConsumerMethod;
  state: DeliveryState;
  /** `<version id>.<consumer id>`: the same for every retry and resumption. */
  idempotency_key: string;
  attempts: number;
  rows: number | null;
  bytes: number | null;
  sha256: string | null;
  receipt_status: number | null;
  receipt_id: string | null;
  error: string | null;
  requested_by: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface SchedulesTable {
  name: string;
  cron: string;
  timezone: string;
  last_tick_at: Timestamp | null;
  last_run_id: string | null;
  updated_at: Timestamp;
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
  'meta.approval_actions': ApprovalActionsTable;
  'meta.approved_versions': ApprovedVersionsTable;
  'meta.export_runs': ExportRunsTable;
  'meta.frozen_indicator_values': FrozenIndicatorValuesTable;
  'meta.frozen_form_cells': FrozenFormCellsTable;
  'meta.frozen_quality_scores': FrozenQualityScoresTable;
  'meta.consumers': ConsumersTable;
  'meta.consumer_keys': ConsumerKeysTable;
  'meta.deliveries': DeliveriesTable;
  'meta.schedules': SchedulesTable;
}
