/**
 * The ETL's errors against a real PostgreSQL: unreachable, schema drift, a killed source; transient or terminal.
 * @module-tag slow
 */
import pg from 'pg';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { LockHeldError, SchemaDriftError, SourceUnavailableError } from '../../lib/errors.ts';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { openSnapshot } from '../../pipelines/ingest/source/snapshot.ts';
import { EtlAlreadyRunningError, runEtl } from '../../pipelines/ingest/run-etl.ts';
import { freePort, startTestSource, type TestSource } from '../support/source.ts';
import { seedRows, testConfig, sourceClient } from './etl-support.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

async function lastRun(config: Config): Promise<{ status: string; error: string | null }> {
  const wh = await openWarehouse(config.warehousePath, { readOnly: true });
  const conn = await wh.connect();
  try {
    const [r] = await queryRows<{ status: string; error: string | null }>(conn, `select status, error from meta.etl_runs order by started_at desc limit 1`);
    return r;
  } finally {
    conn.closeSync();
    wh.close();
  }
}

describe('runEtl errors and safety', () => {
  let src: TestSource;
  let db: pg.Client;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 20);
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('fails with a transient SourceUnavailableError naming the host when the source is unreachable', async () => {
    const config = testConfig(src.url);
    const url = `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/csdl`;
    const err = await runEtl({ config, sourceUrl: url }).catch((e) => e);
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.transient).toBe(true);
    expect(err.message).toContain('127.0.0.1');
    expect(err.message).not.toContain('hunter2');
    expect(await lastRun(config)).toMatchObject({ status: 'failed' });
  });

  it('fails with a transient LockHeldError while another process holds the warehouse', async () => {
    const config = testConfig(src.url);
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(config.warehousePath)}).then(() => { console.log('ready'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      const err = await runEtl({ config, sourceUrl: src.url }).catch((e) => e);
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err.transient).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('refuses a second run on the same warehouse while one is in progress in the process', async () => {
    const config = testConfig(src.url);
    const results = await Promise.allSettled([runEtl({ config, sourceUrl: src.url }), runEtl({ config, sourceUrl: src.url })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(EtlAlreadyRunningError);
  });

  it('reads through read-only sessions in one snapshot, and needs no more than SELECT on the source', async () => {
    const snap = await openSnapshot(src.url, 2, 'test-run');
    try {
      for (const c of [snap.coordinator, ...snap.workers]) {
        expect((await c.query('show transaction_read_only')).rows[0].transaction_read_only).toBe('on');
        expect((await c.query('show transaction_isolation')).rows[0].transaction_isolation).toBe('repeatable read');
      }
      const write = await snap.workers[0].query('create temp table t (x int)').catch((e) => e);
      expect(write.code).toBe('25006'); // read_only_sql_transaction
    } finally {
      await snap.close();
    }
    await db.query(`create role etl_reader login password 'reader'`);
    await db.query(`grant usage on schema csdl to etl_reader; grant select on all tables in schema csdl to etl_reader`);
    const readerUrl = src.url.replace('postgres:postgres@', 'etl_reader:reader@');
    const config = testConfig(readerUrl);
    const summary = await runEtl({ config, sourceUrl: readerUrl });
    expect(summary.tables.find((t) => t.table === 'hoc_sinh')?.rowCount).toBe(20);
  });

  it('stops with a terminal SchemaDriftError naming each missing or retyped column, leaving the warehouse as it was', async () => {
    const config = testConfig(src.url);
    const first = await runEtl({ config, sourceUrl: src.url });
    await db.query(`alter table csdl.can_bo drop column he_so`);
    await db.query(`alter table csdl.lop_hoc alter column si_so type text`);
    const err = await runEtl({ config, sourceUrl: src.url }).catch((e) => e);
    expect(err).toBeInstanceOf(SchemaDriftError);
    expect(err.transient).toBe(false);
    expect(err.message).toContain('Cấu trúc nguồn khác với hợp đồng trích xuất');
    expect(err.message).toContain('csdl.can_bo.he_so: nguồn không có (missing), cần decimal(5,2)');
    expect(err.message).toContain('csdl.lop_hoc.si_so: cần integer, nguồn có text');
    expect(await lastRun(config)).toMatchObject({ status: 'failed' });
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const conn = await wh.connect();
    const runs = await queryRows<{ run_id: string }>(conn, `select distinct _run_id as run_id from raw.lop_hoc`);
    conn.closeSync();
    wh.close();
    expect(runs).toEqual([{ run_id: first.runId }]);
  });
});
