-- Biểu 01-MN-ĐN, sheet "Học sinh" (Trẻ em): enrolled preschool learner records (khối 16 nhà trẻ,
-- 17 mẫu giáo) per active school, ĐN period, Mã số and split (tong, nu, dt dân tộc thiểu số,
-- dt_nu). Mã số 107-122 need fields the source does not hold and stay blank. Zero counts are not
-- stored.
with

schools as (
    select * from forms.int_form_schools
),

learners as (
    select * from forms.int_form_learners
    where khoi_hoc in (16, 17)
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

-- the zone is the school's; nhà trẻ ages in completed months, mẫu giáo ages in years
-- (school year minus birth year); "khuyết tật học hòa nhập" outside special schools
tagged as (
    select
        l.period,
        l.school_key,
        l.current_province_code,
        s.block_mn as ownership_block,
        l.is_female,
        l.is_minority,
        list_filter([
            83,
            case when l.khoi_hoc = 16 then 84 end,
            case when l.khoi_hoc = 16 and s.vung = 'TD' then 85 end,
            case when l.khoi_hoc = 16 and s.vung = 'MN' then 86 end,
            case when l.khoi_hoc = 16 and l.is_two_sessions then 87 end,
            case when l.khoi_hoc = 16 and l.is_ban_tru then 88 end,
            case when l.khoi_hoc = 16 and l.is_disabled and not s.is_special_school then 89 end,
            case when l.khoi_hoc = 17 then 90 end,
            case when l.khoi_hoc = 17 and s.vung = 'TD' then 91 end,
            case when l.khoi_hoc = 17 and s.vung = 'MN' then 92 end,
            case when l.khoi_hoc = 17 and l.is_two_sessions then 93 end,
            case when l.khoi_hoc = 17 and l.is_ban_tru then 94 end,
            case when l.khoi_hoc = 17 and l.is_disabled and not s.is_special_school then 95 end,
            case when l.khoi_hoc = 16 then 96 end,
            case when l.khoi_hoc = 16 and l.months between 3 and 12 then 97 end,
            case when l.khoi_hoc = 16 and l.months between 13 and 24 then 98 end,
            case when l.khoi_hoc = 16 and l.months between 25 and 36 then 99 end,
            case when l.khoi_hoc = 16 and l.months > 36 then 100 end,
            case when l.khoi_hoc = 17 then 101 end,
            case when l.khoi_hoc = 17 and l.age < 3 then 102 end,
            case when l.khoi_hoc = 17 and l.age = 3 then 103 end,
            case when l.khoi_hoc = 17 and l.age = 4 then 104 end,
            case when l.khoi_hoc = 17 and l.age = 5 then 105 end,
            case when l.khoi_hoc = 17 and l.age >= 6 then 106 end
        ], x -> x is not null) as ma_so_list
    from learners as l
    join schools as s
        on s.period = l.period
        and s.school_key = l.school_key
),

exploded as (
    select
        * exclude (ma_so_list),
        unnest(ma_so_list) as ma_so
    from tagged
),

counted as (
    select
        period,
        school_key,
        current_province_code,
        ownership_block,
        ma_so,
        count(*) as tong,
        count(*) filter (where is_female) as nu,
        count(*) filter (where is_minority) as dt,
        count(*) filter (where is_female and is_minority) as dt_nu
    from exploded
    group by all
),

final as (
    select
        period,
        school_key,
        current_province_code,
        'bieu-01-mn-dn' as form,
        'Học sinh' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, nu, dt, dt_nu))
    where value > 0
)

select * from final
