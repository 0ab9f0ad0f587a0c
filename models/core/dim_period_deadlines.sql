-- The reporting deadline of every province valid in each period, from configuration
-- (input.deadlines, written by the runner: MM-DD per province, '*' = default).
-- The DN deadline falls in nam_hoc, the CN deadline in nam_hoc + 1. A province is bound by the
-- deadline of its own time: a key '31' applies to the province coded 31 in the period (old Hải
-- Phòng before 07/2025, new Hải Phòng after; not old Hải Dương, which had its own regime). Codes
-- reused by a different province (15: Yên Bái before, Lào Cai after) are told apart by a key
-- with the province's valid-from year, '15@2000' or '15@2025', which wins over the plain code.
with

periods as (
    select * from core.dim_periods
),

provinces as (
    select * from core.dim_units
    where unit_level = 'province'
),

deadlines as (
    select * from input.deadlines
),

province_periods as (
    select
        p.period,
        p.nam_hoc,
        p.ky,
        u.unit_key as province_key,
        u.unit_code as province_code,
        u.current_province_code
    from periods as p
    join provinces as u
        on p.census_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
),

final as (
    select
        pp.period,
        pp.province_key,
        pp.province_code,
        pp.current_province_code,
        cast(strptime(
            (case when pp.ky = 'DN' then pp.nam_hoc else pp.nam_hoc + 1 end) || '-' || coalesce(exact.mm_dd, by_code.mm_dd, dflt.mm_dd),
            '%Y-%m-%d'
        ) as date) as deadline,
        case when coalesce(exact.mm_dd, by_code.mm_dd) is not null then 'province' else 'default' end as deadline_source
    from province_periods as pp
    left join deadlines as exact
        on exact.ky = pp.ky
        and exact.ma_tinh = substr(pp.province_key, 3)
    left join deadlines as by_code
        on by_code.ky = pp.ky
        and by_code.ma_tinh = pp.province_code
    join deadlines as dflt
        on dflt.ma_tinh = '*'
        and dflt.ky = pp.ky
)

select * from final
