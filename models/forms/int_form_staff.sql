-- Staff records working on the start-of-year census day as the two report forms count them:
-- records of active schools in ĐN periods that core counts as working (core.fct_staff.is_working),
-- with the level they belong to on the forms (the level taught, else the school's only level),
-- their position, training-level group, age, and, for preschool teachers, whether they teach
-- nhà trẻ or mẫu giáo. Position, birth date and subject come from staging by the row id.
with

periods as (
    select
        period,
        nam_hoc
    from core.dim_periods
    where ky = 'DN'
),

staff as (
    select * from core.fct_staff
    where is_working
        and period in (select period from periods)
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

schools as (
    select
        period,
        school_key,
        ma_nhom_cap_hoc,
        levels_served
    from core.fct_schools
    where is_active
),

source_staff as (
    select
        can_bo_id,
        ma_chuc_vu,
        ngay_sinh,
        mon_day_chinh
    from staging.stg_csdl__can_bo
),

-- the khối of a class a teacher is homeroom teacher of at the start of the year (16 nhà trẻ
-- before 17 mẫu giáo when both)
homerooms as (
    select
        c.ma_truong_hoc,
        c.nam_hoc,
        c.ma_gvcn_dn as ma_can_bo,
        min(c.khoi_hoc) as khoi_hoc
    from staging.stg_csdl__lop_hoc as c
    where not c.is_deleted
        and c.khoi_hoc in ('16', '17')
        and c.ma_gvcn_dn is not null
    group by all
),

final as (
    select
        t.period,
        t.nam_hoc,
        t.can_bo_id,
        t.school_key,
        t.current_province_code,
        coalesce(t.level, case when len(s.levels_served) = 1 then s.levels_served[1] end) as form_level,
        t.loai_can_bo,
        k.ma_chuc_vu,
        coalesce(t.sex = 'female', false) as is_female,
        coalesce(t.is_minority, false) as is_minority,
        t.loai_hop_dong,
        -- DM_TRINH_DO_CHUYEN_MON grouped into the forms' rows: pedagogy levels and their
        -- equivalents (degree + pedagogy certificate, the old 12+2 / 9+3), then the rest
        case
            when t.trinh_do_chuyen_mon_nv_cao_nhat in ('18', '15', '09', '10') then 'tcsp'
            when t.trinh_do_chuyen_mon_nv_cao_nhat in ('17', '14') then 'cdsp'
            when t.trinh_do_chuyen_mon_nv_cao_nhat in ('16', '13') then 'dhsp'
            when t.trinh_do_chuyen_mon_nv_cao_nhat = '02' then 'ths'
            when t.trinh_do_chuyen_mon_nv_cao_nhat = '01' then 'ts'
            when t.trinh_do_chuyen_mon_nv_cao_nhat in ('03', '04', '05', '06', '07', '08', '11') then 'khac'
        end as training_group,
        -- age in years as the learners' (school year minus birth year)
        t.nam_hoc - year(k.ngay_sinh) as age,
        -- preschool teachers: the subject taught (02 Nhà trẻ, 01 Mẫu giáo), else the homeroom
        -- class's khối, else the school's type
        case
            when k.mon_day_chinh = '02' then 'nha_tre'
            when k.mon_day_chinh = '01' then 'mau_giao'
            when h.khoi_hoc = '16' then 'nha_tre'
            when h.khoi_hoc = '17' then 'mau_giao'
            when s.ma_nhom_cap_hoc in ('03', '04') then 'nha_tre'
            when s.ma_nhom_cap_hoc in ('02', '05') then 'mau_giao'
        end as preschool_group
    from staff as t
    join schools as s
        on s.period = t.period
        and s.school_key = t.school_key
    left join source_staff as k
        on k.can_bo_id = t.can_bo_id
    left join homerooms as h
        on h.ma_truong_hoc = t.ma_truong_hoc
        and h.nam_hoc = t.nam_hoc
        and h.ma_can_bo = t.ma_can_bo
)

select * from final
