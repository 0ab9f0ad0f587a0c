/**
 * The demo preset's realism: volumes, class sizes, staff, statuses and units of their time.
 * @module-tag demo
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type TestDatabase } from './database.ts';
import { generate, type GenerationSummary } from '../../sample/generate/generate.ts';

/** Level of a khoi_hoc (text or integer). */
const level = (col: string) =>
  `case when ${col}::int in (16, 17) then 'mn' when ${col}::int <= 5 then 'th' when ${col}::int <= 9 then 'thcs' when ${col}::int <= 12 then 'thpt' else 'gdtx' end`;
/** School-years carrying a unit-level defect that distorts shapes on purpose. */
const distorted = `select ma_truong_hoc, nam_hoc from synthetic.defects where kind in ('outlier_value', 'period_jump', 'missing_unit')`;

describe('csdl generate --preset demo (realism)', () => {
  let db: TestDatabase;
  let summary: GenerationSummary;
  const one = async (sql: string) => (await db.query(sql)).rows;

  beforeAll(async () => {
    db = await startDatabase();
    summary = await generate({ url: db.url, preset: 'demo', seed: 42 });
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  it('generates about 150 thousand learners per year in under a minute', async () => {
    expect(summary.seconds).toBeLessThan(60);
    for (const r of await one(`select nam_hoc, count(*)::int as n from csdl.hoc_sinh where deleted_at is null group by 1`)) {
      expect(r.n, String(r.nam_hoc)).toBeGreaterThan(120_000);
      expect(r.n, String(r.nam_hoc)).toBeLessThan(180_000);
    }
  });

  it('has about 51.5 % boys, and a minority majority in Lai Châu', async () => {
    const [sex] = await one(`select avg((gioi_tinh = 1)::int)::float as male from csdl.hoc_sinh where gioi_tinh in (1, 2)`);
    expect(sex.male).toBeGreaterThan(0.5);
    expect(sex.male).toBeLessThan(0.54);
    const [laiChau] = await one(
      `select avg((ma_dan_toc <> '01')::int)::float as minority from csdl.hoc_sinh h join csdl.truong_hoc t using (ma_truong_hoc, nam_hoc) where t.ma_tinh = '12'`,
    );
    expect(laiChau.minority).toBeGreaterThan(0.6);
    const [daNang] = await one(
      `select avg((ma_dan_toc <> '01')::int)::float as minority from csdl.hoc_sinh h join csdl.truong_hoc t using (ma_truong_hoc, nam_hoc) where t.ma_tinh = '48' and t.nam_hoc = 2024`,
    );
    expect(daNang.minority).toBeLessThan(0.1);
  });

  it('keeps learners per class within the ranges of each level', async () => {
    const ranges: Record<string, [number, number]> = { mn: [18, 30], th: [24, 34], thcs: [32, 42], thpt: [36, 46] };
    const rows = await one(`select ${level('l.khoi_hoc')} as lvl, avg(l.si_so)::float as size from csdl.lop_hoc l
      where l.khoi_hoc is not null and (l.ma_truong_hoc, l.nam_hoc) not in (${distorted}) group by 1`);
    for (const r of rows.filter((x) => x.lvl in ranges)) {
      expect(r.size, r.lvl).toBeGreaterThan(ranges[r.lvl][0]);
      expect(r.size, r.lvl).toBeLessThan(ranges[r.lvl][1]);
    }
  });

  it('repeats and drops out near the national rates', async () => {
    const rows = await one(`with e as (select ${level('khoi_hoc')} as lvl, count(*) as n, count(*) filter (where trang_thai in (5, 9, 12)) as drop
        from csdl.hoc_sinh where nam_hoc = 2024 and deleted_at is null and khoi_hoc is not null group by 1),
      r as (select ${level('khoi_hoc')} as lvl, count(*) as rep from csdl.hoc_sinh where nam_hoc = 2025 and loai_nhap_hoc = 3 and khoi_hoc is not null group by 1)
      select e.lvl, e.drop::float / e.n as drop, coalesce(r.rep, 0)::float / e.n as rep from e left join r using (lvl)`);
    const want: Record<string, { drop: [number, number]; rep: [number, number] }> = {
      th: { drop: [0.001, 0.006], rep: [0.005, 0.025] },
      thcs: { drop: [0.005, 0.025], rep: [0.008, 0.03] },
      thpt: { drop: [0.008, 0.03], rep: [0.004, 0.02] },
    };
    for (const r of rows.filter((x) => x.lvl in want)) {
      expect(r.drop, `${r.lvl} dropout`).toBeGreaterThan(want[r.lvl].drop[0]);
      expect(r.drop, `${r.lvl} dropout`).toBeLessThan(want[r.lvl].drop[1]);
      expect(r.rep, `${r.lvl} repetition`).toBeGreaterThan(want[r.lvl].rep[0]);
      expect(r.rep, `${r.lvl} repetition`).toBeLessThan(want[r.lvl].rep[1]);
    }
  });

  it("qualifies teachers per level within 3 points of the Ministry's shares (end of 2023-2024)", async () => {
    const target: Record<string, number> = { '01': 89.3, '02': 89.9, '03': 93.8, '04': 99.9 };
    const rows = await one(
      `select cap_hoc, 100 * avg((ma_chuan_dao_tao in ('01', '02'))::int)::float as pct from csdl.can_bo where loai_can_bo = '03' and ma_chuan_dao_tao is not null group by 1`,
    );
    for (const r of rows.filter((x) => x.cap_hoc in target)) expect(Math.abs(r.pct - target[r.cap_hoc]), `cấp ${r.cap_hoc}: ${r.pct}`).toBeLessThan(3);
  });

  it('gives every school classes, staff and learners except the missing units', async () => {
    const rows = await one(`select t.ma_truong_hoc, t.nam_hoc,
        exists (select 1 from synthetic.defects d where d.kind = 'missing_unit' and d.ma_truong_hoc = t.ma_truong_hoc and d.nam_hoc = t.nam_hoc) as missing,
        exists (select 1 from csdl.lop_hoc l where l.ma_truong_hoc = t.ma_truong_hoc and l.nam_hoc = t.nam_hoc)
          and exists (select 1 from csdl.can_bo c where c.ma_truong_hoc = t.ma_truong_hoc and c.nam_hoc = t.nam_hoc and c.loai_can_bo = '03')
          and exists (select 1 from csdl.hoc_sinh h where h.ma_truong_hoc = t.ma_truong_hoc and h.nam_hoc = t.nam_hoc) as reported
      from csdl.truong_hoc t`);
    expect(rows.filter((r) => r.missing === r.reported)).toEqual([]);
    expect(rows.filter((r) => r.missing).length).toBeGreaterThanOrEqual(5);
  });

  it('keeps schools and learners across the two years under the units of their time', async () => {
    const [units] = await one(`select
        count(*) filter (where nam_hoc = 2024 and ma_huyen is not null and ma_tinh in ('12', '48', '49'))::int as old_ok,
        count(*) filter (where nam_hoc = 2025 and ma_huyen is null and ma_tinh in ('12', '48'))::int as new_ok,
        count(*)::int as n,
        count(distinct ma_truong_hoc)::int as schools from csdl.truong_hoc`);
    expect(units.old_ok + units.new_ok).toBe(units.n);
    expect(units.schools * 2).toBe(units.n);
    const [communes] = await one(`select count(*)::int as bad from csdl.truong_hoc t where not exists (
      select 1 from csdl.dm_xa x where x.ma = t.ma_xa and x.ma_tinh = t.ma_tinh and ((t.nam_hoc = 2024 and x.hieu_luc_den = '2025-06-30') or (t.nam_hoc = 2025 and x.hieu_luc_den is null)))`);
    expect(communes.bad).toBe(0);
    const [linked] =
      await one(`select avg((exists (select 1 from csdl.hoc_sinh p where p.ma_hoc_sinh = h.ma_hoc_sinh and p.nam_hoc = 2024))::int)::float as share
      from csdl.hoc_sinh h where h.nam_hoc = 2025 and h.loai_nhap_hoc in (3, 4)
        and h.ma_truong_hoc not in (select ma_truong_hoc from synthetic.defects where kind in ('missing_unit', 'period_jump'))`);
    expect(linked.share).toBeGreaterThan(0.99);
  });

  it('has facilities mostly present and most classrooms solid', async () => {
    const [f] = await one(
      `select avg(dien_luoi)::float as power, avg(nguon_nuoc_sach)::float as water, avg(khai_thac_internet_day_hoc)::float as internet from csdl.truong_hoc`,
    );
    expect(f.power).toBeGreaterThan(0.95);
    expect(f.water).toBeGreaterThan(0.8);
    expect(f.internet).toBeGreaterThan(0.6);
    const [r] = await one(`select avg((loai_cong_trinh = '01')::int)::float as solid from csdl.phong_hoc`);
    expect(r.solid).toBeGreaterThan(0.7);
    expect(r.solid).toBeLessThan(0.95);
  });

  it('records every learner status change and keeps the latest on the learner', async () => {
    const [s] = await one(`with latest as (
        select distinct on (ma_hoc_sinh, ma_truong_hoc, nam_hoc) ma_hoc_sinh, ma_truong_hoc, nam_hoc, trang_thai
        from csdl.hoc_sinh_trang_thai order by ma_hoc_sinh, ma_truong_hoc, nam_hoc, ngay_hieu_luc desc, id desc),
      flagged as (select record_id from synthetic.defects where table_name = 'hoc_sinh' and field in ('trang_thai', 'ngay_trang_thai'))
      select count(*)::int as bad from csdl.hoc_sinh h left join latest l using (ma_hoc_sinh, ma_truong_hoc, nam_hoc)
      where h.deleted_at is null and h.trang_thai is distinct from l.trang_thai and h.id not in (select record_id from flagged)`);
    expect(s.bad).toBe(0);
  });
});
