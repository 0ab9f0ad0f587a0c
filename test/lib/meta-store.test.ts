/**
 * The meta store: migrations applied when a warehouse opens for writing and recorded once, a
 * warehouse made by earlier code taken over (its quality history moved into meta, status words
 * made one set), a changed released migration refused, and typed queries through the DuckDB dialect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptRunId, isRunId, metaDb, migrate, newRunId, partRunId } from '../../lib/meta-store/index.ts';
import { MIGRATIONS } from '../../lib/meta-store/migrations/index.ts';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';

const dir = mkdtempSync(join(tmpdir(), 'csdl-meta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the meta store', () => {
  it('applies every migration when a warehouse is opened for writing, once', async () => {
    const path = join(dir, 'fresh.duckdb');
    const wh = await openWarehouse(path, { memoryLimit: '256MB' });
    const conn = await wh.connect();
    const applied = await queryRows<{ version: number }>(conn, 'select version from meta.schema_migrations order by version');
    expect(applied.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.migration.version));
    expect(await migrate(conn)).toEqual([]);
    const tables = await queryRows<{ t: string }>(conn, `select table_name as t from duckdb_tables() where schema_name = 'meta' order by 1`);
    expect(tables.map((r) => r.t)).toEqual(
      expect.arrayContaining([
        'accounts',
        'audit_log',
        'job_runs',
        'etl_runs',
        'transform_runs',
        'quality_runs',
        'quality_failures',
        'approval_actions',
        'approved_versions',
        'frozen_indicator_values',
        'frozen_form_cells',
        'frozen_quality_scores',
        'export_runs',
        'consumers',
        'consumer_keys',
        'deliveries',
        'schedules',
      ]),
    );
    conn.closeSync();
    wh.close();
  });

  it('takes over a warehouse made by earlier code: quality history moved into meta, one set of status words', async () => {
    const path = join(dir, 'legacy.duckdb');
    const raw = await DuckDBInstance.create(path);
    const c = await raw.connect();
    await c.run(`create schema meta; create schema quality_history;
      create table meta.transform_runs (run_id varchar primary key, started_at timestamptz not null, finished_at timestamptz, status varchar not null,
        selection varchar, provinces varchar, models_built integer, models_failed integer, models_skipped integer, tests_passed integer, tests_failed integer, error varchar);
      insert into meta.transform_runs (run_id, started_at, status) values ('20261201T000000000Z-abcdef', now(), 'success'), ('20261202T000000000Z-abcdef', now(), 'running');
      create table quality_history.rule_results (period varchar not null, unit_code varchar not null, rule_id varchar not null, checked bigint not null, failed bigint not null, run_id varchar not null);
      insert into quality_history.rule_results values ('2025-DN', 'T1', 'HS-X', 10, 2, 'dq-1');`);
    c.closeSync();
    raw.closeSync();

    const wh = await openWarehouse(path, { memoryLimit: '256MB' });
    const conn = await wh.connect();
    expect(await queryRows(conn, `select status from meta.transform_runs order by run_id`)).toEqual([{ status: 'succeeded' }, { status: 'interrupted' }]);
    expect(await queryRows(conn, `select unit_code, checked::int as checked from meta.quality_rule_results`)).toEqual([{ unit_code: 'T1', checked: 10 }]);
    expect(await queryRows(conn, `select 1 from duckdb_schemas() where schema_name = 'quality_history'`)).toEqual([]);
    conn.closeSync();
    wh.close();
  });

  it('keeps the failure samples of earlier runs when the history starts keeping every failing record (0004)', async () => {
    const path = join(dir, 'samples.duckdb');
    const raw = await DuckDBInstance.create(path);
    const c = await raw.connect();
    await c.run(`create schema quality_history;
      create table quality_history.rule_catalog (run_id varchar, rule_id varchar, dimension varchar, family varchar, level varchar,
        table_name varchar, field varchar, description_vi varchar, description_en varchar, weight double, thresholds map(varchar, double), rule_sql varchar);
      insert into quality_history.rule_catalog values ('dq-1', 'HS-FMT-ngay_sinh', 'validity', 'format', 'record', 'hoc_sinh', 'ngay_sinh', 'x', 'x', 1, null, 'select 1');
      create table quality_history.failures (period varchar, unit_code varchar, rule_id varchar, record_key varchar, record_id bigint,
        pseudonym varchar, detail varchar, run_id varchar);
      insert into quality_history.failures values ('2025-DN', 'T1', 'HS-FMT-ngay_sinh', 'hoc_sinh:42', 42, 'abc', 'ngay_sinh: dd/mm/yyyy', 'dq-1');`);
    c.closeSync();
    raw.closeSync();
    const wh = await openWarehouse(path, { memoryLimit: '256MB' });
    const conn = await wh.connect();
    expect(await queryRows(conn, `select unit_code, rule_id, record_kind, record_id::int as record_id, fields, detail from meta.quality_failures`)).toEqual([
      { unit_code: 'T1', rule_id: 'HS-FMT-ngay_sinh', record_kind: 'hoc_sinh', record_id: 42, fields: 'ngay_sinh', detail: 'ngay_sinh: dd/mm/yyyy' },
    ]);
    const columns = await queryRows<{ c: string }>(
      conn,
      `select column_name as c from information_schema.columns where table_schema = 'meta' and table_name = 'quality_rule_catalog'`,
    );
    expect(columns.map((r) => r.c)).not.toContain('weight');
    conn.closeSync();
    wh.close();
  });

  it('refuses a released migration whose file changed since it was applied', async () => {
    const path = join(dir, 'edited.duckdb');
    const wh = await openWarehouse(path, { memoryLimit: '256MB' });
    const conn = await wh.connect();
    await conn.run(`update meta.schema_migrations set checksum = 'something-else' where version = 1`);
    await expect(migrate(conn)).rejects.toMatchObject({ code: 'MIGRATION_EDITED' });
    await conn.run(`insert into meta.schema_migrations (version, name, checksum) values (9999, 'from-the-future', 'x')`);
    conn.closeSync();
    wh.close();
    await expect(openWarehouse(path, { memoryLimit: '256MB' })).rejects.toMatchObject({ code: 'WAREHOUSE_NEWER' });
  });

  it('runs typed queries through the DuckDB dialect, with transactions', async () => {
    const wh = await openWarehouse(join(dir, 'typed.duckdb'), { memoryLimit: '256MB' });
    const conn = await wh.connect();
    const db = metaDb(conn);
    const runId = newRunId(new Date('2026-12-04T17:00:00Z'));
    await db
      .insertInto('meta.job_runs')
      .values({ run_id: runId, trigger: 'manual', requested_by: null, started_at: new Date('2026-12-04T17:00:00Z'), status: 'running' })
      .execute();
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.updateTable('meta.job_runs').set({ status: 'failed' }).where('run_id', '=', runId).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const row = await db
      .selectFrom('meta.job_runs')
      .select(['run_id', 'status', 'attempts', 'started_at'])
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ run_id: runId, status: 'running', attempts: 0 });
    expect(row.started_at).toMatch(/^2026-12-04 17:00:00/);
    const updated = await db.updateTable('meta.job_runs').set({ status: 'succeeded' }).where('run_id', '=', runId).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(1);
    conn.closeSync();
    wh.close();
  });

  it('makes one run-id format, with attempts and parts beside it', () => {
    const id = newRunId(new Date('2026-12-04T17:00:00.123Z'));
    expect(id).toMatch(/^run-20261204T170000Z-[0-9a-f]{6}$/);
    expect(attemptRunId(id, 1)).toBe(id);
    expect(attemptRunId(id, 2)).toBe(`${id}.2`);
    expect(isRunId(partRunId(id, 'quality-inputs'))).toBe(true);
    expect(isRunId('etl-20261204T170000Z-1a2b')).toBe(false);
  });
});
