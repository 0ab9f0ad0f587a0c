-- Enrolled learner records on the start-of-year census day as the two report forms count them:
-- preschool (khối 16 nhóm trẻ, 17 mẫu giáo) and primary (khối 1-5) records of active schools in
-- ĐN periods, with the splits the forms need that core does not carry (disability, semi-boarding,
-- the start-of-year class and whether it studies two sessions a day), joined from staging by the
-- record's row id. Minority is core's is_minority: an unknown ethnicity is not minority.
with

periods as (
    select
        period,
        census_day
    from core.dim_periods
    where ky = 'DN'
),

learners as (
    select * from core.fct_learners
    where is_enrolled
        and (khoi_hoc in (16, 17) or khoi_hoc between 1 and 5)
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

source_learners as (
    select
        hoc_sinh_id,
        ma_truong_hoc,
        ma_lop_hoc_dn,
        khuyet_tat,
        ma_loai_khuyet_tat,
        ban_tru
    from staging.stg_csdl__hoc_sinh
),

-- one class per code and school-year (a repeated class code is a quality finding, not a reason
-- to count its learners twice)
classes as (
    select
        period,
        ma_truong_hoc,
        ma_lop_hoc,
        lop_hoc_id,
        is_two_sessions
    from core.fct_classes
    qualify row_number() over (partition by period, ma_truong_hoc, ma_lop_hoc order by lop_hoc_id) = 1
),

final as (
    select
        l.period,
        l.nam_hoc,
        l.hoc_sinh_id,
        l.school_key,
        l.current_province_code,
        l.khoi_hoc,
        coalesce(l.gioi_tinh = 2, false) as is_female,
        coalesce(l.is_minority, false) as is_minority,
        l.age,
        -- completed months on the census day (nhà trẻ rows are in months)
        datesub('month', l.ngay_sinh, p.census_day) as months,
        l.is_repeater,
        coalesce(h.khuyet_tat = 1, false) as is_disabled,
        h.ma_loai_khuyet_tat,
        coalesce(h.ban_tru = 1, false) as is_ban_tru,
        c.lop_hoc_id,
        coalesce(c.is_two_sessions, false) as is_two_sessions
    from learners as l
    join periods as p
        on p.period = l.period
    left join source_learners as h
        on h.hoc_sinh_id = l.hoc_sinh_id
    left join classes as c
        on c.period = l.period
        and c.ma_truong_hoc = h.ma_truong_hoc
        and c.ma_lop_hoc = h.ma_lop_hoc_dn
)

select * from final
