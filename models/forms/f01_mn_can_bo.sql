-- Biểu 01-MN-ĐN, sheet "Cán bộ": working preschool staff records (core.fct_staff.is_working)
-- per active school, ĐN period, Mã số and split: tong, nu, dt, dt_nu, and for public schools the
-- contract kinds vc_kxd (07 viên chức HĐLV không xác định thời hạn), vc_xd (08 xác định thời
-- hạn), hdld (02-06 hợp đồng). Managers and employees are "nhà trẻ" when their school is a nhà trẻ
-- or nhóm trẻ độc lập; teachers by the group they teach. Zero counts are not stored.
with

schools as (
    select * from forms.int_form_schools
),

staff as (
    select * from forms.int_form_staff
    where form_level = 'preschool'
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

-- offsets of the training-level rows (Trung cấp, Cao đẳng, Đại học sư phạm, Thạc sĩ, Tiến sĩ,
-- Khác / Chưa qua đào tạo) and of the age bands (20-29, 30-39, 40-49, 50-54, 55-59, 60+)
graded as (
    select
        t.*,
        s.block_mn,
        s.vung,
        s.is_nha_tre_school as nt,
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

tagged as (
    select
        period,
        school_key,
        current_province_code,
        block_mn as ownership_block,
        is_female,
        is_minority,
        loai_hop_dong,
        list_filter([
            -- 4.1 cán bộ quản lý
            case when loai_can_bo = '01' then 123 end,
            case when loai_can_bo = '01' and nt then 124 end,
            case when loai_can_bo = '01' and nt and ma_chuc_vu = '01' then 125 end,
            case when loai_can_bo = '01' and nt and ma_chuc_vu = '01' then 126 + td end,
            case when loai_can_bo = '01' and nt and ma_chuc_vu = '02' then 132 end,
            case when loai_can_bo = '01' and nt and ma_chuc_vu = '02' then 133 + td end,
            case when loai_can_bo = '01' and not nt then 139 end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '01' then 140 end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '01' then 141 + td end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '02' then 147 end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '02' and vung = 'TD' then 148 end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '02' and vung = 'MN' then 149 end,
            case when loai_can_bo = '01' and not nt and ma_chuc_vu = '02' then 150 + td end,
            -- 4.2 nhân viên: kế toán, văn thư; y tế, thủ quỹ; nấu ăn, cấp dưỡng; bảo vệ
            case when loai_can_bo = '02' then 156 end,
            case when loai_can_bo = '02' and nt then 157 end,
            case when loai_can_bo = '02' and nt and ma_chuc_vu in ('15', '16') then 158 end,
            case when loai_can_bo = '02' and nt and ma_chuc_vu in ('11', '25') then 159 end,
            case when loai_can_bo = '02' and nt and ma_chuc_vu in ('31', '20') then 160 end,
            case when loai_can_bo = '02' and nt and ma_chuc_vu = '17' then 161 end,
            case when loai_can_bo = '02' and not nt then 162 end,
            case when loai_can_bo = '02' and not nt and ma_chuc_vu in ('15', '16') then 163 end,
            case when loai_can_bo = '02' and not nt and ma_chuc_vu in ('11', '25') then 164 end,
            case when loai_can_bo = '02' and not nt and ma_chuc_vu in ('31', '20') then 165 end,
            case when loai_can_bo = '02' and not nt and ma_chuc_vu = '17' then 166 end,
            -- 4.3 giáo viên
            case when loai_can_bo = '03' then 167 end,
            case when loai_can_bo = '03' and preschool_group = 'nha_tre' then 168 end,
            case when loai_can_bo = '03' and preschool_group = 'nha_tre' then 169 + td end,
            case when loai_can_bo = '03' and preschool_group = 'nha_tre' then 175 + band end,
            case when loai_can_bo = '03' and preschool_group = 'mau_giao' then 181 end,
            case when loai_can_bo = '03' and preschool_group = 'mau_giao' then 182 + td end,
            case when loai_can_bo = '03' and preschool_group = 'mau_giao' then 188 + band end
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
        'bieu-01-mn-dn' as form,
        'Cán bộ' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, nu, dt, dt_nu, vc_kxd, vc_xd, hdld))
    where value > 0
        -- the contract columns exist under Công lập only
        and (split not in ('vc_kxd', 'vc_xd', 'hdld') or ownership_block = 'cong_lap')
)

select * from final
