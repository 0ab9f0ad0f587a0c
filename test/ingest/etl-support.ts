/**
 * Shared pieces of the ETL tests: a config pointing at a test source and a temporary warehouse,
 * hand-made source rows (with awkward values and distinctive personal data), and the full
 * comparison of the warehouse with the source: same keys, same values, no duplicates.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openWarehouse } from '../../lib/warehouse.ts';
import { selectSql, type TableContract } from '../../pipelines/ingest/contract/contract.ts';
import { checkSourceSchema } from '../../pipelines/ingest/contract/schema-check.ts';
import { SESSION_SETTINGS } from '../../pipelines/ingest/source/snapshot.ts';

export const SECRET = 'test-secret-for-the-etl-0123456789';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A config for `sourceUrl` with a fresh warehouse and temp dir (removed when the test process exits). */
export function testConfig(sourceUrl: string, extra: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-etl-test-'));
  made.push(dir);
  return loadConfig({
    CSDL_DATABASE_URL: sourceUrl,
    WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
    CSDL_TMP_DIR: join(dir, 'tmp'),
    CSDL_PSEUDONYM_SECRET: SECRET,
    CSDL_ETL_PARALLELISM: '2',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

/**
 * A client on the test source that tolerates the server's shutdown at the end of a file (an idle
 * pooled client of test/support's `query` can receive FATAL 57P01 with no error listener).
 */
export async function sourceClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** HMAC pseudonym as the ETL must compute it. */
export function pseudonym(value: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex').slice(0, 32);
}

/** Distinctive personal values: none of them may ever be found in the warehouse. */
export const PERSONAL = {
  name: 'Quảng Thị Zyxwvu',
  mother: 'Phạm Thị Qwertyuiop',
  phone: '0912345987',
  citizenId: '079123456789',
  cmnd: '987654321',
  email: 'zyxwvu.secret@example.vn',
  address: 'Số 77 Ngõ Bí Mật, Phường Độc Nhất',
  learnerKey: 'HS-SECRET-KEY-0001',
  staffKey: 'CB-SECRET-KEY-0001',
  principal: 'Hiệu Trưởng Xylophone',
};

/**
 * Inserts `n` rows into every id-keyed source table with ids from `from`, with awkward values:
 * quotes, commas, newlines, empty strings, NULLs, a BC date, Vietnamese text, legacy encodings.
 */
export async function seedRows(db: { query(sql: string): Promise<unknown> }, from: number, n: number): Promise<void> {
  const to = from + n - 1;
  const series = `generate_series(${from}, ${to}) g`;
  await db.query(`insert into csdl.truong_hoc (id, ma_truong_hoc, nam_hoc, ten_truong_hoc, cap_hoc, ma_tinh, dien_luoi, ngay_thanh_lap, hieu_truong, dien_thoai_hieu_truong, email_hieu_truong)
    select g, 'T' || g, 2024 + g % 2, case g % 4 when 0 then 'Trường "Hoa" Sen, số ' || g when 1 then E'Tr\\u00ADêng ' || g when 2 then 'Trường' || chr(10) || 'xuống dòng' else '' end,
           '2', lpad((g % 63)::text, 2, '0'), g % 2, case when g % 7 = 0 then date '0044-03-15 BC' else date '2000-01-01' + g end,
           case when g = 1 then '${PERSONAL.principal}' else 'Nguyễn Văn ' || g end, '0900000' || lpad(g::text, 3, '0'), null
      from ${series}`);
  await db.query(`insert into csdl.diem_truong (id, ma_diem_truong, ma_truong_hoc, nam_hoc, khoang_cach, dien_tich)
    select g, 'D' || g, 'T' || g, 2024, g / 3.0, case when g % 5 = 0 then 'Infinity'::float8 else g * 1.25 end from ${series}`);
  await db.query(`insert into csdl.lop_hoc (id, ma_lop_hoc, ma_truong_hoc, nam_hoc, khoi_hoc, ma_gvcn_dn, si_so)
    select g, 'L' || g, 'T' || g, 2024, lpad((g % 12 + 1)::text, 2, '0'), case when g = 1 then '${PERSONAL.staffKey}' else 'CB' || g end, g % 40 from ${series}`);
  await db.query(`insert into csdl.hoc_sinh (id, ma_hoc_sinh, ma_truong_hoc, nam_hoc, khoi_hoc, ho_ten, ngay_sinh, gioi_tinh, ma_cong_dan, so_cmnd,
      ho_ten_me, so_dien_thoai_me, email, dchi_thtru, noi_sinh, ngay_trang_thai)
    select g, case when g = 1 then '${PERSONAL.learnerKey}' else 'HS' || g end, 'T' || (g % 5), 2024, g % 12 + 1,
           case when g = 1 then '${PERSONAL.name}' when g % 3 = 0 then 'NguyÔn V¨n A' when g % 3 = 1 then 'Nguye^~n Va(n B' else 'Nguyễn Thị Hồng Nhung' end,
           case when g % 4 = 0 then '2012-13-45T00:00:00.0' when g % 4 = 1 then '' else '2012-01-09T00:00:00.0' end,
           g % 2 + 1, case when g = 1 then '${PERSONAL.citizenId}' else lpad(g::text, 12, '0') end,
           case when g = 1 then '${PERSONAL.cmnd}' end,
           case when g = 1 then '${PERSONAL.mother}' end, case when g = 1 then '${PERSONAL.phone}' else '09' || g end,
           case when g = 1 then '${PERSONAL.email}' end, case when g = 1 then '${PERSONAL.address}' else 'Xóm ' || g end,
           'Hà Nội', date '2024-09-05' + g % 30
      from ${series}`);
  await db.query(`insert into csdl.hoc_sinh_trang_thai (id, ma_hoc_sinh, ma_truong_hoc, nam_hoc, trang_thai, ngay_hieu_luc)
    select g, 'HS' || g, 'T1', 2024, 1, date '2024-09-05' from ${series}`);
  await db.query(`insert into csdl.can_bo (id, ma_can_bo, ma_truong_hoc, nam_hoc, ten_can_bo, loai_can_bo, he_so, ma_cong_dan, so_dien_thoai_di_dong)
    select g, case when g = 1 then '${PERSONAL.staffKey}' else 'CB' || g end, 'T1', 2024, 'Trần Văn ' || g, '03', (g % 500) / 100.0,
           case when g = 1 then '${PERSONAL.citizenId}' end, '0987' || g from ${series}`);
  await db.query(`insert into csdl.phong_hoc (id, ma_phong, ma_truong_hoc, nam_hoc, loai_cong_trinh, dien_tich)
    select g, 'P' || g, 'T1', 2024, '01', case when g % 2 = 0 then '40,5' else '48' end from ${series}`);
}

const asText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** A cell as comparable text: booleans as t/f, BC eras written the PostgreSQL way. */
function norm(v: unknown, type?: string): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  if (type === 'double') return String(Number(s.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN')));
  if (s === 'true') return 't';
  if (s === 'false') return 'f';
  return s.replace(/^(\d{4}-\d{2}-\d{2}) \(BC\)(.*)$/, '$1$2 BC');
}

/** Every row of `csdl.<t>` as the warehouse must hold it (pseudonyms applied), sorted. */
async function expectedRows(client: pg.Client, contract: TableContract): Promise<string[]> {
  // every column as PostgreSQL computes it, the flags DuckDB derives included
  const { rows } = await client.query({ text: selectSql(contract, undefined, true), types: asText, rowMode: 'array' });
  const cols = contract.output;
  return rows
    .map((r: unknown[]) => JSON.stringify(r.map((v, i) => (cols[i].role === 'pseudonym' && v !== null ? pseudonym(String(v)) : norm(v, cols[i].sourceType)))))
    .sort();
}

/** Asserts that every raw table equals the source table, row for row and value for value. */
export async function expectWarehouseEqualsSource(sourceUrl: string, warehousePath: string): Promise<void> {
  const client = new pg.Client({ connectionString: sourceUrl });
  await client.connect();
  const wh = await openWarehouse(warehousePath, { readOnly: true });
  const conn = await wh.connect();
  try {
    for (const s of SESSION_SETTINGS) await client.query(s);
    await conn.run("set TimeZone = 'UTC'");
    for (const contract of await checkSourceSchema(client)) {
      const cols = contract.output.map((c) => `"${c.name}"::varchar`).join(', ');
      const reader = await conn.runAndReadAll(`select ${cols} from raw."${contract.name}"`);
      const actual = reader
        .getRows()
        .map((r) => JSON.stringify(r.map((v, i) => norm(v, contract.output[i].sourceType))))
        .sort();
      const expected = await expectedRows(client, contract);
      expect(actual.length, `raw.${contract.name} row count`).toBe(expected.length);
      const diff = actual.filter((row, i) => row !== expected[i]);
      expect(diff.slice(0, 3), `raw.${contract.name} values`).toEqual([]);
    }
  } finally {
    conn.closeSync();
    wh.close();
    await client.end();
  }
}
