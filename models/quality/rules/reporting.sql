-- Reporting ("kịp thời", "sống"): one check per school active on the census day.
--   TH-MISSING   the school reported nothing for the school year (no learners, classes, staff);
--   TH-PARTIAL   it reported some of them only (every school has classes, staff and learners) -
--                a completeness finding;
--   TH-LATE      its data for the period were first complete after the province's deadline
--                (core.dim_period_deadlines, from configuration). The data are complete when
--                the school has reported learners, classes and staff and every learner present
--                on the census day is placed in a class of the period (ĐN: lớp đầu năm, CN: lớp
--                cuối năm); they were completed on the day the last record describing the census
--                day was entered: for ĐN its creation (created_at), for CN its end-of-year update
--                (updated_at), over the school row, its classes, its staff and its learners
--                present on the census day whose record no later event changed (a later
--                transfer or dropout is news of the next period).
--                A run that finds a school's data complete by the deadline, after the census day,
--                records that completion (meta.quality_completions, block complete_by_deadline);
--                every later run judges the school by the first completion recorded, so that a
--                correction entered after the deadline, which moves the record's time, does not
--                make a school late whose data were complete in time. ĐN and CN are judged the
--                same way. A school no run saw complete in time is judged by its records as they
--                are.
-- Times are read in Vietnam's time zone (+07) and compared by calendar day.

-- name: TH-MISSING
with {{reported_schools}}
select period, unit_code, record_key, record_id,
    learners + classes + staff = 0 as failed,
    null::varchar as fields,
    'Trường chưa báo cáo học sinh, lớp học và cán bộ của năm học ' || nam_hoc || '-' || (nam_hoc + 1) as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from reported

-- name: TH-PARTIAL
with {{reported_schools}}
select period, unit_code, record_key, record_id,
    learners = 0 or classes = 0 or staff = 0 as failed,
    null::varchar as fields,
    'Trường chưa báo cáo: ' || concat_ws(', ', case when learners = 0 then 'học sinh' end,
        case when classes = 0 then 'lớp học' end, case when staff = 0 then 'cán bộ' end) as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from reported
where learners + classes + staff > 0

-- A school whose records carry no entry time cannot be judged late or on time.
-- name: TH-LATE
with {{reported_schools}},
{{entries}},
{{completed}},
first_complete as (
    select period, unit_code, min(completed_on) as completed_on
    from meta.quality_completions
    where period in (select period from dq_eval_periods)
    group by all
),
judged as (
    select c.period, c.unit_code, coalesce(f.completed_on, c.completed_on) as completed_on
    from completed as c
    left join first_complete as f using (period, unit_code)
)
select r.period, r.unit_code, r.record_key, r.record_id,
    j.completed_on > d.deadline as failed,
    null::varchar as fields,
    'Số liệu của kỳ hoàn thành ngày ' || strftime(j.completed_on, '%d/%m/%Y') || ', sau hạn báo cáo ' || strftime(d.deadline, '%d/%m/%Y') as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from reported as r
join judged as j using (period, unit_code)
join core.dim_period_deadlines as d on d.period = r.period and d.province_key = r.province_key
where r.learners + r.classes + r.staff > 0 and j.completed_on is not null

-- The schools whose data for the period are complete by the deadline, as the records stand: the
-- school reported learners, classes and staff, placed every learner present on the census day in
-- a class of the period, entered its last record on or before the deadline, and the census day
-- is past (data "as of" a day cannot be complete before it). The quality run records the first
-- such completion of each school and period in meta.quality_completions, which TH-LATE reads.
-- name: complete_by_deadline
with {{reported_schools}},
{{entries}},
{{completed}}
select c.period, c.unit_code, c.completed_on, d.deadline
from completed as c
join reported as r using (period, unit_code)
join core.dim_period_deadlines as d on d.period = r.period and d.province_key = r.province_key
where r.learners > 0 and r.classes > 0 and r.staff > 0 and c.placed
    and c.completed_on <= d.deadline
    and cast(timezone('Asia/Ho_Chi_Minh', now()) as date) > r.census_day

-- The local date of each school's latest entry, and whether every learner present on the census
-- day is placed in a class of the period: Vietnam keeps no daylight saving, so the local date
-- never goes back as time goes on, and one conversion per school stands for one per record.
-- name: completed
completed as (
    select period, unit_code, cast(timezone('Asia/Ho_Chi_Minh', last_entry) as date) as completed_on, placed
    from (
        select e.period, e.ma_truong_hoc as unit_code, max(e.entered_at) as last_entry, bool_and(e.placed) as placed
        from entries as e
        group by all
    )
)

-- The schools checked: active on the census day, with their records of the school year counted
-- (also read by currency.sql).
-- name: reported_schools
schools as (
    select s.period, s.census_day, s.ky, s.nam_hoc, s.ma_truong_hoc as unit_code, s.province_key,
        'truong_hoc:' || s.truong_hoc_id as record_key, s.truong_hoc_id as record_id
    from core.fct_schools as s
    join dq_eval_periods as p on p.period = s.period
    where s.is_active
),
counts as (
    select ma_truong_hoc, nam_hoc, sum(learners) as learners, sum(classes) as classes, sum(staff) as staff
    from (
        select ma_truong_hoc, nam_hoc, count(*) as learners, 0 as classes, 0 as staff
        from raw.hoc_sinh where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods) group by all
        union all
        select ma_truong_hoc, nam_hoc, 0, count(*), 0
        from raw.lop_hoc where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods) group by all
        union all
        select ma_truong_hoc, nam_hoc, 0, 0, count(*)
        from raw.can_bo where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods) group by all
    )
    group by all
),
reported as (
    select s.*, coalesce(c.learners, 0) as learners, coalesce(c.classes, 0) as classes, coalesce(c.staff, 0) as staff
    from schools as s
    left join counts as c on c.ma_truong_hoc = s.unit_code and c.nam_hoc = s.nam_hoc
)

-- When each record describing a period's census day was entered: created_at for ĐN, updated_at
-- for CN (the end-of-year changes), per period and school, and whether a learner is placed in its
-- class of the period (lớp đầu năm for ĐN, lớp cuối năm for CN). Learners count when core.fct_learners
-- has them present on the census day (their status history, not a possibly wrong status date)
-- and no later event changed their record: a status date after the census day means a later
-- change, and one outside the school year is impossible and says nothing about when the data
-- were entered; summer transfers out and dropouts (11, 12) happen after the end-of-year census.
-- name: entries
entries as (
    select p.period, r.ma_truong_hoc, case when p.ky = 'DN' then r.created_at else r.updated_at end as entered_at, true as placed
    from (
        select ma_truong_hoc, nam_hoc, created_at, updated_at
        from raw.truong_hoc where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
        union all
        select ma_truong_hoc, nam_hoc, created_at, updated_at
        from raw.lop_hoc where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
        union all
        select ma_truong_hoc, nam_hoc, created_at, updated_at
        from raw.can_bo where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
    ) as r
    join dq_eval_periods as p on p.nam_hoc = r.nam_hoc
    union all
    select p.period, h.ma_truong_hoc, case when p.ky = 'DN' then h.created_at else h.updated_at end,
        nullif(trim(case when p.ky = 'DN' then h.ma_lop_hoc_dn else h.ma_lop_hoc_cn end), '') is not null
    from core.fct_learners as f
    join dq_eval_periods as p on p.period = f.period
    join raw.hoc_sinh as h on h.id = f.hoc_sinh_id
    where f.status_on_census is not null
        and (h.ngay_trang_thai is null or h.ngay_trang_thai between make_date(h.nam_hoc, 6, 1) and p.census_day)
        and not (p.ky = 'CN' and coalesce(h.trang_thai in (11, 12), false))
)
