-- Schools as of each census day: one row per live school-year per period of its school year,
-- placed in the units of the period, with the attributes the indicators break down by. A school
-- is active on the census day if its status is 1 (hoạt động) and it was founded by then; the
-- other facts count only active schools' learners, staff, classes and rooms.
with

schools as (
    select * from staging.stg_csdl__truong_hoc
    where not is_deleted
),

school_years as (
    select * from core.int_school_years
),

periods as (
    select * from core.dim_periods
),

school_types as (
    select * from core.dim_school_types
),

final as (
    select
        p.period,
        p.nam_hoc,
        p.ky,
        p.census_day,
        y.school_key,
        s.ma_truong_hoc,
        s.truong_hoc_id,
        s.ten_truong_hoc,
        y.parent_key,
        y.district_key,
        y.commune_key,
        y.province_key,
        y.province_code,
        y.current_province_code,
        s.ma_nhom_cap_hoc,
        coalesce(t.levels_served, []::varchar[]) as levels_served,
        -- DM_LOAI_HINH: 01 công lập; 02 ngoài công lập, 03 dân lập, 09 tư thục
        case
            when s.loai_hinh_dao_tao = '01' then 'public'
            when s.loai_hinh_dao_tao in ('02', '03', '09') then 'non_public'
        end as ownership,
        s.loai_hinh_dao_tao,
        -- DM_KHU_VUC: 01 biên giới - hải đảo, 02 đô thị, 03 đồng bằng, 04 miền núi - vùng sâu
        s.ma_khu_vuc as zone,
        s.trang_thai = '1' and coalesce(s.ngay_thanh_lap <= p.census_day, true) as is_active,
        -- facilities (SDG 4.a.1): a flag that is not 1 counts as "not reported as present"
        coalesce(s.dien_luoi = 1, false) as has_electricity,
        coalesce(s.nguon_nuoc_sach = 1, false) as has_clean_water,
        coalesce(s.cong_trinh_ve_sinh = 1, false) as has_toilets,
        coalesce(s.ct_gdvs_doi_tay = 1, false) as has_handwashing,
        coalesce(s.khai_thac_internet_day_hoc = 1, false) as has_internet_for_teaching,
        coalesce(s.su_dung_may_tinh_day_hoc = 1, false) as has_computers_for_teaching,
        coalesce(s.co_ha_tang_tlht_phu_hop_hskt = 1, false) as has_disability_access,
        -- chuẩn quốc gia mức 1 (02) or mức 2 (03)
        coalesce(s.chuan_quoc_gia in ('02', '03'), false) as meets_national_standard,
        case s.chuan_quoc_gia when '02' then 1 when '03' then 2 end as national_standard_level,
        s.tong_so_hoc_sinh as declared_learners,
        s.tong_so_lop_hoc as declared_classes,
        s.tong_so_can_bo as declared_staff
    from schools as s
    join school_years as y
        on y.truong_hoc_id = s.truong_hoc_id
    join periods as p
        on p.nam_hoc = s.nam_hoc
    left join school_types as t
        on t.ma_nhom_cap_hoc = s.ma_nhom_cap_hoc
)

select * from final
