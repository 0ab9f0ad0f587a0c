-- Reporting ("kịp thời", "sống"): one check per school active on the census day.
--   TH-MISSING   the school reported nothing for the school year (no learners, classes, staff);
--   TH-PARTIAL   it reported some of them only (every school has classes, staff and learners) -
--                a completeness finding;
--   TH-LATE      its data for the period reached completeness after the province's deadline
--                (core.dim_period_deadlines, from configuration). Completeness is reached when
--                the last record describing the census day was entered: for ĐN the latest
--                created_at, for CN the latest updated_at, over the school row, its classes, its
--                staff and its learners present on the census day whose record no later event
--                changed (a later transfer or dropout is news of the next period).
-- Times are read in Vietnam's time zone (+07) and compared by calendar day.

-- name: TH-MISSING
with {{reported_schools}}
select period, unit_code, record_key, record_id, null::varchar as pseudonym,
    learners + classes + staff = 0 as failed,
    'no learners, classes or staff reported' as detail
from reported

-- name: TH-PARTIAL
with {{reported_schools}}
select period, unit_code, record_key, record_id, null::varchar as pseudonym,
    learners = 0 or classes = 0 or staff = 0 as failed,
    'missing: ' || concat_ws(', ', case when learners = 0 then 'learners' end,
        case when classes = 0 then 'classes' end, case when staff = 0 then 'staff' end) as detail
from reported
where learners + classes + staff > 0

-- The local date of each school's latest entry: Vietnam keeps no daylight saving, so the local
-- date never goes back as time goes on, and one conversion per school stands for one per record.
-- A school whose records carry no entry time cannot be judged late or on time.
-- name: TH-LATE
with {{reported_schools}},
{{entries}},
completed as (
    select period, unit_code, cast(timezone('Asia/Ho_Chi_Minh', last_entry) as date) as completed_on
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
where r.learners + r.classes + r.staff > 0 and c.completed_on is not null

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
-- for CN (the end-of-year changes), per period and school. Learners count when core.fct_learners
-- has them present on the census day (their status history, not a possibly wrong status date)
-- and no later event changed their record: a status date after the census day means a later
-- change, and one outside the school year is impossible and says nothing about when the data
-- were entered; summer transfers out and dropouts (11, 12) happen after the end-of-year census.
-- name: entries
entries as (
    select p.period, r.ma_truong_hoc, case when p.ky = 'DN' then r.created_at else r.updated_at end as entered_at
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
    select p.period, h.ma_truong_hoc, case when p.ky = 'DN' then h.created_at else h.updated_at end
    from core.fct_learners as f
    join dq_eval_periods as p on p.period = f.period
    join raw.hoc_sinh as h on h.id = f.hoc_sinh_id
    where f.status_on_census is not null
        and (h.ngay_trang_thai is null or h.ngay_trang_thai between make_date(h.nam_hoc, 6, 1) and p.census_day)
        and not (p.ky = 'CN' and coalesce(h.trang_thai in (11, 12), false))
)
