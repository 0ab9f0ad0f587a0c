/**
 * The registry of reporting systems that receive the warehouse's packages, and what they received:
 * - meta.consumers: one row per registered system (owner, contact, purpose, cost, legal basis,
 *   data scope, method, schedule, its sealed shared secret, its state and who approved it until when);
 * - meta.consumer_keys: which `system` account (meta.accounts) pulls for which consumer; a link
 *   table rather than a column of meta.accounts, so no released table is altered;
 * - meta.deliveries: every push, folder drop and pull, with its idempotency key, attempts, size
 *   and the receiver's receipt;
 * - meta.schedules: each cron schedule's last tick, so that a schedule missed while the server was
 *   down runs once at start-up.
 * Number 3 was never released; the migrator orders by the list in index.ts, not by a gapless count.
 */
import type { Migration } from '../migration.ts';

export const migration: Migration = {
  version: 5,
  name: 'consumers-deliveries',
  async up(conn) {
    await conn.run(`
      create table meta.consumers (
          consumer_id varchar primary key,
          name varchar not null,
          owner_org varchar not null,
          contact varchar not null,
          purpose varchar not null,
          cost varchar,
          legal_basis_number varchar not null,
          legal_basis_date varchar not null,
          scope_unit_key varchar not null,
          scope_unit_code varchar not null,
          scope_unit_level varchar not null,
          scope_unit_name varchar,
          formats varchar[] not null,
          figures varchar not null,
          provisional boolean not null,
          method varchar not null,
          endpoint varchar,
          secret_sealed varchar,
          schedule varchar,
          state varchar not null,
          requested_by varchar,
          created_at timestamptz not null,
          approved_by varchar,
          approved_by_name varchar,
          approved_unit varchar,
          approved_at timestamptz,
          approved_until varchar,
          state_changed_at timestamptz,
          state_changed_by varchar,
          state_reason varchar
      );
      create table meta.consumer_keys (
          account_id varchar primary key,
          consumer_id varchar not null,
          created_at timestamptz not null
      );
      create table meta.deliveries (
          delivery_id varchar primary key,
          consumer_id varchar not null,
          run_id varchar,
          version_id varchar not null,
          period varchar not null,
          unit_key varchar not null,
          package_id varchar not null,
          provisional boolean not null,
          kind varchar not null,
          state varchar not null,
          idempotency_key varchar not null,
          attempts integer not null,
          rows bigint,
          bytes bigint,
          sha256 varchar,
          receipt_status integer,
          receipt_id varchar,
          error varchar,
          requested_by varchar,
          created_at timestamptz not null,
          started_at timestamptz,
          finished_at timestamptz
      );
      create table meta.schedules (
          name varchar primary key,
          cron varchar not null,
          timezone varchar not null,
          last_tick_at timestamptz,
          last_run_id varchar,
          updated_at timestamptz not null
      );
    `);
  },
};
