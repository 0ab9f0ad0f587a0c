-- Biểu 02-TH-ĐN, sheet "III" (Học sinh): enrolled primary learner records (khối 1-5) per active
-- school, ĐN period, Mã số and split (tong, nu, dt, dt_nu). Ages are school year minus birth year
-- (6 in grade 1 is on age); a record without a valid birth date is in no age row. Disability
-- types: DM_LOAI_KHUYET_TAT 03 nhìn, 02 nghe nói, 05 trí tuệ, 01 vận động, 04 thần kinh, tâm thần;
-- chuyên biệt = a DM_LOAI_TRUONG 18 school. Zero counts are not stored.
with

schools as (
    select * from forms.int_form_schools
),

learners as (
    select * from forms.int_form_learners
    where khoi_hoc between 1 and 5
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

tagged as (
    select
        l.period,
        l.school_key,
        l.current_province_code,
        s.block_th as ownership_block,
        l.is_female,
        l.is_minority,
        list_filter([
            37,
            case when s.vung = 'TD' then 38 end,
            case when s.vung = 'MN' then 39 end,
            39 + l.khoi_hoc,
            case when l.age < 6 then 45 end,
            case when l.age between 6 and 10 then 40 + l.age end,
            case when l.age > 10 then 51 end,
            case when l.age = l.khoi_hoc + 5 then 51 + l.khoi_hoc end,
            case when l.khoi_hoc = 1 and not l.is_repeater then 57 end,
            case when l.is_repeater then 58 end,
            case when l.is_two_sessions then 59 end,
            case when l.is_disabled and s.loai_hinh_truong is distinct from '18' then 61 end,
            case when l.is_disabled and s.loai_hinh_truong is distinct from '18' then
                case l.ma_loai_khuyet_tat when '03' then 62 when '02' then 63 when '05' then 64 when '01' then 65 when '04' then 66 end
            end,
            case when l.is_disabled and s.loai_hinh_truong = '18' then 67 end,
            case when l.is_disabled and s.loai_hinh_truong = '18' then
                case l.ma_loai_khuyet_tat when '03' then 68 when '02' then 69 when '05' then 70 when '01' then 71 when '04' then 72 end
            end
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
        'bieu-02-th-dn' as form,
        'III' as sheet,
        cast(ma_so as usmallint) as ma_so,
        ownership_block,
        split,
        cast(value as bigint) as value
    from counted
    unpivot (value for split in (tong, nu, dt, dt_nu))
    where value > 0
)

select * from final
