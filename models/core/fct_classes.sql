-- Classes as of each census day: one row per live class of a school active on the census day,
-- per period of its school year (classes carry no dates of their own).
with

classes as (
    select * from staging.stg_csdl__lop_hoc
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

grades as (
    select * from core.dim_grades
),

final as (
    select
        s.period,
        s.nam_hoc,
        c.lop_hoc_id,
        c.ma_lop_hoc,
        c.ma_truong_hoc,
        s.school_key,
        s.current_province_code,
        c.khoi_hoc,
        g.grade,
        g.grade_order,
        g.level,
        coalesce(c.lop_ghep = 1, false) as is_multigrade,
        -- DM_SO_BUOI_HOC_TREN_TUAN 06 = 10 buổi/tuần, i.e. 2 buổi/ngày
        coalesce(c.so_buoi_tren_tuan = '06', false) as is_two_sessions,
        c.si_so as declared_size
    from classes as c
    join schools as s
        on s.ma_truong_hoc = c.ma_truong_hoc
        and s.nam_hoc = c.nam_hoc
    left join grades as g
        on g.khoi_code = c.khoi_hoc
)

select * from final
