/**
 * The durable tables as they stood when the meta store took them over. On a warehouse made by
 * earlier code, tables that exist are kept and completed (columns added later), the quality
 * history moves from schema `quality_history` into `meta`, and the run records take the one set
 * of status words (running, succeeded, failed, interrupted).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Migration } from '../migration.ts';

const TABLES = `
create table if not exists meta.accounts (
    account_id varchar primary key,
    name varchar not null,
    kind varchar not null,
    unit_key varchar not null,
    unit_code varchar not null,
    unit_level varchar not null,
    unit_name varchar,
    key_hash varchar not null unique,
    key_prefix varchar not null,
    created_at timestamptz not null default current_timestamp,
    created_by varchar,
    revoked_at timestamptz
);
create table if not exists meta.audit_log (
    accessed_at timestamptz not null,
    account_id varchar,
    account_kind varchar,
    unit_key varchar,
    method varchar not null,
    path varchar not null,
    query varchar,
    format varchar,
    status integer not null,
    rows_returned bigint,
    ms double,
    error_code varchar
);
alter table meta.audit_log add column if not exists detail varchar;
create table if not exists meta.job_runs (
    run_id varchar primary key,
    trigger varchar not null,
    requested_by varchar,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    step varchar,
    attempts integer not null default 0,
    error varchar
);
-- the steps record under the run's own id now; the ETL's separate id is gone
alter table meta.job_runs drop column if exists etl_run_id;
create table if not exists meta.etl_runs (
    run_id varchar primary key,
    kind varchar not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    error varchar,
    snapshot_id varchar,
    source_url_redacted varchar
);
alter table meta.etl_runs add column if not exists source_xmin varchar;
alter table meta.etl_runs add column if not exists source_xmax varchar;
create table if not exists meta.etl_table_runs (
    run_id varchar not null,
    table_name varchar not null,
    mode varchar not null,
    rows_read bigint not null,
    keys_read bigint not null,
    inserted bigint not null,
    updated bigint not null,
    deleted bigint not null,
    row_count bigint not null,
    watermark timestamptz,
    seconds double not null,
    primary key (run_id, table_name)
);
alter table meta.etl_table_runs add column if not exists content_md5 varchar;
alter table meta.etl_table_runs add column if not exists change_detection varchar;
create table if not exists meta.transform_runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    selection varchar,
    provinces varchar,
    models_built integer,
    models_failed integer,
    models_skipped integer,
    tests_passed integer,
    tests_failed integer,
    error varchar
);
create table if not exists meta.model_runs (
    run_id varchar not null,
    model varchar not null,
    materialized varchar not null,
    mode varchar,
    status varchar not null,
    rows bigint,
    seconds double,
    error varchar,
    finished_at timestamptz not null default current_timestamp
);
create table if not exists meta.test_results (
    run_id varchar not null,
    model varchar not null,
    test varchar not null,
    status varchar not null,
    failures bigint not null,
    sample_keys json,
    message varchar,
    seconds double
);
create table if not exists meta.quality_runs (
    run_id varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    periods varchar[] not null,
    rules integer not null,
    records_checked bigint,
    sample_size integer not null,
    status varchar not null,
    error varchar
);
create table if not exists meta.quality_rule_catalog (
    run_id varchar not null,
    rule_id varchar not null,
    dimension varchar not null,
    family varchar not null,
    level varchar not null,
    table_name varchar not null,
    field varchar,
    description_vi varchar not null,
    description_en varchar not null,
    weight double not null,
    thresholds map(varchar, double),
    rule_sql varchar not null
);
create table if not exists meta.quality_dimension_weights (
    run_id varchar not null,
    dimension varchar not null,
    weight double not null
);
create table if not exists meta.quality_rule_results (
    period varchar not null,
    unit_code varchar not null,
    rule_id varchar not null,
    checked bigint not null,
    failed bigint not null,
    run_id varchar not null
);
create table if not exists meta.quality_failures (
    period varchar not null,
    unit_code varchar not null,
    rule_id varchar not null,
    record_key varchar not null,
    record_id bigint,
    pseudonym varchar,
    detail varchar,
    run_id varchar not null
);
`;

const LEGACY_QUALITY = ['runs', 'rule_catalog', 'dimension_weights', 'rule_results', 'failures'];

async function exists(conn: DuckDBConnection, schema: string, table: string): Promise<boolean> {
  const reader = await conn.runAndReadAll(`select 1 from duckdb_tables() where schema_name = $1 and table_name = $2`, [schema, table]);
  return reader.getRows().length > 0;
}

export const migration: Migration = {
  version: 1,
  name: 'baseline',
  async up(conn) {
    await conn.run(TABLES);
    for (const t of LEGACY_QUALITY) {
      if (await exists(conn, 'quality_history', t)) await conn.run(`insert into meta.quality_${t} select * from quality_history.${t}`);
    }
    await conn.run(`drop schema if exists quality_history cascade`);
    await conn.run(`
      update meta.job_runs set status = 'succeeded' where status = 'success';
      update meta.transform_runs set status = 'succeeded' where status = 'success';
      update meta.transform_runs set status = 'interrupted', finished_at = current_timestamp where status = 'running';
      update meta.model_runs set status = case status when 'success' then 'succeeded' when 'error' then 'failed' else status end;
      update meta.etl_runs set status = 'interrupted' where status = 'failed' and error like 'interrupted:%';`);
  },
};
