/**
 * The sample source schema follows the Ministry's field specification.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startTestSource, type TestSource } from '../support/source.ts';

const spec = JSON.parse(readFileSync(new URL('../../data/reference/field-spec.json', import.meta.url), 'utf8')) as Record<
  string,
  Array<{ field: string; column: string; required: string }>
>;

/** Spec object -> source table; `notStored` are transport fields of the push API, not data. */
const objects: Record<string, { table: string; notStored?: string[] }> = {
  TruongHocInfo: { table: 'truong_hoc' },
  LstDiemTruongInfo: { table: 'diem_truong', notStored: ['client_id'] },
  LstLopHocInfo: { table: 'lop_hoc', notStored: ['client_id'] },
  LstHocSinh: { table: 'hoc_sinh', notStored: ['client_id'] },
  LstCanBo: { table: 'can_bo', notStored: ['client_id'] },
};

describe('source schema', () => {
  let src: TestSource;
  beforeAll(async () => {
    src = await startTestSource();
  });
  afterAll(async () => {
    await src?.close();
  });

  it('has a column for every field the Ministry spec marks as always required', async () => {
    const missing: string[] = [];
    for (const [object, { table, notStored = [] }] of Object.entries(objects)) {
      const { rows } = await src.query(`select column_name from information_schema.columns where table_schema = 'csdl' and table_name = $1`, [table]);
      const have = new Set(rows.map((r) => r.column_name as string));
      expect(have.size, `table csdl.${table} exists`).toBeGreaterThan(0);
      for (const f of spec[object]) {
        if (f.required !== 'always' || notStored.includes(f.column)) continue;
        if (!have.has(f.column)) missing.push(`${object}.${f.field} -> csdl.${table}.${f.column}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('loads every code list and both generations of administrative units', async () => {
    const { rows } = await src.query(`select
      (select count(*) from csdl.dm_tinh where hieu_luc_den = '2025-06-30')::int as old_provinces,
      (select count(*) from csdl.dm_tinh where hieu_luc_den is null)::int as new_provinces,
      (select count(*) from csdl.dm_xa where hieu_luc_tu = '2025-07-01')::int as new_communes,
      (select count(*) from csdl.dm_tinh_sap_nhap)::int as crosswalk,
      (select count(*) from csdl.dm_gioi_tinh)::int as sexes`);
    expect(rows[0]).toEqual({ old_provinces: 63, new_provinces: 34, new_communes: 3321, crosswalk: 63, sexes: 2 });
  });
});
