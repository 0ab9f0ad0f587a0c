-- Staff as of each census day: one row per live staff record of a school active on the census
-- day, per period of its school year. A counted teacher is in group 03 (giáo viên), working
-- (status 01) and hired by the census day. Qualified means meeting the training standard of
-- the level taught (core.dim_levels); a teacher without a known level is held to the general
-- standard.
with

staff as (
    select * from staging.stg_csdl__can_bo
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

levels as (
    select * from core.dim_levels
),

general_standard as (
    select qualified_trinh_do from levels where level = 'primary'
),

final as (
    select
        s.period,
        s.nam_hoc,
        c.can_bo_id,
        c.ma_can_bo,
        c.ma_truong_hoc,
        s.school_key,
        s.current_province_code,
        c.loai_can_bo,
        c.loai_can_bo = '03' as is_teacher,
        c.trang_thai = '01' and coalesce(c.ngay_tuyen_dung <= s.census_day, true) as is_working,
        coalesce(c.loai_can_bo = '03' and c.trang_thai = '01' and coalesce(c.ngay_tuyen_dung <= s.census_day, true), false) as is_counted_teacher,
        c.cap_hoc,
        l.level,
        case c.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        case when c.ma_dan_toc is not null then c.ma_dan_toc <> '01' end as is_minority,
        c.trinh_do_chuyen_mon_nv_cao_nhat,
        coalesce(list_contains(coalesce(l.qualified_trinh_do, (select qualified_trinh_do from general_standard)), c.trinh_do_chuyen_mon_nv_cao_nhat), false) as is_qualified,
        c.ma_chuan_dao_tao,
        c.loai_hop_dong,
        c.trang_thai
    from staff as c
    join schools as s
        on s.ma_truong_hoc = c.ma_truong_hoc
        and s.nam_hoc = c.nam_hoc
    left join levels as l
        on l.cap_hoc = c.cap_hoc
)

select * from final
