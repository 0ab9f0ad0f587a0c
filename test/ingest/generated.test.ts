/**
 * The ETL on a generated preset: the warehouse equals the source, personal data kept out.
 * @module-tag slow
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { generate } from '../../sample/generate/generate.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { expectWarehouseEqualsSource, sourceClient, testConfig } from './etl-support.ts';

describe('runEtl on a generated source (tiny preset, with its injected defects)', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    db = await sourceClient(src.url);
    await generate({ url: src.url, preset: 'tiny', seed: 7 });
    config = testConfig(src.url);
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('loads the whole source exactly, malformed values included', async () => {
    const s = await runEtl({ config, sourceUrl: src.url });
    const { rows } = await db.query(`select count(*)::int as n from csdl.hoc_sinh`);
    expect(s.tables.find((t) => t.table === 'hoc_sinh')?.rowCount).toBe(rows[0].n);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });

  it('follows 1 % of updates, some deletes and new rows incrementally', async () => {
    await db.query(`update csdl.hoc_sinh set trang_thai = trang_thai where id % 100 = 3`);
    await db.query(`update csdl.can_bo set deleted_at = now() where id % 100 = 5`);
    await db.query(`delete from csdl.hoc_sinh_trang_thai where id % 97 = 0`);
    await db.query(`insert into csdl.lop_hoc (id, ma_lop_hoc, ma_truong_hoc, nam_hoc) select max(id) + 1, 'L-NEW', 'T-NEW', 2025 from csdl.lop_hoc`);
    const s = await runEtl({ config, sourceUrl: src.url });
    const hs = s.tables.find((t) => t.table === 'hoc_sinh')!;
    expect(hs.mode).toBe('incremental');
    expect(hs.updated).toBeGreaterThan(0);
    expect(hs.rowsRead).toBeLessThan(hs.rowCount / 10);
    expect(s.tables.find((t) => t.table === 'hoc_sinh_trang_thai')!.deleted).toBeGreaterThan(0);
    await expectWarehouseEqualsSource(src.url, config.warehousePath);
  });
});
