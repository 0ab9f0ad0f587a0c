/**
 * runEtl against a real PostgreSQL: full and incremental loads, change detection, publish, merge.
 * @module-tag slow
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { ReconciliationError } from '../../lib/errors.ts';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { runEtl, type EtlRunSummary } from '../../pipelines/ingest/run-etl.ts';
import { stableNextXid } from '../../pipelines/ingest/changes/xmin-diff.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { expectWarehouseEqualsSource, pseudonym, seedRows, testConfig, sourceClient } from './etl-support.ts';

const table = (s: EtlRunSummary, name: string) => s.tables.find((t) => t.table === name)!;

async function warehouseQuery<T>(config: Config, sql: string): Promise<T[]> {
  const wh = await openWarehouse(config.warehousePath, { readOnly: true });
  const conn = await wh.connect();
  try {
    return await queryRows<T>(conn, sql);
  } finally {
    conn.closeSync();
    wh.close();
  }
}

describe.each(['xmin', 'keys'] as const)('runEtl (%s change detection): full and incremental loads equal the source snapshot', (detection) => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 60);
    config = testConfig(src.url, { CSDL_ETL_CHANGE_DETECTION: detection });
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('loads every table in full on the first run, with counts and checksums equal to the source', async () => {
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(s.kind).toBe('full');
    expect(table(s, 'hoc_sinh')).toMatchObject({ mode: 'full', rowsRead: 60, inserted: 60, rowCount: 60 });
    expect(s.tables.some((t) => t.table === 'dm_dan_toc')).toBe(true);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('moves only what changed on the next run', async () => {
    await db.query(`update csdl.hoc_sinh set trang_thai = 2 where id <= 5`);
    await seedRows(db, 1001, 3);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(s.kind).toBe('incremental');
    // by horizon, no key is read when nothing was deleted; by keys, every key
    expect(table(s, 'hoc_sinh')).toMatchObject({
      mode: 'incremental',
      changeDetection: detection,
      keysRead: detection === 'xmin' ? 0 : 63,
      rowsRead: 8,
      updated: 5,
      inserted: 3,
      deleted: 0,
      rowCount: 63,
    });
    expect(table(s, 'can_bo')).toMatchObject({ mode: 'incremental', rowsRead: 3, inserted: 3, updated: 0 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('keeps rows that share the last watermark value', async () => {
    const before = await runEtl({ config, sourceUrl: src.url });
    const watermark = table(before, 'lop_hoc').watermark!;
    // Written after the run with exactly the watermark it recorded: `updated_at > watermark` would miss it.
    await db.query(`insert into csdl.lop_hoc (id, ma_lop_hoc, ma_truong_hoc, nam_hoc, created_at, updated_at) values (2001, 'L2001', 'T1', 2024, $1, $1)`, [
      watermark,
    ]);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'lop_hoc')).toMatchObject({ inserted: 1, watermark });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('keeps rows whose transaction committed after a run although their updated_at is older', async () => {
    const late = new pg.Client({ connectionString: src.url });
    await late.connect();
    try {
      await late.query('begin');
      await late.query(`update csdl.hoc_sinh set trang_thai = 9 where id = 20`);
      await late.query(`insert into csdl.hoc_sinh (id, ma_hoc_sinh, ma_truong_hoc, nam_hoc) values (3001, 'HS3001', 'T1', 2024)`);
      await db.query(`update csdl.hoc_sinh set trang_thai = 3 where id = 21`); // commits now: a newer watermark
      const during = await runEtl({ config, sourceUrl: src.url });
      expect(table(during, 'hoc_sinh')).toMatchObject({ updated: 1, inserted: 0 });
      await late.query('commit');
    } finally {
      await late.end();
    }
    const [{ older }] = (
      await db.query(`select (select updated_at from csdl.hoc_sinh where id = 20) < (select updated_at from csdl.hoc_sinh where id = 21) as older`)
    ).rows;
    expect(older).toBe(true);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'hoc_sinh')).toMatchObject({ updated: 1, inserted: 1 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('keeps soft-deleted rows with deleted_at set and removes hard-deleted rows', async () => {
    await db.query(`update csdl.can_bo set deleted_at = now() where id = 4`);
    await db.query(`delete from csdl.can_bo where id = 5`);
    await db.query(`delete from csdl.phong_hoc where id between 10 and 12`);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'can_bo')).toMatchObject({ updated: 1, deleted: 1 });
    expect(table(s, 'phong_hoc')).toMatchObject({ deleted: 3, rowsRead: 0 });
    const rows = await warehouseQuery<{ id: string; soft: boolean }>(config, `select id, deleted_at is not null as soft from raw.can_bo where id in (4, 5)`);
    expect(rows).toEqual([{ id: '4', soft: true }]);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('follows an update of the id and of a natural key', async () => {
    await db.query(`update csdl.hoc_sinh set id = 5000 where id = 7`);
    await db.query(`update csdl.hoc_sinh set ma_hoc_sinh = 'HS-NEW-8' where id = 8`);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'hoc_sinh')).toMatchObject({ inserted: 1, updated: 1, deleted: 1 });
    const rows = await warehouseQuery<{ id: string; ma_hoc_sinh: string }>(
      config,
      `select id, ma_hoc_sinh from raw.hoc_sinh where id in (7, 8, 5000) order by id`,
    );
    expect(rows).toEqual([
      { id: '8', ma_hoc_sinh: pseudonym('HS-NEW-8') },
      { id: '5000', ma_hoc_sinh: pseudonym('HS7') },
    ]);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('skips unchanged code lists, reloads a changed one and drops one that left the source', async () => {
    await db.query(`insert into csdl.dm_dan_toc (ma, ten) values ('99', 'Dân tộc thử nghiệm')`);
    await db.query(`drop table csdl.dm_tiet_hoc`);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'dm_dan_toc')).toMatchObject({ mode: 'full', inserted: 1, deleted: 0 });
    expect(table(s, 'dm_gioi_tinh')).toMatchObject({ mode: 'incremental', rowsRead: 0 });
    expect(s.tables.some((t) => t.table === 'dm_tiet_hoc')).toBe(false);
    const views = await warehouseQuery(config, `select view_name from duckdb_views() where schema_name = 'raw' and view_name = 'dm_tiet_hoc'`);
    expect(views).toEqual([]);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('reloads a table in full when its warehouse columns no longer match the contract', async () => {
    const wh = await openWarehouse(config.warehousePath);
    const conn = await wh.connect();
    await conn.run('alter table raw_store.phong_hoc drop column dien_tich');
    conn.closeSync();
    wh.close();
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(s.kind).toBe('incremental');
    expect(table(s, 'phong_hoc').mode).toBe('full');
    expect(table(s, 'hoc_sinh').mode).toBe('incremental');
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('reloads everything with --full and stamps every row with the run id', async () => {
    const s = await runEtl({ config, sourceUrl: src.url, full: true });
    expect(s.kind).toBe('full');
    expect(s.tables.every((t) => t.mode === 'full')).toBe(true);
    const stamps = await warehouseQuery<{ run: string }>(config, `select distinct _run_id as run from raw.hoc_sinh`);
    expect(stamps).toEqual([{ run: s.runId }]);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('fails reconciliation on a warehouse that no longer matches the source, changes nothing, and --full repairs it', async () => {
    const wh = await openWarehouse(config.warehousePath);
    const conn = await wh.connect();
    await conn.run('insert into raw_store.can_bo select * from raw_store.can_bo where id = 2'); // a duplicate the diff cannot see
    conn.closeSync();
    wh.close();
    await db.query(`update csdl.hoc_sinh set trang_thai = 4 where id = 30`);
    const err = await runEtl({ config, sourceUrl: src.url }).catch((e) => e);
    expect(err).toBeInstanceOf(ReconciliationError);
    expect(err.message).toMatch(/raw\.can_bo không khớp với ảnh chụp nguồn \(nguồn số dòng=([\d.]+) .*; kho số dòng=([\d.]+) /);
    const [{ n }] = await warehouseQuery<{ n: string }>(config, `select trang_thai::varchar as n from raw.hoc_sinh where id = 30`);
    expect(n).not.toBe('4'); // rolled back: the hoc_sinh change of the failed run is not visible
    const repaired = await runEtl({ config, sourceUrl: src.url, full: true });
    expect(repaired.kind).toBe('full');
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('records every run and table run, and leaves no staging behind', async () => {
    const runs = await warehouseQuery<{ status: string; n: string }>(
      config,
      `select status, count(*)::varchar as n from meta.etl_runs group by status order by status`,
    );
    expect(runs).toEqual([
      { status: 'failed', n: '1' },
      { status: 'succeeded', n: '12' },
    ]);
    const leftovers = await warehouseQuery(
      config,
      `select schema_name, table_name from duckdb_tables() where schema_name in ('stage', 'raw') or ends_with(table_name, '__next')`,
    );
    expect(leftovers).toEqual([]);
    const tableRuns = await warehouseQuery<{ n: string }>(
      config,
      `select count(distinct run_id)::varchar as n from meta.etl_table_runs where table_name = 'hoc_sinh'`,
    );
    expect(tableRuns).toEqual([{ n: '12' }]);
  });
});

describe('runEtl: change detection by transaction horizon', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  const setLastHorizon = async (xmin: string, xmax: string) => {
    const wh = await openWarehouse(config.warehousePath);
    const conn = await wh.connect();
    await conn.run(
      `update meta.etl_runs set source_xmin = $1, source_xmax = $2 where run_id = (select run_id from meta.etl_runs where status = 'succeeded' order by started_at desc limit 1)`,
      [xmin, xmax],
    );
    conn.closeSync();
    wh.close();
  };
  const sourceHorizon = async () =>
    (
      await db.query<{ xmin: string; xmax: string }>(
        'select txid_snapshot_xmin(s)::text as xmin, txid_snapshot_xmax(s)::text as xmax from txid_current_snapshot() s',
      )
    ).rows[0];
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 40);
    config = testConfig(src.url);
    await runEtl({ config, sourceUrl: src.url });
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it("reads a session's next transaction id once per transaction, whatever commits meanwhile", async () => {
    const reader = await sourceClient(src.url);
    try {
      await reader.query('begin isolation level repeatable read, read only');
      const first = await stableNextXid(reader);
      for (let i = 0; i < 3; i++) await db.query('select txid_current()');
      expect(await stableNextXid(reader)).toBe(first);
      await reader.query('commit');
      expect(await stableNextXid(reader)).toBeGreaterThan(first);
    } finally {
      await reader.end();
    }
  });

  it('records the snapshot horizon of every run and reads by it on the next', async () => {
    const [run] = await warehouseQuery<{ xmin: string; xmax: string }>(
      config,
      `select source_xmin as xmin, source_xmax as xmax from meta.etl_runs order by started_at desc limit 1`,
    );
    expect(BigInt(run.xmin)).toBeGreaterThan(0n);
    expect(BigInt(run.xmax)).toBeGreaterThanOrEqual(BigInt(run.xmin));
    await db.query(`update csdl.hoc_sinh set trang_thai = 2 where id = 3`);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'hoc_sinh')).toMatchObject({ changeDetection: 'xmin', rowsRead: 1, keysRead: 0, updated: 1 });
    expect(table(s, 'can_bo')).toMatchObject({ changeDetection: 'xmin', rowsRead: 0, keysRead: 0 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('reads only the keys of the id blocks that lost rows', async () => {
    await db.query(`insert into csdl.hoc_sinh (id, ma_hoc_sinh, ma_truong_hoc, nam_hoc) values (100000, 'HS100000', 'T1', 2024)`);
    await db.query(`delete from csdl.hoc_sinh where id = 100000`);
    await db.query(`delete from csdl.hoc_sinh where id = 10`);
    const s = await runEtl({ config, sourceUrl: src.url });
    // ids 1..40 are one block: its keys (39 now) are read, no other
    expect(table(s, 'hoc_sinh')).toMatchObject({ changeDetection: 'xmin', deleted: 1, keysRead: 39, inserted: 0 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('falls back to reading every key when the horizon result disagrees with the snapshot', async () => {
    await db.query(`update csdl.hoc_sinh set trang_thai = 5 where id = 11`);
    // pretend the last run saw this update already: the horizon now hides it, the figures do not
    const now = await sourceHorizon();
    await setLastHorizon(now.xmax, now.xmax);
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'hoc_sinh')).toMatchObject({ changeDetection: 'keys', updated: 1 });
    expect(table(s, 'can_bo')).toMatchObject({ changeDetection: 'xmin' });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('reads every key when the source transaction counter went back (a source restored from a dump)', async () => {
    await db.query(`update csdl.can_bo set nam_hoc = nam_hoc where id = 2`);
    await setLastHorizon('9000000000000', '9000000000001');
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'can_bo')).toMatchObject({ changeDetection: 'keys', updated: 1 });
    expect(table(s, 'hoc_sinh')).toMatchObject({ changeDetection: 'keys', keysRead: 39 });
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });
});

describe('runEtl: a table loaded in many batches', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  // DuckDB's row groups hold 122.880 rows; ROWS_PER_RANGE is 100.000, so the table is read in six ranges
  const rows = 600_000;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await db.query(`insert into csdl.phong_hoc (id, ma_phong, ma_truong_hoc, nam_hoc, loai_cong_trinh, dien_tich)
      select g, 'P' || g, 'T' || (g % 97), 2024, '01', (g % 60)::text from generate_series(1, ${rows}) g`);
    await db.query('analyze csdl.phong_hoc');
    config = testConfig(src.url);
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('stages all batches in one transaction, so that only the last row group is part full', async () => {
    const s = await runEtl({ config, sourceUrl: src.url });
    expect(table(s, 'phong_hoc')).toMatchObject({ mode: 'full', rowsRead: rows, rowCount: rows });
    // committed range by range (or batch by batch), each would end in a part-full row group, which
    // DuckDB's checkpoints later merge at great cost
    const groups = await warehouseQuery<{ n: number }>(
      config,
      `select max(count)::integer as n from pragma_storage_info('raw_store.phong_hoc') where column_id = 0 group by row_group_id`,
    );
    expect(groups.length).toBe(Math.ceil(rows / 122_880));
    expect(groups.filter((g) => g.n < 122_880).length).toBe(1);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });
});
