/**
 * An independent recount of the indicators from the source: plain PostgreSQL over the sample
 * CSDL (`csdl.*`), written from the definitions in models/README.md and the catalogue, never from the
 * models, then compared cell by cell with indicators.indicator_values. Used by
 * test/models/recount.test.ts (tiny) and bench/recount.bench.ts (demo and larger).
 *
 * Cells recounted, per province (as reported and among today's 34) and for the nation, for each
 * period asked (e.g. 2024-DN under the 63 old provinces and 2025-CN under the 34):
 *   SCH       schools active on the census day: total, ownership
 *   CLS       live classes of active schools: total
 *   LRN       learner records enrolled on the census day: total, level, sex, minority
 *   LRN-P     the same as persons (distinct learner codes): total, level, sex
 *   TCH       teachers (group 03) working on the census day: total, sex, minority
 *   STF       staff of every group working on the census day: total, sex, minority
 *   STF-MGR   of whom managers (group 01): total;  STF-EMP  employees (group 02): total
 *   ONAGE     enrolled learners of grades 1-12 on age / with a possible birth date: total, sex
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal, queryRows } from '../../lib/warehouse.ts';
import type { TestSource } from './source.ts';

/**
 * The recount, one row per cell: `$1` is the periods ('2024-DN', '2025-CN'). Definitions:
 *   - census day: 30/09 of nam_hoc (DN), 31/05 of nam_hoc + 1 (CN);
 *   - a school-year is placed in the province of its ma_tinh when that names a province valid on
 *     30/09 of its school year, else in its commune's, else its district's; today's province is
 *     the crosswalk's for an old one; a school placed nowhere counts in no province and not in
 *     the nation;
 *   - a school counts if not deleted, trang_thai '1' and founded by the census day (or undated);
 *   - a learner record counts if not deleted and its status on the census day is 1, 2, 3, 6, 7 or
 *     10: the status of its last undeleted change at that school dated by then (latest id on a
 *     tie); with none, nothing when its first change is 1, 2, 6 or 10, else the record's own
 *     status when undated or dated by then;
 *   - level by khối: 1-5 primary, 6-9 lower secondary, 10-12 upper secondary, 16-17 preschool,
 *     13-15 and 18-28 continuing;
 *   - minority: a code of csdl.dm_dan_toc other than 01 and 55 is yes, 01 and 55 are no, anything
 *     else unknown (in no minority cell);
 *   - a possible birth date: yyyy-mm-dd (optionally followed by T or a space and a time), a real
 *     calendar day, from 01/01/1900 to the census day; age = nam_hoc - birth year;
 *   - staff work on the census day in status 01, 04 or 07, hired by then (or undated).
 */
export const RECOUNT_SQL = `
with
periods as (
  select p as period, split_part(p, '-', 1)::int as nam_hoc, split_part(p, '-', 2) as ky
  from unnest($1::text[]) as p
),
census as (
  select period, nam_hoc, case ky when 'DN' then make_date(nam_hoc, 9, 30) else make_date(nam_hoc + 1, 5, 31) end as day
  from periods
),
province as (
  select p.ma, p.hieu_luc_tu, coalesce(p.hieu_luc_den, 'infinity'::date) as hieu_luc_den,
         coalesce((select x.ma_tinh_moi from csdl.dm_tinh_sap_nhap x where x.ma_tinh_cu = p.ma and p.hieu_luc_den is not null), p.ma) as today
  from csdl.dm_tinh p
),
school as (
  select c.period, c.day, t.ma_truong_hoc, t.nam_hoc, t.loai_hinh_dao_tao, pr.ma as province, pr.today
  from csdl.truong_hoc t
  join census c on c.nam_hoc = t.nam_hoc
  cross join lateral (
    select coalesce(
      (select p.ma from csdl.dm_tinh p where p.ma = t.ma_tinh and make_date(t.nam_hoc, 9, 30) between p.hieu_luc_tu and coalesce(p.hieu_luc_den, 'infinity')),
      (select x.ma_tinh from csdl.dm_xa x where x.ma = t.ma_xa and make_date(t.nam_hoc, 9, 30) between x.hieu_luc_tu and coalesce(x.hieu_luc_den, 'infinity')),
      (select d.ma_tinh from csdl.dm_huyen d where d.ma = t.ma_huyen and make_date(t.nam_hoc, 9, 30) between d.hieu_luc_tu and coalesce(d.hieu_luc_den, 'infinity'))
    ) as code
  ) as placed
  join province pr on pr.ma = placed.code and make_date(t.nam_hoc, 9, 30) between pr.hieu_luc_tu and pr.hieu_luc_den
  where t.deleted_at is null and t.trang_thai = '1' and (t.ngay_thanh_lap is null or t.ngay_thanh_lap <= c.day)
),
learner_day as (
  select s.period, s.day, s.ma_truong_hoc, s.province, s.today, h.id, h.ma_hoc_sinh, h.nam_hoc, h.khoi_hoc,
         h.gioi_tinh, h.ma_dan_toc, h.ngay_sinh, h.trang_thai, h.ngay_trang_thai
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
enrolled as (
  select d.*,
         case when d.khoi_hoc between 1 and 5 then 'primary' when d.khoi_hoc between 6 and 9 then 'lower_secondary'
              when d.khoi_hoc between 10 and 12 then 'upper_secondary' when d.khoi_hoc in (16, 17) then 'preschool'
              when d.khoi_hoc between 13 and 15 or d.khoi_hoc between 18 and 28 then 'continuing' end as level,
         case d.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
         case when d.ma_dan_toc in ('01', '55') then 'no' when d.ma_dan_toc in (select ma from csdl.dm_dan_toc) then 'yes' end as minority,
         trim(d.ngay_sinh) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?$' as shaped
  from learner_day d
  left join last_change lc on lc.id = d.id and lc.period = d.period
  left join first_change fc on fc.id = d.id and fc.period = d.period
  where coalesce(
    lc.trang_thai,
    case when fc.trang_thai in (1, 2, 6, 10) then null
         when d.ngay_trang_thai is null or d.ngay_trang_thai <= d.day then d.trang_thai end
  ) in (1, 2, 3, 6, 7, 10)
),
birth_parts as (
  select e.*,
         case when shaped then substr(trim(ngay_sinh), 1, 4)::int end as y,
         case when shaped then substr(trim(ngay_sinh), 6, 2)::int end as m,
         case when shaped then substr(trim(ngay_sinh), 9, 2)::int end as dd
  from enrolled e
),
learner as (
  select b.*,
         -- nested, so that make_date only ever sees a real year and month
         case when y >= 1 and m between 1 and 12 then
           case when dd between 1 and extract(day from make_date(y, m, 1) + interval '1 month' - interval '1 day') then make_date(y, m, dd) end
         end as birth
  from birth_parts b
),
staff as (
  select s.period, s.province, s.today, b.loai_can_bo,
         case b.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
         case when b.ma_dan_toc in ('01', '55') then 'no' when b.ma_dan_toc in (select ma from csdl.dm_dan_toc) then 'yes' end as minority
  from school s
  join csdl.can_bo b on b.ma_truong_hoc = s.ma_truong_hoc and b.nam_hoc = s.nam_hoc and b.deleted_at is null
   and b.trang_thai in ('01', '04', '07') and (b.ngay_tuyen_dung is null or b.ngay_tuyen_dung <= s.day)
),
class as (
  select s.period, s.province, s.today
  from school s
  join csdl.lop_hoc l on l.ma_truong_hoc = s.ma_truong_hoc and l.nam_hoc = s.nam_hoc and l.deleted_at is null
),
-- every fact once per unit it counts in: its province as reported, today's, and the nation
school_units as (
  select s.*, u.geography, u.unit_level, u.unit_code
  from school s
  cross join lateral (values ('as_reported', 'province', s.province), ('current_34', 'province', s.today),
                             ('as_reported', 'nation', 'VN'), ('current_34', 'nation', 'VN')) as u (geography, unit_level, unit_code)
),
learner_units as (
  select l.*, u.geography, u.unit_level, u.unit_code
  from learner l
  cross join lateral (values ('as_reported', 'province', l.province), ('current_34', 'province', l.today),
                             ('as_reported', 'nation', 'VN'), ('current_34', 'nation', 'VN')) as u (geography, unit_level, unit_code)
),
staff_units as (
  select t.*, u.geography, u.unit_level, u.unit_code
  from staff t
  cross join lateral (values ('as_reported', 'province', t.province), ('current_34', 'province', t.today),
                             ('as_reported', 'nation', 'VN'), ('current_34', 'nation', 'VN')) as u (geography, unit_level, unit_code)
),
class_units as (
  select c.*, u.geography, u.unit_level, u.unit_code
  from class c
  cross join lateral (values ('as_reported', 'province', c.province), ('current_34', 'province', c.today),
                             ('as_reported', 'nation', 'VN'), ('current_34', 'nation', 'VN')) as u (geography, unit_level, unit_code)
),
cells as (
  select period, geography, unit_level, unit_code, 'SCH' as indicator, 'total' as breakdown, count(*) as numerator, null::bigint as denominator
  from school_units group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'SCH', 'ownership=' || case when loai_hinh_dao_tao = '01' then 'public' else 'non_public' end, count(*), null
  from school_units where loai_hinh_dao_tao in ('01', '02', '03', '09') group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'CLS', 'total', count(*), null from class_units group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'LRN', 'total', count(*), null from learner_units group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'LRN', 'level=' || level, count(*), null from learner_units where level is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'LRN', 'sex=' || sex, count(*), null from learner_units where sex is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'LRN', 'minority=' || minority, count(*), null from learner_units where minority is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'LRN-P', 'total', count(distinct ma_hoc_sinh), null from learner_units group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'LRN-P', 'level=' || level, count(distinct ma_hoc_sinh), null from learner_units where level is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'LRN-P', 'sex=' || sex, count(distinct ma_hoc_sinh), null from learner_units where sex is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'TCH', 'total', count(*), null from staff_units where loai_can_bo = '03' group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'TCH', 'sex=' || sex, count(*), null from staff_units where loai_can_bo = '03' and sex is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'TCH', 'minority=' || minority, count(*), null from staff_units where loai_can_bo = '03' and minority is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'STF', 'total', count(*), null from staff_units group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'STF', 'sex=' || sex, count(*), null from staff_units where sex is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'STF', 'minority=' || minority, count(*), null from staff_units where minority is not null group by 1, 2, 3, 4, 6
  union all
  select period, geography, unit_level, unit_code, 'STF-MGR', 'total', count(*), null from staff_units where loai_can_bo = '01' group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'STF-EMP', 'total', count(*), null from staff_units where loai_can_bo = '02' group by 1, 2, 3, 4
  union all
  select period, geography, unit_level, unit_code, 'ONAGE', b.breakdown,
         count(*) filter (where nam_hoc - y = khoi_hoc + 5), count(*)
  from learner_units
  cross join lateral (values ('total'), ('sex=' || sex)) as b (breakdown)
  where khoi_hoc between 1 and 12 and birth between date '1900-01-01' and day and b.breakdown is not null
  group by 1, 2, 3, 4, 6
)
select period, geography, unit_level, unit_code, indicator, breakdown, numerator::bigint as numerator, denominator::bigint as denominator
from cells`;

/** One recounted cell, keyed like indicators.indicator_values. */
export type RecountCell = {
  period: string;
  geography: string;
  unit_level: string;
  unit_code: string;
  indicator: string;
  breakdown: string;
  numerator: number;
  denominator: number | null;
};

/** The cells of the recount; the breakdowns recounted per indicator (the comparison is restricted to them). */
export const RECOUNTED: Record<string, RegExp> = {
  SCH: /^(total|ownership=.*)$/,
  CLS: /^total$/,
  LRN: /^(total|level=.*|sex=.*|minority=.*)$/,
  'LRN-P': /^(total|level=.*|sex=.*)$/,
  TCH: /^(total|sex=.*|minority=.*)$/,
  STF: /^(total|sex=.*|minority=.*)$/,
  'STF-MGR': /^total$/,
  'STF-EMP': /^total$/,
  ONAGE: /^(total|sex=.*)$/,
};

/** Runs the recount on the source for the periods. */
export async function recount(source: TestSource, periods: string[]): Promise<RecountCell[]> {
  const { rows } = await source.query(RECOUNT_SQL, [periods]);
  return (rows as RecountCell[]).map((r) => ({ ...r, numerator: Number(r.numerator), denominator: r.denominator === null ? null : Number(r.denominator) }));
}

export type RecountComparison = {
  /** Cells compared: every key on either side within the recounted indicators and breakdowns. */
  compared: number;
  /** Cells whose figures differ, at most 50, as `key: warehouse [n, d] against source [n, d]`. */
  mismatches: string[];
  mismatchCount: number;
};

/**
 * Compares the recount with indicators.indicator_values for the same periods, province and nation
 * rows, indicators and breakdowns. A count cell missing on one side is 0 there (the models write
 * a breakdown row only where its group exists); a ratio cell (ONAGE) exists only with a positive
 * denominator, on both sides.
 */
export async function compareWithIndicators(conn: DuckDBConnection, periods: string[], cells: RecountCell[]): Promise<RecountComparison> {
  const rows = await queryRows<RecountCell>(
    conn,
    `select period, geography, unit_level, unit_code, indicator, breakdown, numerator, denominator
     from indicators.indicator_values
     where unit_level in ('province', 'nation')
       and period in (${periods.map(literal).join(', ')})
       and indicator in (${Object.keys(RECOUNTED).map(literal).join(', ')})`,
  );
  const key = (c: RecountCell) => `${c.period}|${c.geography}|${c.unit_level}|${c.unit_code}|${c.indicator}|${c.breakdown}`;
  const kept = (c: RecountCell) => RECOUNTED[c.indicator]?.test(c.breakdown) && (c.indicator !== 'ONAGE' || Number(c.denominator) > 0);
  const figures = (c: RecountCell | undefined, ratio: boolean) =>
    c ? [Number(c.numerator), c.denominator === null ? null : Number(c.denominator)] : ratio ? null : [0, null];
  const warehouse = new Map(rows.filter(kept).map((c) => [key(c), c]));
  const source = new Map(cells.filter(kept).map((c) => [key(c), c]));
  const keys = [...new Set([...warehouse.keys(), ...source.keys()])].sort();
  const mismatches: string[] = [];
  for (const k of keys) {
    const ratio = k.split('|')[4] === 'ONAGE';
    const w = figures(warehouse.get(k), ratio);
    const s = figures(source.get(k), ratio);
    if (JSON.stringify(w) !== JSON.stringify(s)) mismatches.push(`${k}: warehouse ${JSON.stringify(w)} against source ${JSON.stringify(s)}`);
  }
  return { compared: keys.length, mismatches: mismatches.slice(0, 50), mismatchCount: mismatches.length };
}
