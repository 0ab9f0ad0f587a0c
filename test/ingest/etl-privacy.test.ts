/**
 * No personal value of the source reaches the warehouse, the temporary files or the logs.
 * @module-tag slow
 */
import pg from 'pg';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { ident, literal, openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { startTestSource, type TestSource } from '../support/source.ts';
import { PERSONAL, pseudonym, seedRows, testConfig, sourceClient } from './etl-support.ts';

describe('personal data and the warehouse', () => {
  let src: TestSource;
  let db: pg.Client;
  let config: Config;
  beforeAll(async () => {
    src = await startTestSource();
    db = await sourceClient(src.url);
    await seedRows(db, 1, 30);
    config = testConfig(src.url);
    await runEtl({ config, sourceUrl: src.url });
    // The personal row changes, so its values also travel through the incremental path.
    await db.query(`update csdl.hoc_sinh set ho_ten_bo = $1, que_quan = $2 where id = 1`, [PERSONAL.principal, PERSONAL.address]);
    await db.query(`update csdl.can_bo set ho_ten_vo_chong = $1 where id = 1`, [PERSONAL.mother]);
    await runEtl({ config, sourceUrl: src.url });
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  it('holds no personal value in any column of any table or view', async () => {
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const conn = await wh.connect();
    try {
      const columns = await queryRows<{ schema_name: string; table_name: string; column_name: string }>(
        conn,
        `select schema_name, table_name, column_name from duckdb_columns() where database_name = current_database() and not internal
         union all
         select v.schema_name, v.view_name, c.column_name from duckdb_views() v, information_schema.columns c
          where not v.internal and c.table_schema = v.schema_name and c.table_name = v.view_name`,
      );
      expect(columns.length).toBeGreaterThan(500);
      const values = Object.values(PERSONAL);
      const byTable = new Map<string, string[]>();
      for (const c of columns) {
        const key = `${ident(c.schema_name)}.${ident(c.table_name)}`;
        byTable.set(key, [...(byTable.get(key) ?? []), c.column_name]);
      }
      const scan = async (needles: string[]) => {
        const found: string[] = [];
        for (const [table, cols] of byTable) {
          const tests = cols.flatMap((c) => needles.map((v) => `contains(${ident(c)}::varchar, ${literal(v)})`));
          const [r] = await queryRows<{ n: string }>(conn, `select count(*)::varchar as n from ${table} where ${tests.join(' or ')}`);
          if (r.n !== '0') found.push(`${table}: ${r.n} rows`);
        }
        return found;
      };
      expect(await scan(values)).toEqual([]);
      // Control: the same scan does find a non-personal value the source holds.
      expect((await scan(['Trường "Hoa" Sen'])).sort()).toEqual(['"raw"."truong_hoc": 7 rows', '"raw_store"."truong_hoc": 7 rows']);
    } finally {
      conn.closeSync();
      wh.close();
    }
  });

  it('leaves no personal bytes in the warehouse files and no extracted file on disk', () => {
    for (const file of [config.warehousePath, `${config.warehousePath}.wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      for (const v of Object.values(PERSONAL)) expect(bytes.includes(Buffer.from(v, 'utf8')), `${v} in ${file}`).toBe(false);
    }
    expect(existsSync(config.tmpDir) ? readdirSync(config.tmpDir) : []).toEqual([]);
  });

  it('keeps keyed pseudonyms that still link learners, staff and classes, and the flags of personal fields', async () => {
    const wh = await openWarehouse(config.warehousePath, { readOnly: true });
    const conn = await wh.connect();
    try {
      const [hs] = await queryRows<Record<string, unknown>>(
        conn,
        `select ma_hoc_sinh, ma_cong_dan, ho_ten__present, ho_ten__nfc, ho_ten__legacy, ho_ten__well_formed,
                so_dien_thoai_me__well_formed, ma_cong_dan__well_formed, email__well_formed, so_cmnd__well_formed, ngay_sinh_me__present
           from raw.hoc_sinh where id = 1`,
      );
      expect(hs).toEqual({
        ma_hoc_sinh: pseudonym(PERSONAL.learnerKey),
        ma_cong_dan: pseudonym(PERSONAL.citizenId),
        ho_ten__present: true,
        ho_ten__nfc: true,
        ho_ten__legacy: false,
        ho_ten__well_formed: true,
        so_dien_thoai_me__well_formed: true,
        ma_cong_dan__well_formed: true,
        email__well_formed: true,
        so_cmnd__well_formed: true,
        ngay_sinh_me__present: false,
      });
      const legacy = await queryRows<{ n: string }>(conn, `select count(*)::varchar as n from raw.hoc_sinh where ho_ten__legacy`);
      expect(Number(legacy[0].n)).toBeGreaterThan(0);
      const link = await queryRows(conn, `select l.id from raw.lop_hoc l join raw.can_bo c on c.ma_can_bo = l.ma_gvcn_dn where l.id = 1`);
      expect(link).toEqual([{ id: '1' }]);
    } finally {
      conn.closeSync();
      wh.close();
    }
  });
});
