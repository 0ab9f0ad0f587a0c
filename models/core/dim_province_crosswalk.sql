-- Old province -> new province (Resolution 202/2025/QH15, in force 01/07/2025), with the unit
-- keys of both sides: the old one valid until 30/06/2025, the new one from 01/07/2025. Seven
-- new provinces reuse the code of a different old one, hence the keys.
with

crosswalk as (
    select * from staging.stg_csdl__dm_tinh_sap_nhap
),

provinces as (
    select * from staging.stg_csdl__dm_tinh
),

final as (
    select
        o_p.ma_tinh as old_province_code,
        'P:' || o_p.ma_tinh || '@' || year(o_p.hieu_luc_tu) as old_province_key,
        o_p.ten_tinh as old_province_name,
        n_p.ma_tinh as new_province_code,
        'P:' || n_p.ma_tinh || '@' || year(n_p.hieu_luc_tu) as new_province_key,
        n_p.ten_tinh as new_province_name,
        x.hieu_luc_tu as valid_from
    from crosswalk as x
    -- the old province is the one still valid the day before the merger
    join provinces as o_p
        on o_p.ma_tinh = x.ma_tinh_cu
        and x.hieu_luc_tu - 1 between o_p.hieu_luc_tu and coalesce(o_p.hieu_luc_den, date '9999-12-31')
    join provinces as n_p
        on n_p.ma_tinh = x.ma_tinh_moi
        and x.hieu_luc_tu between n_p.hieu_luc_tu and coalesce(n_p.hieu_luc_den, date '9999-12-31')
)

select * from final
