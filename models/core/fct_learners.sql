-- Learners as of each census day: one row per live learner record (learner x school x school
-- year) of a school active on the census day, per period of its school year. The status on the
-- census day is the latest status change at that school with ngay_hieu_luc <= census day (ties:
-- the later row); without one, the record's current status if it took effect by then. A
-- learner is enrolled (counted) when that status is 01 đang học, 02/06/10 chuyển đến or 03/07
-- học lại; a dropout when the record's current status is 05/09/12 thôi học.
with

learners as (
    select * from staging.stg_csdl__hoc_sinh
    where not is_deleted
),

history as (
    select * from staging.stg_csdl__hoc_sinh_trang_thai
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

grades as (
    select * from core.dim_grades
),

learner_periods as (
    select
        s.period,
        s.ky,
        s.census_day,
        s.school_key,
        s.current_province_code,
        l.*
    from learners as l
    join schools as s
        on s.ma_truong_hoc = l.ma_truong_hoc
        and s.nam_hoc = l.nam_hoc
),

status_from_history as (
    select
        lp.hoc_sinh_id,
        lp.period,
        arg_max(h.trang_thai, (h.ngay_hieu_luc, h.hoc_sinh_trang_thai_id)) as trang_thai
    from learner_periods as lp
    join history as h
        on h.ma_hoc_sinh = lp.ma_hoc_sinh
        and h.ma_truong_hoc = lp.ma_truong_hoc
        and h.nam_hoc = lp.nam_hoc
        and h.ngay_hieu_luc <= lp.census_day
    group by all
),

with_status as (
    select
        lp.*,
        coalesce(
            h.trang_thai,
            case when lp.ngay_trang_thai is null or lp.ngay_trang_thai <= lp.census_day then lp.trang_thai end
        ) as status_on_census,
        case
            when h.trang_thai is not null then 'history'
            when lp.ngay_trang_thai is null or lp.ngay_trang_thai <= lp.census_day then 'record'
        end as status_source
    from learner_periods as lp
    left join status_from_history as h
        on h.hoc_sinh_id = lp.hoc_sinh_id
        and h.period = lp.period
),

final as (
    select
        w.period,
        w.nam_hoc,
        w.ky,
        w.census_day,
        w.hoc_sinh_id,
        w.ma_hoc_sinh,
        w.ma_truong_hoc,
        w.school_key,
        w.current_province_code,
        -- the class of the period: start-of-year class for ĐN, end-of-year class for CN
        case when w.ky = 'DN' then w.ma_lop_hoc_dn else w.ma_lop_hoc_cn end as ma_lop_hoc,
        w.khoi_hoc,
        g.grade,
        g.grade_order,
        g.level,
        g.official_age,
        case w.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        -- ethnic minority: any ethnicity other than 01 Kinh
        case when w.ma_dan_toc is not null then w.ma_dan_toc <> '01' end as is_minority,
        w.ma_dan_toc,
        w.ngay_sinh,
        -- age in the calendar year the school year starts (years)
        w.nam_hoc - year(w.ngay_sinh) as age,
        w.status_on_census,
        w.status_source,
        coalesce(w.status_on_census in (1, 2, 3, 6, 7, 10), false) as is_enrolled,
        coalesce(w.loai_nhap_hoc = 3, false) as is_repeater,
        coalesce(w.trang_thai in (5, 9, 12), false) as is_dropout,
        w.trang_thai,
        coalesce(w.khuyet_tat = 1, false) as has_disability
    from with_status as w
    left join grades as g
        on g.khoi_hoc = w.khoi_hoc
)

select * from final
