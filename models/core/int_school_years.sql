-- Each live school-year placed in the units valid in that school year (units are read on
-- 30/09 of nam_hoc: the 2020 units up to school year 2024-2025, the 2025 units from 2025-2026).
-- The province is the school's own code when it names a province valid then, else the
-- province of its commune or district; a district or commune counts as the school's only when
-- it lies in that province, so every roll-up stays inside the province tree.
with

schools as (
    select * from staging.stg_csdl__truong_hoc
    where not is_deleted
),

provinces as (
    select
        ma_tinh,
        'P:' || ma_tinh || '@' || year(hieu_luc_tu) as province_key,
        hieu_luc_tu,
        coalesce(hieu_luc_den, date '9999-12-31') as hieu_luc_den
    from staging.stg_csdl__dm_tinh
),

districts as (
    select
        ma_huyen,
        'D:' || ma_huyen || '@' || year(hieu_luc_tu) as district_key,
        ma_tinh,
        hieu_luc_tu,
        coalesce(hieu_luc_den, date '9999-12-31') as hieu_luc_den
    from staging.stg_csdl__dm_huyen
),

communes as (
    select
        ma_xa,
        'C:' || ma_xa || '@' || year(hieu_luc_tu) as commune_key,
        ma_tinh,
        hieu_luc_tu,
        coalesce(hieu_luc_den, date '9999-12-31') as hieu_luc_den
    from staging.stg_csdl__dm_xa
),

crosswalk as (
    select * from core.dim_province_crosswalk
),

located as (
    select
        s.truong_hoc_id,
        s.ma_truong_hoc,
        s.nam_hoc,
        make_date(s.nam_hoc, 9, 30) as reference_date,
        coalesce(p.ma_tinh, c.ma_tinh, d.ma_tinh) as province_code,
        c.ma_xa,
        c.commune_key,
        c.ma_tinh as commune_province_code,
        d.ma_huyen,
        d.district_key,
        d.ma_tinh as district_province_code
    from schools as s
    left join provinces as p
        on p.ma_tinh = s.ma_tinh
        and make_date(s.nam_hoc, 9, 30) between p.hieu_luc_tu and p.hieu_luc_den
    left join communes as c
        on c.ma_xa = s.ma_xa
        and make_date(s.nam_hoc, 9, 30) between c.hieu_luc_tu and c.hieu_luc_den
    left join districts as d
        on d.ma_huyen = s.ma_huyen
        and make_date(s.nam_hoc, 9, 30) between d.hieu_luc_tu and d.hieu_luc_den
),

keyed as (
    select
        l.*,
        p.province_key,
        -- the district level exists until 30/06/2025: schools roll up through it before, through
        -- their commune after
        exists (select 1 from districts as d where l.reference_date between d.hieu_luc_tu and d.hieu_luc_den) as has_districts,
        case when l.district_province_code = l.province_code then l.district_key end as own_district_key,
        case when l.commune_province_code = l.province_code then l.commune_key end as own_commune_key
    from located as l
    left join provinces as p
        on p.ma_tinh = l.province_code
        and l.reference_date between p.hieu_luc_tu and p.hieu_luc_den
),

final as (
    select
        'S:' || k.ma_truong_hoc || '@' || k.nam_hoc as school_key,
        k.truong_hoc_id,
        k.ma_truong_hoc,
        k.nam_hoc,
        k.reference_date,
        k.province_code,
        k.province_key,
        k.own_district_key as district_key,
        k.own_commune_key as commune_key,
        case
            when k.has_districts then coalesce(k.own_district_key, k.province_key, 'N:VN')
            else coalesce(k.own_commune_key, k.province_key, 'N:VN')
        end as parent_key,
        case when k.has_districts then 'district' else 'commune' end as local_level,
        -- the province among today's 34 the school belongs to (itself after 01/07/2025)
        coalesce(x.new_province_code, case when not k.has_districts then k.province_code end) as current_province_code,
        coalesce(x.new_province_key, case when not k.has_districts then k.province_key end) as current_province_key
    from keyed as k
    left join crosswalk as x
        on x.old_province_key = k.province_key
)

select * from final
