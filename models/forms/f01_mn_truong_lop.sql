-- Biểu 01-MN-ĐN, sheet "Trường-Lớp": per active school and ĐN period, Mã số 1-54 (schools and
-- independent groups, 1 per school; 54 the school's satellite sites) and 55-82 (its nhóm trẻ and
-- lớp mẫu giáo). Zero counts are not stored. The school's ownership block decides its column at
-- the roll-up (forms.int_form_unit_cells).
with

schools as (
    select * from forms.int_form_schools
    where preschool_type is not null
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

classes as (
    select
        c.*,
        s.block_mn,
        s.is_special_school
    from forms.int_form_classes as c
    join schools as s
        on s.period = c.period
        and s.school_key = c.school_key
    where c.level = 'preschool'
),

-- each school and the Mã số of the rows it counts in; the size thresholds count all nhóm and
-- lớp of the school (a trường mẫu giáo has lớp, not nhóm)
school_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_mn as ownership_block,
        list_filter([
            case when preschool_type in ('nha_tre', 'mau_giao', 'mam_non') then 1 end,
            -- 1.1 nhà trẻ
            case when preschool_type = 'nha_tre' then 2 end,
            case when preschool_type = 'nha_tre' and vung = 'TD' then 3 end,
            case when preschool_type = 'nha_tre' and vung = 'TD' and n_preschool_classes < 9 then 4 end,
            case when preschool_type = 'nha_tre' and vung = 'TD' and n_preschool_classes >= 9 then 5 end,
            case when preschool_type = 'nha_tre' and vung = 'MN' then 6 end,
            case when preschool_type = 'nha_tre' and vung = 'MN' and n_preschool_classes < 6 then 7 end,
            case when preschool_type = 'nha_tre' and vung = 'MN' and n_preschool_classes >= 6 then 8 end,
            case when preschool_type = 'nha_tre' and n_sites >= 5 then 9 end,
            case when preschool_type = 'nha_tre' and has_computers_for_teaching then 10 end,
            case when preschool_type = 'nha_tre' and has_internet_for_teaching then 11 end,
            case when preschool_type = 'nha_tre' and has_electricity then 12 end,
            case when preschool_type = 'nha_tre' and has_clean_water then 13 end,
            case when preschool_type = 'nha_tre' and has_toilets then 14 end,
            -- 1.2 trường mẫu giáo
            case when preschool_type = 'mau_giao' then 15 end,
            case when preschool_type = 'mau_giao' and vung = 'TD' then 16 end,
            case when preschool_type = 'mau_giao' and vung = 'TD' and n_preschool_classes < 9 then 17 end,
            case when preschool_type = 'mau_giao' and vung = 'TD' and n_preschool_classes >= 9 then 18 end,
            case when preschool_type = 'mau_giao' and vung = 'MN' then 19 end,
            case when preschool_type = 'mau_giao' and vung = 'MN' and n_preschool_classes < 6 then 20 end,
            case when preschool_type = 'mau_giao' and vung = 'MN' and n_preschool_classes >= 6 then 21 end,
            case when preschool_type = 'mau_giao' and chuan_quoc_gia = '02' then 22 end,
            case when preschool_type = 'mau_giao' and chuan_quoc_gia = '03' then 23 end,
            case when preschool_type = 'mau_giao' and n_sites >= 5 then 24 end,
            case when preschool_type = 'mau_giao' and has_computers_for_teaching then 25 end,
            case when preschool_type = 'mau_giao' and has_internet_for_teaching then 26 end,
            case when preschool_type = 'mau_giao' and has_electricity then 27 end,
            case when preschool_type = 'mau_giao' and has_clean_water then 28 end,
            case when preschool_type = 'mau_giao' and has_toilets then 29 end,
            case when preschool_type = 'mau_giao' and has_handwashing then 30 end,
            -- 1.3 trường mầm non
            case when preschool_type = 'mam_non' then 33 end,
            case when preschool_type = 'mam_non' and vung = 'TD' then 34 end,
            case when preschool_type = 'mam_non' and vung = 'TD' and n_preschool_classes < 9 then 35 end,
            case when preschool_type = 'mam_non' and vung = 'TD' and n_preschool_classes >= 9 then 36 end,
            case when preschool_type = 'mam_non' and vung = 'MN' then 37 end,
            case when preschool_type = 'mam_non' and vung = 'MN' and n_preschool_classes < 6 then 38 end,
            case when preschool_type = 'mam_non' and vung = 'MN' and n_preschool_classes >= 6 then 39 end,
            case when preschool_type = 'mam_non' and chuan_quoc_gia = '02' then 40 end,
            case when preschool_type = 'mam_non' and chuan_quoc_gia = '03' then 41 end,
            case when preschool_type = 'mam_non' and n_sites >= 5 then 42 end,
            case when preschool_type = 'mam_non' and has_computers_for_teaching then 43 end,
            case when preschool_type = 'mam_non' and has_internet_for_teaching then 44 end,
            case when preschool_type = 'mam_non' and has_electricity then 45 end,
            case when preschool_type = 'mam_non' and has_clean_water then 46 end,
            case when preschool_type = 'mam_non' and has_toilets then 47 end,
            case when preschool_type = 'mam_non' and has_handwashing then 48 end,
            -- 1.4-1.6 independent groups and classes (cơ sở)
            case when preschool_type = 'nhom_tre_doc_lap' then 51 end,
            case when preschool_type = 'lop_mau_giao_doc_lap' then 52 end,
            case when preschool_type = 'nhom_lop_doc_lap' then 53 end
        ], x -> x is not null) as ma_so_list,
        1 as value
    from schools
),

-- 1.7 Số điểm trường: satellite sites, summed
site_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_mn as ownership_block,
        [54] as ma_so_list,
        n_sites as value
    from schools
    where n_sites > 0
),

-- 2 nhóm, lớp: age groups by the class's DM_NHOM_TUOI_MN, size = learners whose start-of-year
-- class it is; "khuyết tật học hòa nhập" outside special schools
class_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_mn as ownership_block,
        list_filter([
            55,
            case when khoi_hoc = '16' then 56 end,
            case when khoi_hoc = '16' and is_two_sessions then 57 end,
            case when khoi_hoc = '16' and is_ban_tru then 58 end,
            case when khoi_hoc = '16' and not is_special_school and n_disabled = 1 then 59 end,
            case when khoi_hoc = '16' and not is_special_school and n_disabled >= 2 then 60 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '01' and size < 15 then 61 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '01' and size >= 15 then 62 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '02' and size < 20 then 63 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '02' and size >= 20 then 64 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '03' and size < 25 then 65 end,
            case when khoi_hoc = '16' and ma_nhom_tuoi_mn = '03' and size >= 25 then 66 end,
            case when khoi_hoc = '16' and lop_ghep_do_tuoi = 2 then 67 end,
            case when khoi_hoc = '16' and lop_ghep_do_tuoi >= 3 then 68 end,
            case when khoi_hoc = '17' then 69 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '06' then 70 end,
            case when khoi_hoc = '17' and is_two_sessions then 71 end,
            case when khoi_hoc = '17' and is_ban_tru then 72 end,
            case when khoi_hoc = '17' and not is_special_school and n_disabled = 1 then 73 end,
            case when khoi_hoc = '17' and not is_special_school and n_disabled >= 2 then 74 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '04' and size < 25 then 75 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '04' and size >= 25 then 76 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '05' and size < 30 then 77 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '05' and size >= 30 then 78 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '06' and size < 35 then 79 end,
            case when khoi_hoc = '17' and ma_nhom_tuoi_mn = '06' and size >= 35 then 80 end,
            case when khoi_hoc = '17' and lop_ghep_do_tuoi = 2 then 81 end,
            case when khoi_hoc = '17' and lop_ghep_do_tuoi >= 3 then 82 end
        ], x -> x is not null) as ma_so_list,
        1 as value
    from classes
),

tagged as (
    select * from school_rows
    union all
    select * from site_rows
    union all
    select * from class_rows
),

exploded as (
    select
        period,
        school_key,
        current_province_code,
        ownership_block,
        value,
        unnest(ma_so_list) as ma_so
    from tagged
),

final as (
    select
        period,
        school_key,
        current_province_code,
        'bieu-01-mn-dn' as form,
        'Trường-Lớp' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        'tong' as split,
        cast(sum(value) as bigint) as value
    from exploded
    group by all
)

select * from final
