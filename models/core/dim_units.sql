-- The unit tree with validity dates: the nation; the 63 provinces with their districts and
-- communes until 30/06/2025; the 34 provinces with their communes from 01/07/2025; and every
-- school once per school year, under the district (before) or commune (after) of its time.
-- A code is not a key (codes are reused across the reorganisation): unit_key is, e.g.
-- 'P:15@2000' (Yên Bái, old) and 'P:15@2025' (Lào Cai, new), 'S:<ma_truong_hoc>@2025'.
with

provinces as (
    select * from staging.stg_csdl__dm_tinh
),

districts as (
    select * from staging.stg_csdl__dm_huyen
),

communes as (
    select * from staging.stg_csdl__dm_xa
),

crosswalk as (
    select * from core.dim_province_crosswalk
),

school_years as (
    select * from core.int_school_years
),

schools as (
    select
        truong_hoc_id,
        ten_truong_hoc
    from staging.stg_csdl__truong_hoc
),

nation as (
    select
        'N:VN' as unit_key,
        'VN' as unit_code,
        'nation' as unit_level,
        'Việt Nam' as unit_name,
        cast(null as varchar) as parent_key,
        cast(null as varchar) as province_key,
        cast(null as varchar) as province_code,
        'VN' as current_province_code,
        min(hieu_luc_tu) as valid_from,
        cast(null as date) as valid_to,
        cast(null as integer) as nam_hoc
    from provinces
),

province_units as (
    select
        'P:' || p.ma_tinh || '@' || year(p.hieu_luc_tu) as unit_key,
        p.ma_tinh as unit_code,
        'province' as unit_level,
        p.ten_tinh as unit_name,
        'N:VN' as parent_key,
        'P:' || p.ma_tinh || '@' || year(p.hieu_luc_tu) as province_key,
        p.ma_tinh as province_code,
        -- an old province's current code is the new province it merged into
        coalesce(x.new_province_code, p.ma_tinh) as current_province_code,
        p.hieu_luc_tu as valid_from,
        p.hieu_luc_den as valid_to,
        cast(null as integer) as nam_hoc
    from provinces as p
    left join crosswalk as x
        on x.old_province_key = 'P:' || p.ma_tinh || '@' || year(p.hieu_luc_tu)
),

district_units as (
    select
        'D:' || d.ma_huyen || '@' || year(d.hieu_luc_tu) as unit_key,
        d.ma_huyen as unit_code,
        'district' as unit_level,
        d.ten_huyen as unit_name,
        p.unit_key as parent_key,
        p.unit_key as province_key,
        p.unit_code as province_code,
        p.current_province_code,
        d.hieu_luc_tu as valid_from,
        d.hieu_luc_den as valid_to,
        cast(null as integer) as nam_hoc
    from districts as d
    left join province_units as p
        on p.unit_code = d.ma_tinh
        and d.hieu_luc_tu between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
),

commune_units as (
    select
        'C:' || c.ma_xa || '@' || year(c.hieu_luc_tu) as unit_key,
        c.ma_xa as unit_code,
        'commune' as unit_level,
        c.ten_xa as unit_name,
        coalesce(d.unit_key, p.unit_key) as parent_key,
        p.unit_key as province_key,
        p.unit_code as province_code,
        p.current_province_code,
        c.hieu_luc_tu as valid_from,
        c.hieu_luc_den as valid_to,
        cast(null as integer) as nam_hoc
    from communes as c
    left join province_units as p
        on p.unit_code = c.ma_tinh
        and c.hieu_luc_tu between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
    left join district_units as d
        on d.unit_code = c.ma_huyen
        and c.hieu_luc_tu between d.valid_from and coalesce(d.valid_to, date '9999-12-31')
),

school_units as (
    select
        y.school_key as unit_key,
        y.ma_truong_hoc as unit_code,
        'school' as unit_level,
        s.ten_truong_hoc as unit_name,
        y.parent_key,
        y.province_key,
        y.province_code,
        y.current_province_code,
        -- a school-year unit is valid for its school year, 1 July to 30 June
        make_date(y.nam_hoc, 7, 1) as valid_from,
        make_date(y.nam_hoc + 1, 6, 30) as valid_to,
        y.nam_hoc
    from school_years as y
    join schools as s
        on s.truong_hoc_id = y.truong_hoc_id
),

final as (
    select * from nation
    union all
    select * from province_units
    union all
    select * from district_units
    union all
    select * from commune_units
    union all
    select * from school_units
)

select * from final
