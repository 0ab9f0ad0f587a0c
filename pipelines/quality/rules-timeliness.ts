/**
 * Reporting ("kịp thời", "sống"): one check per school active on the census day.
 *   TH-MISSING    the school reported nothing for the school year (no learners, classes, staff);
 *   TH-PARTIAL    it reported some of them only (DOMAIN: every school has classes, staff and
 *                 learners) - a completeness finding;
 *   TH-LATE       its data for the period reached completeness after the province's deadline
 *                 (core.dim_period_deadlines, from configuration). Completeness is reached when
 *                 the last record describing the census day was entered: for ĐN the latest
 *                 created_at, for CN the latest updated_at, over the school row, its classes,
 *                 its staff and its learners present on the census day whose record no later
 *                 event changed (a later transfer or dropout is news of the next period);
 *   TH-CURRENCY   its records were last touched long before the census day (data not kept alive).
 * Times are read in Vietnam's time zone (+07) and compared by calendar day.
 */
import type { QueryRule } from './rule.ts';
import { IN_EVAL_YEARS } from './sql-fragments.ts';

type Draft = Omit<QueryRule, 'kind' | 'level' | 'table' | 'weight'> & { weight?: number };
const rule = (d: Draft): QueryRule => ({ kind: 'query', level: 'unit', table: 'truong_hoc', weight: 1, ...d });

/** Days before the census day after which a school's last update counts as stale. */
export const CURRENCY_MAX_AGE_DAYS = 120;

/** Schools checked: active on the census day, with their records of the school year counted. */
const SCHOOLS = `
  with schools as (
    select s.period, s.census_day, s.ky, s.nam_hoc, s.ma_truong_hoc as unit_code, s.province_key,
      'truong_hoc:' || s.truong_hoc_id as record_key, s.truong_hoc_id as record_id
    from core.fct_schools as s
    join dq_eval_periods as p on p.period = s.period
    where s.is_active
  ),
  counts as (
    select ma_truong_hoc, nam_hoc, sum(learners) as learners, sum(classes) as classes, sum(staff) as staff
    from (
      select ma_truong_hoc, nam_hoc, count(*) as learners, 0 as classes, 0 as staff from raw.hoc_sinh where deleted_at is null and ${IN_EVAL_YEARS} group by all
      union all
      select ma_truong_hoc, nam_hoc, 0, count(*), 0 from raw.lop_hoc where deleted_at is null and ${IN_EVAL_YEARS} group by all
      union all
      select ma_truong_hoc, nam_hoc, 0, 0, count(*) from raw.can_bo where deleted_at is null and ${IN_EVAL_YEARS} group by all
    )
    group by all
  ),
  reported as (
    select s.*, coalesce(c.learners, 0) as learners, coalesce(c.classes, 0) as classes, coalesce(c.staff, 0) as staff
    from schools as s
    left join counts as c on c.ma_truong_hoc = s.unit_code and c.nam_hoc = s.nam_hoc
  )`;

/**
 * When each record describing a period's census day was entered: created_at for ĐN, updated_at
 * for CN (the end-of-year changes), per period and school. Learners count when core.fct_learners
 * has them present on the census day (their status history, not a possibly wrong status date)
 * and their record was not changed by a later event (see the module comment).
 */
const ENTRIES = `
  entries as (
    select p.period, r.ma_truong_hoc, case when p.ky = 'DN' then r.created_at else r.updated_at end as entered_at
    from (
      select ma_truong_hoc, nam_hoc, created_at, updated_at from raw.truong_hoc where deleted_at is null and ${IN_EVAL_YEARS}
      union all
      select ma_truong_hoc, nam_hoc, created_at, updated_at from raw.lop_hoc where deleted_at is null and ${IN_EVAL_YEARS}
      union all
      select ma_truong_hoc, nam_hoc, created_at, updated_at from raw.can_bo where deleted_at is null and ${IN_EVAL_YEARS}
    ) as r
    join dq_eval_periods as p on p.nam_hoc = r.nam_hoc
    union all
    select p.period, h.ma_truong_hoc, case when p.ky = 'DN' then h.created_at else h.updated_at end
    from core.fct_learners as f
    join dq_eval_periods as p on p.period = f.period
    join raw.hoc_sinh as h on h.id = f.hoc_sinh_id
    where f.status_on_census is not null
      -- a status date after the census day means a later change; one outside the school year
      -- is impossible and says nothing about when the data were entered
      and (h.ngay_trang_thai is null or h.ngay_trang_thai between make_date(h.nam_hoc, 6, 1) and p.census_day)
      -- summer transfers out and dropouts (11, 12) happen after the end-of-year census
      and not (p.ky = 'CN' and coalesce(h.trang_thai in (11, 12), false))
  )`;

const local = (ts: string) => `cast(timezone('Asia/Ho_Chi_Minh', ${ts}) as date)`;

/** The reporting rules. */
export function timelinessRules(): QueryRule[] {
  return [
    rule({
      id: 'TH-MISSING',
      dimension: 'timeliness',
      family: 'reporting',
      weight: 2,
      vi: 'Trường không báo cáo số liệu trong kỳ (không có học sinh, lớp, cán bộ)',
      en: 'School reported nothing for the period (no learners, classes or staff)',
      sql: `${SCHOOLS}
        select period, unit_code, record_key, record_id, null::varchar as pseudonym,
          learners + classes + staff = 0 as failed,
          'no learners, classes or staff reported' as detail
        from reported`,
    }),
    rule({
      id: 'TH-PARTIAL',
      dimension: 'completeness',
      family: 'reporting',
      vi: 'Trường báo cáo thiếu một phần: thiếu học sinh, lớp học hoặc cán bộ',
      en: 'School reported only part of its data: learners, classes or staff missing',
      sql: `${SCHOOLS}
        select period, unit_code, record_key, record_id, null::varchar as pseudonym,
          learners = 0 or classes = 0 or staff = 0 as failed,
          'missing: ' || concat_ws(', ', case when learners = 0 then 'learners' end,
            case when classes = 0 then 'classes' end, case when staff = 0 then 'staff' end) as detail
        from reported
        where learners + classes + staff > 0`,
    }),
    rule({
      id: 'TH-LATE',
      dimension: 'timeliness',
      family: 'reporting',
      vi: 'Số liệu của trường hoàn thành sau hạn báo cáo của tỉnh',
      en: "School's data for the period completed after the province's deadline",
      sql: `${SCHOOLS}, ${ENTRIES},
        completed as (
          -- the local date of the latest entry: Vietnam keeps no daylight saving, so the local
          -- date never goes back as time goes on, and one conversion a school replaces one a record
          -- (national, 2025-DN: 5,7-6,5 s against 8,7 s, the same rows)
          select period, unit_code, ${local('last_entry')} as completed_on
          from (
            select e.period, e.ma_truong_hoc as unit_code, max(e.entered_at) as last_entry
            from entries as e
            group by all
          )
        )
        select r.period, r.unit_code, r.record_key, r.record_id, null::varchar as pseudonym,
          c.completed_on > d.deadline as failed,
          'completed ' || strftime(c.completed_on, '%d/%m/%Y') || ', deadline ' || strftime(d.deadline, '%d/%m/%Y') as detail
        from reported as r
        join completed as c using (period, unit_code)
        join core.dim_period_deadlines as d on d.period = r.period and d.province_key = r.province_key
        -- a school whose records carry no entry time cannot be judged late or on time
        where r.learners + r.classes + r.staff > 0 and c.completed_on is not null`,
    }),
    rule({
      id: 'TH-CURRENCY',
      dimension: 'timeliness',
      family: 'currency',
      thresholds: { max_age_days: CURRENCY_MAX_AGE_DAYS },
      vi: `Số liệu của trường không được cập nhật trong ${CURRENCY_MAX_AGE_DAYS} ngày trước ngày chốt số liệu`,
      en: `School's records not updated within ${CURRENCY_MAX_AGE_DAYS} days before the census day`,
      sql: `${SCHOOLS},
        touched as (
          select ma_truong_hoc, nam_hoc, max(updated_at) as last_update
          from (
            select ma_truong_hoc, nam_hoc, updated_at from raw.hoc_sinh where deleted_at is null and ${IN_EVAL_YEARS}
            union all select ma_truong_hoc, nam_hoc, updated_at from raw.lop_hoc where deleted_at is null and ${IN_EVAL_YEARS}
            union all select ma_truong_hoc, nam_hoc, updated_at from raw.can_bo where deleted_at is null and ${IN_EVAL_YEARS}
            union all select ma_truong_hoc, nam_hoc, updated_at from raw.truong_hoc where deleted_at is null and ${IN_EVAL_YEARS}
          )
          group by all
        )
        select r.period, r.unit_code, r.record_key, r.record_id, null::varchar as pseudonym,
          ${local('t.last_update')} < r.census_day - ${CURRENCY_MAX_AGE_DAYS} as failed,
          'last update ' || strftime(${local('t.last_update')}, '%d/%m/%Y') as detail
        from reported as r
        join touched as t on t.ma_truong_hoc = r.unit_code and t.nam_hoc = r.nam_hoc
        where r.learners + r.classes + r.staff > 0 and t.last_update is not null`,
    }),
  ];
}
