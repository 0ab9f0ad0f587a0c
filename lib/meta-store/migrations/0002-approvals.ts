/**
 * Sign-off per period and unit (duyệt số liệu) and the export record:
 * - meta.approval_actions: every action, append-only (approve, unapprove, mark_not_reporting,
 *   unmark_not_reporting, and refused approvals with the reason), with who, when and a comment;
 * - meta.approved_versions: one row per frozen version (its id, content hash, unit, period, what
 *   it consolidates), written once when an approval freezes it;
 * - meta.frozen_indicator_values, meta.frozen_form_cells, meta.frozen_quality_scores: the content
 *   of each version, copied from the published tables at approval and never changed after;
 * - meta.export_runs: every export package written (from the CLI or the server), with its files.
 */
import type { Migration } from '../migration.ts';

const TABLES = `
create table if not exists meta.approval_actions (
    action_id varchar primary key,
    period varchar not null,
    unit_key varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    action varchar not null,
    version_id varchar,
    account_id varchar not null,
    account_name varchar,
    comment varchar,
    detail varchar,
    acted_at timestamptz not null
);
create table if not exists meta.approved_versions (
    version_id varchar primary key,
    period varchar not null,
    unit_key varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    unit_name varchar,
    content_hash varchar not null,
    indicator_rows bigint not null,
    form_rows bigint not null,
    quality_rows bigint not null,
    consolidates varchar[] not null,
    transform_run_id varchar,
    quality_run_id varchar,
    created_at timestamptz not null,
    created_by varchar not null
);
create table if not exists meta.frozen_indicator_values (
    version_id varchar not null,
    geography varchar not null,
    unit_key varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    unit_name varchar,
    parent_key varchar,
    indicator varchar not null,
    breakdown varchar not null,
    dimension varchar not null,
    numerator bigint,
    denominator bigint,
    value double
);
create table if not exists meta.frozen_form_cells (
    version_id varchar not null,
    unit_key varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    unit_name varchar,
    parent_key varchar,
    form varchar not null,
    sheet varchar not null,
    ma_so usmallint not null,
    col_no usmallint not null,
    value bigint not null
);
create table if not exists meta.frozen_quality_scores (
    version_id varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    unit_name varchar,
    parent_code varchar,
    dimension varchar not null,
    score double,
    checked bigint,
    failed bigint,
    rank bigint,
    ranked_units bigint,
    rank_in_parent bigint,
    parent_ranked_units bigint,
    previous_score double,
    score_change double
);
create table if not exists meta.export_runs (
    export_id varchar primary key,
    period varchar not null,
    unit_key varchar not null,
    version_id varchar not null,
    recipient varchar not null,
    formats varchar[] not null,
    path varchar,
    files json,
    requested_by varchar,
    via varchar not null,
    status varchar not null,
    error varchar,
    started_at timestamptz not null,
    finished_at timestamptz
);
`;

export const migration: Migration = {
  version: 2,
  name: 'approvals',
  async up(conn) {
    await conn.run(TABLES);
  },
};
