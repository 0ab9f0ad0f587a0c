-- Biểu 02-TH-ĐN, sheet "V" (Phòng học): rooms of active schools serving primary per ĐN period,
-- Mã số and split (tong = kc + bkc + tam). A multi-level school's rooms count on every level form
-- it serves. Borrowed classrooms (04 nhờ, mượn; the form's "Phòng học nhỏ, mượn") have no solidity:
-- Tổng số only. Phòng phục vụ học tập = 02 phòng bộ môn + 03 phòng chức năng. Zero counts are not
-- stored.
with

schools as (
    select * from forms.int_form_schools
    where serves_primary
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
        s.block_th as ownership_block,
        r.loai_cong_trinh,
        case
            when r.loai_phong = '01' and r.loai_cong_trinh in ('01', '02', '03') then 120
            when r.loai_phong = '01' and r.loai_cong_trinh = '04' then 121
            when r.loai_phong in ('02', '03') and r.loai_cong_trinh in ('01', '02', '03') then 122
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
        count(*) filter (where loai_cong_trinh = '01' and ma_so <> 121) as kc,
        count(*) filter (where loai_cong_trinh = '02' and ma_so <> 121) as bkc,
        count(*) filter (where loai_cong_trinh = '03' and ma_so <> 121) as tam
    from tagged
    where ma_so is not null
    group by all
),

final as (
    select
        period,
        school_key,
        current_province_code,
        'bieu-02-th-dn' as form,
        'V' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, kc, bkc, tam))
    where value > 0
)

select * from final
