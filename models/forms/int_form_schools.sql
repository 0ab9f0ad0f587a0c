-- Schools as the two start-of-year report forms see them: one row per active school per ĐN
-- period, with its ownership block on each form, its zone group, its preschool type, whether it
-- serves primary, and the counts that the size thresholds and "trong đó" rows read (classes,
-- satellite sites, primary learners with a disability). National-standard level, school type
-- and the declared two-session flag come from staging by the row id.
with

schools as (
    select * from core.fct_schools
    where is_active
        and ky = 'DN'
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

source_schools as (
    select
        truong_hoc_id,
        chuan_quoc_gia,
        loai_hinh_truong,
        hoc_2_buoi_ngay
    from staging.stg_csdl__truong_hoc
),

classes as (
    select
        period,
        school_key,
        count(*) filter (where level = 'preschool') as n_preschool_classes,
        count(*) filter (where level = 'primary') as n_primary_classes
    from forms.int_form_classes
    where getvariable('transform_provinces') is null
        or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, ''))
    group by all
),

-- satellite sites (LstDiemTruongInfo rows); the main site is not a row
sites as (
    select
        ma_truong_hoc,
        nam_hoc,
        count(*) as n_sites
    from staging.stg_csdl__diem_truong
    where not is_deleted
    group by all
),

disabled_primary as (
    select
        period,
        school_key,
        count(*) as n_disabled_primary
    from forms.int_form_learners
    where khoi_hoc between 1 and 5
        and is_disabled
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
    group by all
),

final as (
    select
        s.period,
        s.nam_hoc,
        s.school_key,
        s.current_province_code,
        s.ma_nhom_cap_hoc,
        -- DM_LOAI_HINH on Biểu 01: 01 công lập, 03 dân lập, 09 tư thục and 02 ngoài công lập
        -- (not split further) as tư thục; unknown: Tổng số only
        case s.loai_hinh_dao_tao
            when '01' then 'cong_lap'
            when '03' then 'dan_lap'
            when '09' then 'tu_thuc'
            when '02' then 'tu_thuc'
        end as block_mn,
        -- Biểu 02 has no Dân lập column: every non-public school is tư thục
        case
            when s.loai_hinh_dao_tao = '01' then 'cong_lap'
            when s.loai_hinh_dao_tao in ('02', '03', '09') then 'tu_thuc'
        end as block_th,
        -- DM_KHU_VUC: 02 đô thị, 03 đồng bằng -> "Trung du, đồng bằng, thành phố";
        -- 01 biên giới - hải đảo, 04 miền núi - vùng sâu -> "Miền núi, vùng sâu, hải đảo"
        case
            when s.zone in ('02', '03') then 'TD'
            when s.zone in ('01', '04') then 'MN'
        end as vung,
        -- DM_NHOM_CAP_HOC as the preschool form's rows: trường nhà trẻ, mẫu giáo, mầm non (the
        -- multi-level 16, 17, 18 are mầm non schools), and the independent groups and classes
        case s.ma_nhom_cap_hoc
            when '03' then 'nha_tre'
            when '02' then 'mau_giao'
            when '01' then 'mam_non'
            when '16' then 'mam_non'
            when '17' then 'mam_non'
            when '18' then 'mam_non'
            when '04' then 'nhom_tre_doc_lap'
            when '05' then 'lop_mau_giao_doc_lap'
            when '19' then 'nhom_lop_doc_lap'
        end as preschool_type,
        -- nhà trẻ and nhóm trẻ độc lập: the "nhà trẻ" side of the staff and room rows
        coalesce(s.ma_nhom_cap_hoc in ('03', '04'), false) as is_nha_tre_school,
        list_contains(s.levels_served, 'primary') as serves_primary,
        h.chuan_quoc_gia,
        h.loai_hinh_truong,
        -- DM_LOAI_TRUONG 04 trẻ em khuyết tật (preschool), 18 khuyết tật (general): chuyên biệt
        coalesce(h.loai_hinh_truong in ('04', '18'), false) as is_special_school,
        coalesce(h.hoc_2_buoi_ngay = 1, false) as declares_two_sessions,
        s.has_electricity,
        s.has_clean_water,
        s.has_toilets,
        s.has_handwashing,
        s.has_internet_for_teaching,
        s.has_computers_for_teaching,
        s.has_disability_access,
        coalesce(c.n_preschool_classes, 0) as n_preschool_classes,
        coalesce(c.n_primary_classes, 0) as n_primary_classes,
        coalesce(d.n_sites, 0) as n_sites,
        coalesce(k.n_disabled_primary, 0) as n_disabled_primary
    from schools as s
    left join source_schools as h
        on h.truong_hoc_id = s.truong_hoc_id
    left join classes as c
        on c.period = s.period
        and c.school_key = s.school_key
    left join sites as d
        on d.ma_truong_hoc = s.ma_truong_hoc
        and d.nam_hoc = s.nam_hoc
    left join disabled_primary as k
        on k.period = s.period
        and k.school_key = s.school_key
)

select * from final
