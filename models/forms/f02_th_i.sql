-- Biểu 02-TH-ĐN, sheet "I" (Trường, Lớp): per active school serving primary and ĐN period,
-- Mã số 1-26 (the school, 1; 26 its satellite sites) and 27-36 (its primary classes). The size
-- thresholds count the school's primary classes. Zero counts are not stored; the school's
-- ownership block (no Dân lập column: every non-public school is Tư thục) decides its column.
with

schools as (
    select * from forms.int_form_schools
    where serves_primary
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

classes as (
    select
        c.*,
        s.block_th,
        s.loai_hinh_truong
    from forms.int_form_classes as c
    join schools as s
        on s.period = c.period
        and s.school_key = c.school_key
    where c.level = 'primary'
),

-- DM_LOAI_TRUONG 01 dân tộc bán trú, 18 khuyết tật (chuyên biệt); "có ... học sinh khuyết tật
-- học hòa nhập" counts schools with 1-19 or 20+ such learners outside special schools
school_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_th as ownership_block,
        list_filter([
            1,
            case when vung = 'TD' then 2 end,
            case when vung = 'TD' and n_primary_classes >= 28 then 3 end,
            case when vung = 'TD' and n_primary_classes <= 27 then 4 end,
            case when vung = 'MN' then 5 end,
            case when vung = 'MN' and n_primary_classes >= 19 then 6 end,
            case when vung = 'MN' and n_primary_classes <= 18 then 7 end,
            case when chuan_quoc_gia = '02' then 8 end,
            case when chuan_quoc_gia = '03' then 9 end,
            case when declares_two_sessions then 10 end,
            case when loai_hinh_truong = '01' then 11 end,
            case when loai_hinh_truong = '18' then 12 end,
            case when loai_hinh_truong is distinct from '18' and n_disabled_primary between 1 and 19 then 13 end,
            case when loai_hinh_truong is distinct from '18' and n_disabled_primary >= 20 then 14 end,
            case when n_sites >= 5 then 15 end,
            case when has_computers_for_teaching then 16 end,
            case when has_internet_for_teaching then 17 end,
            case when has_electricity then 18 end,
            case when has_clean_water then 19 end,
            case when has_toilets then 20 end,
            case when has_handwashing then 21 end,
            case when has_disability_access then 23 end
        ], x -> x is not null) as ma_so_list,
        1 as value
    from schools
),

site_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_th as ownership_block,
        [26] as ma_so_list,
        n_sites as value
    from schools
    where n_sites > 0
),

class_rows as (
    select
        period,
        school_key,
        current_province_code,
        block_th as ownership_block,
        list_filter([
            27,
            case when khoi_hoc = '01' then 28 end,
            case when khoi_hoc = '02' then 29 end,
            case when khoi_hoc = '03' then 30 end,
            case when khoi_hoc = '04' then 31 end,
            case when khoi_hoc = '05' then 32 end,
            case when is_two_sessions then 33 end,
            case when is_ban_tru and loai_hinh_truong = '01' then 34 end,
            case when loai_hinh_truong = '18' then 35 end,
            case when is_multigrade then 36 end
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
        'bieu-02-th-dn' as form,
        'I' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        'tong' as split,
        cast(sum(value) as bigint) as value
    from exploded
    group by all
)

select * from final
