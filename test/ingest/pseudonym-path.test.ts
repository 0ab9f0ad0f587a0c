/**
 * The pseudonyms a load writes are the ones earlier loads wrote: HMAC-SHA256 under the secret of
 * the source value's UTF-8 bytes, first 32 hex characters, as the DuckDB macro computes it, for
 * values that test every step of the path (COPY's CSV quoting, the pipe, DuckDB's CSV reading):
 * Unicode in both normal forms, spaces, the empty string, quotes, commas, newlines, 4-byte
 * characters, a long value.
 * @module-tag slow
 */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { installPseudonymMacro } from '../../pipelines/ingest/warehouse/pseudonym.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { pseudonym, SECRET, seedRows, sourceClient, testConfig } from './etl-support.ts';

const TRICKY = [
  'Nguyễn Thị Hồng', // NFC
  'Nguyễn Thị Hồng'.normalize('NFD'),
  '  HS 0001  ',
  '',
  'a,"b"\nc',
  '"',
  '\r\n',
  '\t',
  'HS😀0001',
  'ĐĂNG-KÝ/#01',
  'k'.repeat(1000),
];

describe('pseudonyms written by a load', () => {
  let src: TestSource;
  let db: pg.Client;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, TRICKY.length);
    for (const [i, v] of TRICKY.entries()) {
      await db.query(`update csdl.hoc_sinh set ma_hoc_sinh = $1, ma_cong_dan = $2 where id = $3`, [v, `${v}|cccd`, i + 1]);
      await db.query(`update csdl.can_bo set ma_can_bo = $1 where id = $2`, [v, i + 1]);
    }
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('are HMAC-SHA256 of the UTF-8 bytes, equal to the DuckDB macro, for awkward values', async () => {
    const config = testConfig(src.url);
    await runEtl({ config, sourceUrl: src.url });
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const conn = await wh.connect();
    const learners = await queryRows<{ ma_hoc_sinh: string; ma_cong_dan: string }>(
      conn,
      `select ma_hoc_sinh, ma_cong_dan from raw.hoc_sinh where id <= ${TRICKY.length} order by id`,
    );
    const staff = await queryRows<{ ma_can_bo: string }>(conn, `select ma_can_bo from raw.can_bo where id <= ${TRICKY.length} order by id`);
    conn.closeSync();
    wh.close();

    const memory = await DuckDBInstance.create(':memory:');
    const macro = await memory.connect();
    await installPseudonymMacro(macro, SECRET);
    const byMacro = await queryRows<{ p: string }>(
      macro,
      `select csdl_pseudonym(v) as p from (values ${TRICKY.map((v, i) => `(${literal(v)}, ${i})`).join(', ')}) t(v, i) order by i`,
    );
    macro.closeSync();
    memory.closeSync();

    expect(learners.map((r) => r.ma_hoc_sinh)).toEqual(TRICKY.map((v) => pseudonym(v)));
    expect(learners.map((r) => r.ma_cong_dan)).toEqual(TRICKY.map((v) => pseudonym(`${v}|cccd`)));
    expect(staff.map((r) => r.ma_can_bo)).toEqual(TRICKY.map((v) => pseudonym(v)));
    expect(byMacro.map((r) => r.p)).toEqual(TRICKY.map((v) => pseudonym(v)));
    // the two normal forms are different bytes, hence different pseudonyms (no normalisation on the way)
    expect(learners[0].ma_hoc_sinh).not.toBe(learners[1].ma_hoc_sinh);
  });
});
