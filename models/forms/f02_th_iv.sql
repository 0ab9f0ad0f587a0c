-- Biểu 02-TH-ĐN, sheet "IV" (Cán bộ quản lý, giáo viên, nhân viên): working primary staff records
-- (core.fct_staff.is_working) per active school, ĐN period, Mã số and split: tong, nu, dt, dt_nu,
-- and for public schools vc_kxd (07), vc_xd (08), hdld (02-06). Tổng số (78) is 79 + 96 + 110;
-- GV Tổng phụ trách Đội (109) needs a field the source does not hold, so its teachers stay in 96.
-- Zero counts are not stored.
with

schools as (
    select * from forms.int_form_schools
),

staff as (
    select * from forms.int_form_staff
    where form_level = 'primary'
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

graded as (
    select
        t.*,
        s.block_th,
        s.vung,
        list_position(['tcsp', 'cdsp', 'dhsp', 'ths', 'ts', 'khac'], t.training_group) - 1 as td,
        case
            when t.age between 20 and 29 then 0
            when t.age between 30 and 39 then 1
            when t.age between 40 and 49 then 2
            when t.age between 50 and 54 then 3
            when t.age between 55 and 59 then 4
            when t.age >= 60 then 5
        end as band
    from staff as t
    join schools as s
        on s.period = t.period
        and s.school_key = t.school_key
),

-- DM_LOAI_CAN_BO: 01 hiệu trưởng, 02 phó; 09 thư viện, 10 thiết bị, 13 thí nghiệm; 32 CNTT;
-- 15 kế toán; 25 thủ quỹ; 16 văn thư; 11 y tế; 33 hỗ trợ GD khuyết tật; 34 giáo vụ
tagged as (
    select
        period,
        school_key,
        current_province_code,
        block_th as ownership_block,
        is_female,
        is_minority,
        loai_hop_dong,
        list_filter([
            case when loai_can_bo in ('01', '02', '03') then 78 end,
            case when loai_can_bo = '01' then 79 end,
            case when loai_can_bo = '01' and ma_chuc_vu = '01' then 80 end,
            case when loai_can_bo = '01' and ma_chuc_vu = '01' then 81 + td end,
            case when loai_can_bo = '01' and ma_chuc_vu = '02' then 87 end,
            case when loai_can_bo = '01' and ma_chuc_vu = '02' and vung = 'TD' then 88 end,
            case when loai_can_bo = '01' and ma_chuc_vu = '02' and vung = 'MN' then 89 end,
            case when loai_can_bo = '01' and ma_chuc_vu = '02' then 90 + td end,
            case when loai_can_bo = '03' then 96 end,
            case when loai_can_bo = '03' then 97 + td end,
            case when loai_can_bo = '03' then 103 + band end,
            case when loai_can_bo = '02' then 110 end,
            case when loai_can_bo = '02' and ma_chuc_vu in ('09', '10', '13') then 111 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '32' then 112 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '15' then 113 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '25' then 114 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '16' then 115 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '11' then 116 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '33' then 117 end,
            case when loai_can_bo = '02' and ma_chuc_vu = '34' then 118 end
        ], x -> x is not null) as ma_so_list
    from graded
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
        count(*) filter (where is_female and is_minority) as dt_nu,
        count(*) filter (where loai_hop_dong = '07') as vc_kxd,
        count(*) filter (where loai_hop_dong = '08') as vc_xd,
        count(*) filter (where loai_hop_dong in ('02', '03', '04', '05', '06')) as hdld
    from exploded
    group by all
),

final as (
    select
        period,
        school_key,
        current_province_code,
        'bieu-02-th-dn' as form,
        'IV' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, nu, dt, dt_nu, vc_kxd, vc_xd, hdld))
    where value > 0
        and (split not in ('vc_kxd', 'vc_xd', 'hdld') or ownership_block = 'cong_lap')
)

select * from final
