/**
 * Exactness on generated data: the `tiny` preset (and `demo`, slower) generated into a real
 * embedded PostgreSQL, loaded by the ETL into a real DuckDB file and transformed; then learners,
 * classes, teachers and the qualified-teacher share per school and per province, for every census
 * day, are compared with a count written directly in PostgreSQL SQL on the source from the
 * definitions (the UIS definitions and data/indicators/catalog.json), not from the models.
 * @module-tag slow
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { openWarehouse, queryRows } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { generate, type Preset } from '../../sample/generate/generate.ts';
import { runTransform, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { startTestSource, type TestSource } from '../support/source.ts';

/**
 * Per period and school: enrolled learners, classes, counted teachers and qualified teachers,
 * with the school's province as reported (code valid on 30/09 of the school year) and today's.
 *   - census day: 30/09 of nam_hoc (DN), 31/05 of nam_hoc + 1 (CN);
 *   - a school counts if not deleted, trang_thai '1' and founded by the census day;
 *   - a learner row counts if not deleted and its status on the census day (the last undeleted
 *     change at that school dated by then, latest id on a tie; else the row's own status when
 *     dated by then or undated) is one of 1, 2, 3, 6, 7, 10;
 *   - a teacher: group '03', working on the census day (status 01 đang làm việc, 04 chờ nghỉ hưu
 *     or 07 chuyển đến), hired by the census day (or no hiring date); qualified
 *     with 17/16/14/13/02/01 when teaching preschool (cap_hoc '01'), else 16/13/02/01.
 */
const SOURCE_COUNTS = `
with census as (
  select distinct t.nam_hoc, k.ky,
         case k.ky when 'DN' then make_date(t.nam_hoc, 9, 30) else make_date(t.nam_hoc + 1, 5, 31) end as day
  from csdl.truong_hoc t cross join (values ('DN'), ('CN')) as k(ky)
  where t.deleted_at is null
),
school as (
  select c.nam_hoc || '-' || c.ky as period, c.day, t.ma_truong_hoc, t.nam_hoc,
         p.ma as province,
         coalesce((select x.ma_tinh_moi from csdl.dm_tinh_sap_nhap x where x.ma_tinh_cu = p.ma and p.hieu_luc_den is not null), p.ma) as province_today
  from csdl.truong_hoc t
  join census c on c.nam_hoc = t.nam_hoc
  join csdl.dm_tinh p on p.ma = t.ma_tinh and make_date(t.nam_hoc, 9, 30) between p.hieu_luc_tu and coalesce(p.hieu_luc_den, 'infinity')
  where t.deleted_at is null and t.trang_thai = '1' and (t.ngay_thanh_lap is null or t.ngay_thanh_lap <= c.day)
),
learner_day as (
  select s.period, s.day, s.ma_truong_hoc, h.id, h.ma_hoc_sinh, h.nam_hoc, h.trang_thai, h.ngay_trang_thai
  from school s
  join csdl.hoc_sinh h on h.ma_truong_hoc = s.ma_truong_hoc and h.nam_hoc = s.nam_hoc and h.deleted_at is null
),
last_change as (
  select distinct on (d.id, d.period) d.id, d.period, st.trang_thai
  from learner_day d
  join csdl.hoc_sinh_trang_thai st
    on st.ma_hoc_sinh = d.ma_hoc_sinh and st.ma_truong_hoc = d.ma_truong_hoc and st.nam_hoc = d.nam_hoc
   and st.deleted_at is null and st.ngay_hieu_luc <= d.day
  order by d.id, d.period, st.ngay_hieu_luc desc, st.id desc
),
first_change as (
  select distinct on (d.id, d.period) d.id, d.period, st.trang_thai
  from learner_day d
  join csdl.hoc_sinh_trang_thai st
    on st.ma_hoc_sinh = d.ma_hoc_sinh and st.ma_truong_hoc = d.ma_truong_hoc and st.nam_hoc = d.nam_hoc
   and st.deleted_at is null and st.ngay_hieu_luc is not null and st.trang_thai is not null
  order by d.id, d.period, st.ngay_hieu_luc, st.id
),
learners as (
  select d.period, d.ma_truong_hoc, count(*)::int as learners
  from learner_day d
  left join last_change lc on lc.id = d.id and lc.period = d.period
  left join first_change fc on fc.id = d.id and fc.period = d.period
  where coalesce(
    lc.trang_thai,
    case when fc.trang_thai in (1, 2, 6, 10) then null
         when d.ngay_trang_thai is null or d.ngay_trang_thai <= d.day then d.trang_thai end
  ) in (1, 2, 3, 6, 7, 10)
  group by 1, 2
),
classes as (
  select s.period, s.ma_truong_hoc, count(*)::int as classes
  from school s
  join csdl.lop_hoc l on l.ma_truong_hoc = s.ma_truong_hoc and l.nam_hoc = s.nam_hoc and l.deleted_at is null
  group by 1, 2
),
teachers as (
  select s.period, s.ma_truong_hoc, count(*)::int as teachers,
         count(*) filter (where b.trinh_do_chuyen_mon_nv_cao_nhat = any (case when b.cap_hoc = '01'
             then array['17', '16', '14', '13', '02', '01'] else array['16', '13', '02', '01'] end))::int as qualified
  from school s
  join csdl.can_bo b on b.ma_truong_hoc = s.ma_truong_hoc and b.nam_hoc = s.nam_hoc and b.deleted_at is null
   and b.loai_can_bo = '03' and b.trang_thai in ('01', '04', '07') and (b.ngay_tuyen_dung is null or b.ngay_tuyen_dung <= s.day)
  group by 1, 2
)
select s.period, s.ma_truong_hoc, s.province, s.province_today,
       coalesce(l.learners, 0) as learners, coalesce(c.classes, 0) as classes,
       coalesce(t.teachers, 0) as teachers, coalesce(t.qualified, 0) as qualified
from school s
left join learners l using (period, ma_truong_hoc)
left join classes c using (period, ma_truong_hoc)
left join teachers t using (period, ma_truong_hoc)`;

type Counts = { learners: number; classes: number; teachers: number; qualified: number };
type SourceRow = Counts & { period: string; ma_truong_hoc: string; province: string; province_today: string };

function add(map: Map<string, Counts>, key: string, c: Counts): void {
  const m = map.get(key) ?? { learners: 0, classes: 0, teachers: 0, qualified: 0 };
  map.set(key, { learners: m.learners + c.learners, classes: m.classes + c.classes, teachers: m.teachers + c.teachers, qualified: m.qualified + c.qualified });
}

async function proveExact(preset: Preset, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `csdl-models-${preset}-`));
  let source: TestSource | undefined;
  try {
    source = await startTestSource({ schema: false });
    await generate({ url: source.url, preset, seed });
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      CSDL_PSEUDONYM_SECRET: 'models-test-secret-0123456789',
      LOG_LEVEL: 'warn',
    });
    await runEtl({ config, sourceUrl: source.url, full: true });
    const expected = (await source.query(SOURCE_COUNTS)).rows as SourceRow[];
    expect(expected.length).toBeGreaterThan(10);

    const warehouse = await openWarehouse(config.warehousePath);
    const conn = await warehouse.connect();
    let summary: TransformSummary;
    try {
      summary = await runTransform({ warehouse: conn, deadlines: config });
      // the sidecar tests hold on generated data, defects included
      expect(summary.errors).toEqual([]);
      expect(summary.testsFailed).toBe(0);

      const actual = await queryRows<{ period: string; geography: string; unit_level: string; unit_code: string; indicator: string; numerator: number; denominator: number | null }>(
        conn,
        `select period, geography, unit_level, unit_code, indicator, numerator, denominator from indicators.indicator_values
         where breakdown = 'total' and indicator in ('LRN', 'CLS', 'TCH', 'QT') and unit_level in ('school', 'province')`,
      );
      const got = new Map<string, Counts>();
      for (const r of actual) {
        const key = `${r.period}|${r.geography}|${r.unit_level}|${r.unit_code}`;
        const c = got.get(key) ?? { learners: 0, classes: 0, teachers: 0, qualified: 0 };
        if (r.indicator === 'LRN') c.learners = Number(r.numerator);
        if (r.indicator === 'CLS') c.classes = Number(r.numerator);
        if (r.indicator === 'TCH') c.teachers = Number(r.numerator);
        if (r.indicator === 'QT') c.qualified = Number(r.numerator);
        got.set(key, c);
      }
      const want = new Map<string, Counts>();
      for (const r of expected) {
        add(want, `${r.period}|as_reported|school|${r.ma_truong_hoc}`, r);
        add(want, `${r.period}|as_reported|province|${r.province}`, r);
        add(want, `${r.period}|current_34|province|${r.province_today}`, r);
      }
      expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
      // and the qualified share agrees with the source's counts, per province and census day
      const shares = await queryRows<{ k: string; value: number }>(
        conn,
        `select period || '|' || geography || '|' || unit_code as k, value from indicators.indicator_values
         where indicator = 'QT' and breakdown = 'total' and unit_level = 'province'`,
      );
      for (const s of shares) {
        const [period, geography, code] = s.k.split('|');
        const w = want.get(`${period}|${geography}|province|${code}`)!;
        expect(s.value, s.k).toBeCloseTo((100 * w.qualified) / w.teachers, 9);
      }
    } finally {
      conn.closeSync();
      warehouse.close();
    }
  } finally {
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('indicators on generated data', () => {
  it('agree exactly with counts made on the source for every school and province (tiny)', async () => {
    await proveExact('tiny', 11);
  });

  it('agree exactly with counts made on the source for every school and province (demo)', { timeout: 900_000, tags: ['demo'] }, async () => {
    await proveExact('demo', 3);
  });
});
