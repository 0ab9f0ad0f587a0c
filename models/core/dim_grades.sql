-- Grades (khối, DM_KHOI) with their level and official age. The official age is the age in
-- the calendar year the school year starts (nam_hoc - birth year): 6 in grade 1 ... 17 in
-- grade 12 (Education Law 2019, Điều 28). Preschool groups (16 nhóm trẻ, 17 mẫu giáo) and
-- continuing-education grades have no single official age.
with

khoi as (
    select
        ma as khoi_code,
        ten as name_vi,
        json_extract_string(thuoc_tinh, '$."Mã cấp học"') as cap_hoc
    from staging.stg_csdl__code_lists
    where danh_muc = 'DM_KHOI'
),

levels as (
    select * from core.dim_levels
),

final as (
    select
        cast(k.khoi_code as integer) as khoi_hoc,
        k.khoi_code,
        case
            when cast(k.khoi_code as integer) between 1 and 12 then cast(cast(k.khoi_code as integer) as varchar)
            when k.khoi_code = '16' then 'nha_tre'
            when k.khoi_code = '17' then 'mau_giao'
            else 'khoi_' || k.khoi_code
        end as grade,
        -- position in general education, 1..12; null outside it
        case when cast(k.khoi_code as integer) between 1 and 12 then cast(k.khoi_code as integer) end as grade_order,
        k.name_vi,
        l.level,
        case when cast(k.khoi_code as integer) between 1 and 12 then cast(k.khoi_code as integer) + 5 end as official_age
    from khoi as k
    left join levels as l
        on l.cap_hoc = k.cap_hoc
)

select * from final
