/**
 * Creates the sample CSDL's schema in an empty database: the operational tables
 * (schema.sql), one table per Ministry code list (data/reference/code-lists.json) and the
 * administrative units before and after 01/07/2025 with their crosswalk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { codeListTable, loadReference } from '../../lib/reference.ts';

const schemaSql = () => readFileSync(fileURLToPath(new URL('./schema.sql', import.meta.url)), 'utf8');

export async function applySourceSchema(client: pg.ClientBase): Promise<void> {
  const ref = loadReference();
  await client.query('begin');
  try {
    await client.query(schemaSql());
    for (const [list, codes] of Object.entries(ref.codeLists)) {
      const table = `csdl.${codeListTable(list)}`;
      await client.query(`create table ${table} (ma text primary key, ten text not null, thuoc_tinh jsonb)`);
      const seen = new Set<string>();
      const rows = codes.filter((c) => !seen.has(c.ma) && seen.add(c.ma));
      await client.query(`insert into ${table} (ma, ten, thuoc_tinh) select * from unnest($1::text[], $2::text[], $3::jsonb[])`, [
        rows.map((c) => c.ma),
        rows.map((c) => c.ten),
        rows.map((c) => (c.extra ? JSON.stringify(c.extra) : null)),
      ]);
    }
    const old = ref.units2020;
    const cut = '2025-06-30';
    await insertUnits(
      client,
      'csdl.dm_tinh',
      ['ma', 'ten', 'cap'],
      old.provinces.map((p) => [p.ma, p.ten, p.cap]),
      '2000-01-01',
      cut,
    );
    await insertUnits(
      client,
      'csdl.dm_huyen',
      ['ma', 'ten', 'cap', 'ma_tinh'],
      old.districts.map((d) => [d.ma, d.ten, d.cap, d.ma_tinh]),
      '2000-01-01',
      cut,
    );
    await insertUnits(
      client,
      'csdl.dm_xa',
      ['ma', 'ten', 'cap', 'ma_huyen', 'ma_tinh'],
      old.communes.map((c) => [c.ma, c.ten, c.cap, c.ma_huyen, c.ma_tinh]),
      '2000-01-01',
      cut,
    );
    const now = ref.units2025;
    await insertUnits(
      client,
      'csdl.dm_tinh',
      ['ma', 'ten', 'cap'],
      now.provinces.map((p) => [p.ma, p.ten, p.ten.startsWith('Thành phố') ? 'Thành phố Trung ương' : 'Tỉnh']),
      '2025-07-01',
      null,
    );
    await insertUnits(
      client,
      'csdl.dm_xa',
      ['ma', 'ten', 'cap', 'ma_huyen', 'ma_tinh'],
      now.communes.map((c) => [c.ma, c.ten, c.ten.split(' ')[0], null, c.ma_tinh]),
      '2025-07-01',
      null,
    );
    await client.query(
      `insert into csdl.dm_tinh_sap_nhap (ma_tinh_moi, ten_tinh_moi, ma_tinh_cu, ten_tinh_cu)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [ref.crosswalk.map((r) => r.new_code), ref.crosswalk.map((r) => r.new_name), ref.crosswalk.map((r) => r.old_code), ref.crosswalk.map((r) => r.old_name)],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}

async function insertUnits(
  client: pg.ClientBase,
  table: string,
  cols: string[],
  rows: Array<Array<string | null>>,
  from: string,
  to: string | null,
): Promise<void> {
  const arrays = cols.map((_, i) => rows.map((r) => r[i]));
  const params = cols.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await client.query(
    `insert into ${table} (${cols.join(', ')}, hieu_luc_tu, hieu_luc_den)
     select u.*, $${cols.length + 1}::date, $${cols.length + 2}::date from unnest(${params}) as u`,
    [...arrays, from, to],
  );
}
