/**
 * Durable state of the server, in schema `meta` of the warehouse file (which the pipelines
 * never drop, unlike the rebuildable marts):
 * - meta.accounts    one row per account: its unit (subtree), kind, and the SHA-256 of its key;
 * - meta.audit_log   one row per data access or export (never a personal value: none exists);
 * (meta.job_runs, the run history, belongs to the scheduler: pipelines/jobs/job-runs.ts.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';

const DDL = `
create schema if not exists meta;
create table if not exists meta.accounts (
    account_id varchar primary key,
    name varchar not null,
    kind varchar not null check (kind in ('admin', 'exploit')),
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
`;

/** Creates the meta tables when missing; never touches existing rows. */
export async function ensureMetaSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(DDL);
}
