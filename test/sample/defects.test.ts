/**
 * The generator's injected defects on the tiny preset: every kind, as the manifest says.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type TestDatabase } from './database.ts';
import { generate, type GenerationSummary } from '../../sample/generate/generate.ts';
import { DEFECT_KINDS } from '../../sample/generate/defect-kinds.ts';
import { toLegacy, type LegacyEncoding } from '../../sample/generate/encodings.ts';

/** Every manifest row that names a record, with that record as JSON. */
const records = `
  select d.kind, d.field, d.detail, d.table_name, d.nam_hoc, d.ma_truong_hoc, r.rec
  from synthetic.defects d
  join (
    select 'hoc_sinh' t, id, to_jsonb(x) rec from csdl.hoc_sinh x union all
    select 'lop_hoc', id, to_jsonb(x) from csdl.lop_hoc x union all
    select 'can_bo', id, to_jsonb(x) from csdl.can_bo x union all
    select 'truong_hoc', id, to_jsonb(x) from csdl.truong_hoc x union all
    select 'phong_hoc', id, to_jsonb(x) from csdl.phong_hoc x
  ) r on r.t = d.table_name and r.id = d.record_id`;

/** Counts learners and classes per school-year, for totals and class sizes. */
const counted = `
  select t.id, t.ma_truong_hoc, t.nam_hoc, t.tong_so_hoc_sinh, t.tong_so_lop_hoc, t.tong_so_can_bo,
    (select count(*) from csdl.hoc_sinh h where h.ma_truong_hoc = t.ma_truong_hoc and h.nam_hoc = t.nam_hoc and h.deleted_at is null)::int as learners,
    (select count(*) from csdl.lop_hoc l where l.ma_truong_hoc = t.ma_truong_hoc and l.nam_hoc = t.nam_hoc)::int as classes,
    (select count(*) from csdl.can_bo c where c.ma_truong_hoc = t.ma_truong_hoc and c.nam_hoc = t.nam_hoc)::int as staff
  from csdl.truong_hoc t`;

describe('csdl generate defects', () => {
  let src: TestDatabase;
  let summary: GenerationSummary;
  const rowsOf = async (kind: string) => (await src.query(`${records} where d.kind = $1`, [kind])).rows;

  beforeAll(async () => {
    src = await startDatabase();
    summary = await generate({ url: src.url, preset: 'tiny', seed: 7 });
  });
  afterAll(async () => {
    await src?.close();
  });

  it('injects every defect kind at least once and lists each in the manifest', async () => {
    const { rows } = await src.query('select kind, count(*)::int as n from synthetic.defects group by kind');
    const manifest = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    for (const kind of DEFECT_KINDS) {
      expect(manifest[kind] ?? 0, kind).toBeGreaterThanOrEqual(1);
      expect(summary.defects[kind], kind).toBe(manifest[kind]);
    }
  });

  it('points every record-level manifest row at an existing record of its school and year', async () => {
    const { rows } = await src.query(`select count(*)::int as n from synthetic.defects d where d.record_id is not null`);
    const joined = await src.query(
      `select count(*)::int as n from (${records}) x where x.rec->>'ma_truong_hoc' = x.ma_truong_hoc and (x.rec->>'nam_hoc')::int = x.nam_hoc`,
    );
    expect(rows[0].n).toBeGreaterThan(100);
    expect(joined.rows[0].n).toBe(rows[0].n);
  });

  it('leaves required fields empty and conditional fields empty when their condition holds', async () => {
    for (const r of await rowsOf('missing_required')) expect(r.rec[r.field], r.field).toBeNull();
    const condition: Record<string, (rec: Record<string, unknown>) => boolean> = {
      ma_ly_do_thoi_hoc: (x) => [5, 9, 12].includes(x.trang_thai as number),
      ma_loai_khuyet_tat: (x) => x.khuyet_tat === 1,
      noi_chuyen_di: (x) => [4, 8, 11].includes(x.trang_thai as number),
      ma_lop_ghep: (x) => x.lop_ghep === 1,
      ma_he_chuyen: (x) => x.lop_chuyen === 1,
      ma_hoc_ban_tru: (x) => x.lop_ban_tru === 1,
    };
    for (const r of await rowsOf('missing_conditional')) {
      expect(r.rec[r.field], r.field).toBeNull();
      expect(condition[r.field](r.rec), r.field).toBe(true);
    }
  });

  it('puts values outside their code lists', async () => {
    const { rows } = await src.query(`select count(*)::int as n from (${records}) x where x.kind = 'invalid_code' and (
      (x.field = 'ma_dan_toc' and exists (select 1 from csdl.dm_dan_toc c where c.ma = x.rec->>'ma_dan_toc')) or
      (x.field = 'gioi_tinh' and (x.rec->>'gioi_tinh')::int in (1, 2)) or
      (x.field = 'trang_thai' and (x.rec->>'trang_thai')::int between 1 and 12) or
      (x.field = 'loai_hop_dong' and exists (select 1 from csdl.dm_hinh_thuc_hop_dong c where c.ma = x.rec->>'loai_hop_dong')) or
      (x.field = 'trinh_do_chuyen_mon_nv_cao_nhat' and exists (select 1 from csdl.dm_trinh_do_chuyen_mon c where c.ma = x.rec->>'trinh_do_chuyen_mon_nv_cao_nhat')))`);
    expect(rows[0].n).toBe(0);
  });

  it('writes impossible dates, implausible ages and malformed values', async () => {
    for (const r of await rowsOf('impossible_date')) {
      if (r.field === 'ngay_sinh') expect(String(r.rec.ngay_sinh).slice(0, 10) > `${r.nam_hoc + 1}-06-30`).toBe(true);
      else expect(String(r.rec.ngay_trang_thai) < String(r.rec.ngay_sinh).slice(0, 10)).toBe(true);
    }
    for (const r of await rowsOf('implausible_age')) {
      const age = r.nam_hoc - Number(String(r.rec.ngay_sinh).slice(0, 4));
      const khoi = r.rec.khoi_hoc as number;
      const expected = khoi >= 16 ? 4 : khoi >= 13 ? khoi + 3 : khoi + 5;
      expect(Math.abs(age - expected), `${age} in ${khoi}`).toBeGreaterThanOrEqual(5);
    }
    for (const r of await rowsOf('malformed_value')) {
      const value = String(r.rec[r.field]);
      if (r.field === 'dien_tich') expect(value).not.toMatch(/^\d+(\.\d+)?$/);
      else expect(value).not.toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.0$/);
    }
  });

  it('makes duplicates: the same learner active in two schools, the same citizen ID on staff of two schools', async () => {
    const learners = await src.query(`select count(*)::int as n from (${records}) x where x.kind = 'duplicate_active_learner' and not exists (
      select 1 from csdl.hoc_sinh h where h.ma_hoc_sinh = x.rec->>'ma_hoc_sinh' and h.nam_hoc = x.nam_hoc
        and h.ma_truong_hoc <> x.ma_truong_hoc and h.trang_thai = 1) or (x.kind = 'duplicate_active_learner' and (x.rec->>'trang_thai')::int <> 1)`);
    expect(learners.rows[0].n).toBe(0);
    const staff = await src.query(`select count(*)::int as n from (${records}) x where x.kind = 'duplicate_staff' and not exists (
      select 1 from csdl.can_bo c where c.ma_cong_dan = x.rec->>'ma_cong_dan' and c.ngay_sinh = x.rec->>'ngay_sinh'
        and c.nam_hoc = x.nam_hoc and c.ma_truong_hoc <> x.ma_truong_hoc)`);
    expect(staff.rows[0].n).toBe(0);
  });

  it('makes declared totals and class sizes disagree only where injected', async () => {
    const totals = (
      await src.query(`select c.*, exists (select 1 from synthetic.defects d where d.record_id = c.id and d.table_name = 'truong_hoc' and d.kind = 'declared_total_mismatch') as defect,
        exists (select 1 from synthetic.defects d where d.ma_truong_hoc = c.ma_truong_hoc and d.nam_hoc = c.nam_hoc and d.kind = 'missing_unit') as missing from (${counted}) c`)
    ).rows;
    for (const t of totals) {
      const agrees = t.tong_so_hoc_sinh === t.learners && t.tong_so_lop_hoc === t.classes && t.tong_so_can_bo === t.staff;
      if (t.missing) expect(t.learners + t.classes + t.staff).toBe(0);
      else expect(agrees, `${t.ma_truong_hoc}/${t.nam_hoc}`).toBe(!t.defect);
    }
    const sizes =
      await src.query(`select l.id, l.si_so, (select count(*) from csdl.hoc_sinh h where h.ma_lop_hoc_dn = l.ma_lop_hoc and h.nam_hoc = l.nam_hoc and h.deleted_at is null)::int as n,
        exists (select 1 from synthetic.defects d where d.record_id = l.id and d.table_name = 'lop_hoc' and d.kind = 'class_size_mismatch') as defect from csdl.lop_hoc l`);
    for (const c of sizes.rows) expect(c.si_so === c.n, `class ${c.id}`).toBe(!c.defect);
  });

  it('puts learners and classes in grades outside the school level only where injected', async () => {
    const { rows } = await src.query(`
      with grades as (
        select 'hoc_sinh' t, h.id, lpad(h.khoi_hoc::text, 2, '0') khoi, h.ma_truong_hoc, h.nam_hoc from csdl.hoc_sinh h where h.khoi_hoc is not null
        union all select 'lop_hoc', l.id, l.khoi_hoc, l.ma_truong_hoc, l.nam_hoc from csdl.lop_hoc l where l.khoi_hoc is not null)
      select g.t, g.id, (k.thuoc_tinh->>'Mã cấp học') = any (string_to_array(n.thuoc_tinh->>'DS_Cấp', ',')) as inside,
        exists (select 1 from synthetic.defects d where d.table_name = g.t and d.record_id = g.id and d.kind = 'grade_outside_level') as defect
      from grades g join csdl.truong_hoc s on s.ma_truong_hoc = g.ma_truong_hoc and s.nam_hoc = g.nam_hoc
      join csdl.dm_nhom_cap_hoc n on n.ma = s.ma_nhom_cap_hoc left join csdl.dm_khoi k on k.ma = g.khoi`);
    const wrong = rows.filter((r) => r.inside === r.defect);
    expect(wrong).toEqual([]);
  });

  it('contradicts status history and dates in status_date_conflict', async () => {
    for (const r of await rowsOf('status_date_conflict')) {
      const { rows } = await src.query(
        `select trang_thai from csdl.hoc_sinh_trang_thai where ma_hoc_sinh = $1 and ma_truong_hoc = $2 and nam_hoc = $3 order by ngay_hieu_luc desc, id desc limit 1`,
        [r.rec.ma_hoc_sinh, r.ma_truong_hoc, r.nam_hoc],
      );
      if (r.field === 'trang_thai') {
        expect(r.rec.trang_thai).toBe(1);
        expect([4, 5, 8, 9, 11, 12]).toContain(rows[0].trang_thai);
      } else {
        expect(r.rec.ngay_trang_thai).toBeNull();
        expect([5, 9, 12]).toContain(r.rec.trang_thai);
      }
    }
  });

  it('marks late, missing, jumping and outlying units', async () => {
    const late = (
      await src.query(`select d.ma_truong_hoc, d.nam_hoc, (select min(h.created_at) from csdl.hoc_sinh h where h.ma_truong_hoc = d.ma_truong_hoc and h.nam_hoc = d.nam_hoc) as first
      from synthetic.defects d where d.kind = 'late_unit'`)
    ).rows;
    for (const r of late) expect(new Date(r.first).getTime()).toBeGreaterThan(Date.UTC(r.nam_hoc, 9, 31, 17));
    const jumps = (
      await src.query(`select (select count(*) from csdl.hoc_sinh h where h.ma_truong_hoc = d.ma_truong_hoc and h.nam_hoc = 2025)::float /
      (select count(*) from csdl.hoc_sinh h where h.ma_truong_hoc = d.ma_truong_hoc and h.nam_hoc = 2024) as ratio from synthetic.defects d where d.kind = 'period_jump'`)
    ).rows;
    for (const r of jumps) expect(r.ratio > 1.5 || r.ratio < 0.67, String(r.ratio)).toBe(true);
    const outliers = (
      await src.query(
        `select c.learners::float / c.classes as per_class from (${counted}) c join synthetic.defects d on d.record_id = c.id and d.kind = 'outlier_value'`,
      )
    ).rows;
    for (const r of outliers) expect(r.per_class).toBeGreaterThan(60);
  });

  it('types names in legacy encodings or decomposed Unicode, and contacts in odd formats', async () => {
    let verified = 0;
    for (const r of await rowsOf('legacy_encoding')) {
      const value = String(r.rec[r.field]);
      expect(value.normalize('NFC') === value && /^[\p{L} ]+$/u.test(value) && !/[\u00a1-\u00bf\u00d7\u00f7]/.test(value) && r.detail.includes('viqr')).toBe(
        false,
      );
      if (r.table_name !== 'hoc_sinh') continue;
      const other = await src.query(`select ${r.field} as v from csdl.hoc_sinh where ma_hoc_sinh = $1 and nam_hoc <> $2 limit 1`, [
        r.rec.ma_hoc_sinh,
        r.nam_hoc,
      ]);
      if (!other.rows.length) continue;
      const encoding = /typed in (\w+)/.exec(r.detail)![1] as LegacyEncoding;
      expect(toLegacy(other.rows[0].v, encoding)).toBe(value);
      verified++;
    }
    expect(verified).toBeGreaterThan(0);
    for (const r of await rowsOf('unicode_nfd')) {
      const value = String(r.rec[r.field]);
      expect(value).not.toBe(value.normalize('NFC'));
      expect(value).toBe(value.normalize('NFD'));
    }
    for (const r of await rowsOf('malformed_contact')) expect(String(r.rec[r.field])).not.toMatch(r.field === 'ma_cong_dan' ? /^\d{12}$/ : /^0\d{9}$/);
  });

  it('keeps the personal fields of records without defects well formed', async () => {
    const { rows } =
      await src.query(`select count(*)::int as n from csdl.hoc_sinh h where not exists (select 1 from synthetic.defects d where d.table_name = 'hoc_sinh' and d.record_id = h.id)
      and (h.so_dien_thoai_me !~ '^0[0-9]{9}$' or h.ma_cong_dan !~ '^[0-9]{12}$' or normalize(h.ho_ten, NFC) <> h.ho_ten or h.ngay_sinh !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00\\.0$'
        or h.gioi_tinh not in (1, 2) or h.ma_dan_toc not in (select ma from csdl.dm_dan_toc))`);
    expect(rows[0].n).toBe(0);
  });
});

describe('csdl generate on a database with real data', () => {
  let src: TestDatabase;
  beforeAll(async () => {
    src = await startDatabase({ schema: true });
    await src.query(`insert into csdl.truong_hoc (id, ma_truong_hoc, nam_hoc, ten_truong_hoc) values (1, '01000001', 2024, 'Trường Tiểu học Thật')`);
  });
  afterAll(async () => {
    await src?.close();
  });

  it('refuses to overwrite CSDL data it did not write', async () => {
    await expect(generate({ url: src.url, preset: 'tiny', seed: 1, force: true })).rejects.toMatchObject({ code: 'REFUSED' });
    const { rows } = await src.query('select count(*)::int as n from csdl.truong_hoc');
    expect(rows[0].n).toBe(1);
  });
});
