-- Biểu 01-MN-ĐN, sheet "Phòng học": rooms of active schools serving preschool per ĐN period,
-- Mã số and split (tong = kc + bkc + tam; kc kiên cố, bkc bán kiên cố, tam tạm). Rooms carry no
-- age group: a nhà trẻ's or nhóm trẻ độc lập's rooms are 5.1 Nhà trẻ, every other preschool
-- institution's 5.2 Mẫu giáo. Borrowed classrooms (04 nhờ, mượn) have no solidity: Tổng số only.
-- Phòng phục vụ học tập = 02 phòng bộ môn + 03 phòng chức năng. Zero counts are not stored.
with

schools as (
    select * from forms.int_form_schools
    where preschool_type is not null
),

rooms as (
    select * from core.fct_rooms
    where getvariable('transform_provinces') is null
        or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, ''))
),

tagged as (
    select
        r.period,
        r.school_key,
        r.current_province_code,
        s.block_mn as ownership_block,
        r.loai_cong_trinh,
        case
            when r.loai_phong = '01' and r.loai_cong_trinh in ('01', '02', '03') then case when s.is_nha_tre_school then 194 else 203 end
            when r.loai_phong = '01' and r.loai_cong_trinh = '04' then case when s.is_nha_tre_school then 195 else 204 end
            when r.loai_phong in ('02', '03') and r.loai_cong_trinh in ('01', '02', '03') then case when s.is_nha_tre_school then 196 else 205 end
        end as ma_so
    from rooms as r
    join schools as s
        on s.period = r.period
        and s.school_key = r.school_key
),

counted as (
    select
        period,
        school_key,
        current_province_code,
        ownership_block,
        ma_so,
        count(*) as tong,
        count(*) filter (where loai_cong_trinh = '01' and ma_so not in (195, 204)) as kc,
        count(*) filter (where loai_cong_trinh = '02' and ma_so not in (195, 204)) as bkc,
        count(*) filter (where loai_cong_trinh = '03' and ma_so not in (195, 204)) as tam
    from tagged
    where ma_so is not null
    group by all
),

final as (
    select
        period,
        school_key,
        current_province_code,
        'bieu-01-mn-dn' as form,
        'Phòng học' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, kc, bkc, tam))
    where value > 0
)

select * from final
