-- The reporting deadline of every province valid in each period, from configuration
-- (input.deadlines, written by the runner: MM-DD per current province code, '*' = default).
-- The DN deadline falls in nam_hoc, the CN deadline in nam_hoc + 1. An old province takes the
-- deadline configured for the new province it merged into.
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
            (case when pp.ky = 'DN' then pp.nam_hoc else pp.nam_hoc + 1 end) || '-' || coalesce(own.mm_dd, dflt.mm_dd),
            '%Y-%m-%d'
        ) as date) as deadline,
        case when own.mm_dd is not null then 'province' else 'default' end as deadline_source
    from province_periods as pp
    left join deadlines as own
        on own.ma_tinh = pp.current_province_code
        and own.ky = pp.ky
    join deadlines as dflt
        on dflt.ma_tinh = '*'
        and dflt.ky = pp.ky
)

select * from final
