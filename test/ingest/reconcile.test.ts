/**
 * The publish's reconciliation of the warehouse against the source snapshot.
 * @module-tag slow
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedContracts } from '../../pipelines/ingest/contract/contract.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { compareFigures, sourceFigures } from '../../pipelines/ingest/warehouse/reconcile.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { sourceClient, testConfig } from './etl-support.ts';

describe('reconciliation figures', () => {
  let src: TestSource;
  let db: pg.Client;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await db.query(`alter table csdl.phong_hoc disable trigger touch`);
    await db.query(`insert into csdl.phong_hoc (id, ma_phong, ma_truong_hoc, nam_hoc, updated_at) values
      (1, 'P1', 'T1', 2024, '1969-12-31 23:59:59.5+00'),
      (2, 'P2', 'T1', 2024, '2025-01-02 03:04:05.123456+07'),
      (3, 'P3', 'T1', 2024, '1900-01-01 00:00:00.000001+00'),
      (9007199254740993, 'P4', 'T1', 2024, null)`);
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('sums updated_at exactly in both SQL forms (before and from PostgreSQL 14), pre-1970 and NULL included', async () => {
    const phong = listedContracts().find((c) => c.name === 'phong_hoc')!;
    await db.query(`set timezone = 'UTC'`);
    const numeric = await sourceFigures(db, phong, true);
    const split = await sourceFigures(db, phong, false);
    expect(numeric).toEqual(split);
    const expected = [Date.UTC(1969, 11, 31, 23, 59, 59) * 1000 + 500_000, Date.UTC(2025, 0, 1, 20, 4, 5) * 1000 + 123_456, Date.UTC(1900, 0, 1) * 1000 + 1];
    expect(BigInt(numeric.updatedSum)).toBe(expected.reduce((a, b) => a + BigInt(b), 0n));
    expect(numeric).toMatchObject({ rows: '4', idSum: String(1n + 2n + 3n + 9007199254740993n), watermark: '2025-01-01 20:04:05.123456+00' });
    // read from the indexes on id and updated_at, or from the table where the source has no such index
    await db.query('begin');
    try {
      await db.query('drop index csdl.phong_hoc_updated_at_idx');
      expect(await sourceFigures(db, phong, true)).toEqual(numeric);
    } finally {
      await db.query('rollback');
    }
  });

  it('lets a run through when the warehouse agrees, and names both figures when it does not', async () => {
    const summary = await runEtl({ config: testConfig(src.url), sourceUrl: src.url });
    expect(summary.tables.find((t) => t.table === 'phong_hoc')?.rowCount).toBe(4);
    const err = compareFigures('etl-x', 'phong_hoc', { rows: '4', idSum: '6', updatedSum: '10' }, { rows: '4', idSum: '6', updatedSum: '11' });
    expect(err?.message).toContain(
      'raw.phong_hoc không khớp với ảnh chụp nguồn (nguồn số dòng=4 sum(id)=6 sum(updated_at µs)=10; kho số dòng=4 sum(id)=6 sum(updated_at µs)=11)',
    );
    expect(compareFigures('etl-x', 'phong_hoc', { rows: '4', idSum: '6', updatedSum: '10' }, { rows: '4', idSum: '6', updatedSum: '10' })).toBeNull();
  });
});
