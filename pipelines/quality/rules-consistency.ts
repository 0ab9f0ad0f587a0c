/**
 * Consistency (accuracy proxies): figures that must agree with each other inside the data.
 *   TOTAL        a school's declared totals (tong_so_hoc_sinh / lop_hoc / can_bo) against its
 *                records of the school year;
 *   SISO         a class's declared size against the learners assigned to it at the start of
 *                the year (ma_lop_hoc_dn);
 *   GRADE-LEVEL  a learner's or class's khối inside the levels the school serves (DM_KHOI's
 *                level against DM_NHOM_CAP_HOC's list of levels, read from the code lists);
 *   STATUS-HIST  a learner's current status and status date against the last entry of the
 *                status history.
 */
import type { QueryRule } from './rule.ts';
import { IN_EVAL_YEARS } from './sql-fragments.ts';
import { populationSql } from './populations.ts';

type Draft = Omit<QueryRule, 'kind' | 'dimension' | 'weight'> & { weight?: number };
const rule = (d: Draft): QueryRule => ({ kind: 'query', dimension: 'consistency', weight: 1, ...d });

const TOTALS = [
  { field: 'tong_so_hoc_sinh', table: 'hoc_sinh', vi: 'học sinh', en: 'learners' },
  { field: 'tong_so_lop_hoc', table: 'lop_hoc', vi: 'lớp học', en: 'classes' },
  { field: 'tong_so_can_bo', table: 'can_bo', vi: 'cán bộ', en: 'staff' },
];

/**
 * A record's grade (khối) must belong to a level (DM_CAP_HOC) its school serves: the levels of the
 * school's group (DM_NHOM_CAP_HOC, its "DS_Cấp" list), or of its own level when it has no group.
 */
function gradeLevel(table: 'hoc_sinh' | 'lop_hoc'): QueryRule {
  // learners carry khối as a number, classes as text ('06'); DM_KHOI codes are text
  const khoi = table === 'hoc_sinh' ? 'try_cast(k.ma as integer) = r.khoi_hoc' : 'k.ma = r.khoi_hoc';
  const who = table === 'hoc_sinh' ? { vi: 'học sinh', en: 'learner', p: 'HS' } : { vi: 'lớp học', en: 'class', p: 'LH' };
  return rule({
    id: `${who.p}-GRADE-LEVEL`,
    family: 'grade_level',
    level: 'record',
    table,
    field: 'khoi_hoc',
    vi: `Khối học của ${who.vi} không thuộc cấp học của trường`,
    en: `Grade (khối) of the ${who.en} outside the levels the school serves`,
    // the levels a school serves and the level of each grade are read once per school and per
    // grade, not once per record, and only the columns the rule needs go through the joins
    // (national learners, 2025-DN: 5,4-6,5 s against 17,0 s, the same rows)
    sql: `
      with r as (${populationSql(table)}),
      s as (
        select t.ma_truong_hoc, t.nam_hoc,
          (select string_split(json_extract_string(g.thuoc_tinh, '$."DS_Cấp"'), ',') from raw.dm_nhom_cap_hoc as g
           where g.ma = coalesce(t.ma_nhom_cap_hoc, t.cap_hoc)) as served
        from raw.truong_hoc as t where t.deleted_at is null and ${IN_EVAL_YEARS}
      ),
      k as (
        select ma, json_extract_string(thuoc_tinh, '$."Mã cấp học"') as cap from raw.dm_khoi
      ),
      checked as (
        select r.period, r.unit_code, r.record_key, r.record_id, r.pseudonym, r.khoi_hoc, k.cap, s.served
        from r
        join s on s.ma_truong_hoc = r.ma_truong_hoc and s.nam_hoc = r.nam_hoc
        join k on ${khoi}
      )
      select period, unit_code, record_key, record_id, pseudonym,
        not list_contains(served, cap) as failed,
        case when not list_contains(served, cap)
          then 'khối ' || khoi_hoc || ' (cấp ' || cap || ') not in ' || array_to_string(served, ',') end as detail
      from checked
      where served is not null and cap is not null`,
  });
}

/** The consistency rules. */
export function consistencyRules(): QueryRule[] {
  const totals = TOTALS.map((t) =>
    rule({
      id: `TH-TOTAL-${t.table}`,
      family: 'total',
      level: 'record',
      table: 'truong_hoc',
      field: t.field,
      vi: `Tổng số ${t.vi} khai báo của trường khác số bản ghi ${t.vi}`,
      en: `Declared total of ${t.en} differs from the ${t.en} records`,
      sql: `
        with schools as (${populationSql('truong_hoc')}),
        counted as (
          select ma_truong_hoc, nam_hoc, count(*) as n
          from raw.${t.table} where deleted_at is null and ${IN_EVAL_YEARS} group by all
        )
        select s.period, s.unit_code, s.record_key, s.record_id, s.pseudonym,
          s.${t.field} <> coalesce(c.n, 0) as failed,
          case when s.${t.field} <> coalesce(c.n, 0) then '${t.field} ' || s.${t.field} || ', records ' || coalesce(c.n, 0) end as detail
        from schools as s
        left join counted as c on c.ma_truong_hoc = s.ma_truong_hoc and c.nam_hoc = s.nam_hoc
        where s.${t.field} is not null`,
    }),
  );
  return [
    ...totals,
    rule({
      id: 'LH-SISO',
      family: 'class_size',
      level: 'record',
      table: 'lop_hoc',
      field: 'si_so',
      vi: 'Sĩ số lớp khai báo khác số học sinh được xếp vào lớp (đầu năm)',
      en: 'Declared class size differs from the learners assigned to the class (start of year)',
      sql: `
        with classes as (${populationSql('lop_hoc')}),
        assigned as (
          select ma_truong_hoc, nam_hoc, ma_lop_hoc_dn, count(*) as n
          from raw.hoc_sinh where deleted_at is null and ${IN_EVAL_YEARS} and ma_lop_hoc_dn is not null group by all
        )
        select c.period, c.unit_code, c.record_key, c.record_id, c.pseudonym,
          c.si_so <> coalesce(a.n, 0) as failed,
          case when c.si_so <> coalesce(a.n, 0) then 'si_so ' || c.si_so || ', learners ' || coalesce(a.n, 0) end as detail
        from classes as c
        left join assigned as a
          on a.ma_truong_hoc = c.ma_truong_hoc and a.nam_hoc = c.nam_hoc and a.ma_lop_hoc_dn = c.ma_lop_hoc
        where c.si_so is not null`,
    }),
    gradeLevel('hoc_sinh'),
    gradeLevel('lop_hoc'),
    rule({
      id: 'HS-STATUS-HIST',
      family: 'status_date',
      level: 'record',
      table: 'hoc_sinh',
      field: 'trang_thai',
      vi: 'Trạng thái hoặc ngày trạng thái của học sinh mâu thuẫn với lịch sử thay đổi trạng thái',
      en: "Learner's status or status date contradicts the last entry of the status history",
      // the last live change of each record (latest date, then highest row id) is grouped once, by
      // the transform (core.fct_learners, one row per record and period); a record without a live
      // change is not checked
      sql: `
        with learners as (${populationSql('hoc_sinh')})
        select l.period, l.unit_code, l.record_key, l.record_id, l.pseudonym,
          l.trang_thai is distinct from f.last_change_status or l.ngay_trang_thai is distinct from f.last_change_date as failed,
          case when l.trang_thai is distinct from f.last_change_status
              then 'trang_thai ' || coalesce(l.trang_thai::varchar, 'empty') || ', history ends in ' || f.last_change_status
            when l.ngay_trang_thai is distinct from f.last_change_date
              then 'ngay_trang_thai differs from the history' end as detail
        from learners as l
        join core.fct_learners as f
          on f.hoc_sinh_id = l.record_id and f.period = l.period
        where f.status_changes > 0`,
    }),
  ];
}
