-- The unit tree of each period, as the quality scores roll up and rank: every unit valid on
-- the period's census day (nation, provinces, districts before 01/07/2025 or communes after,
-- schools of the period's school year), with its parent's code and level and its province.
-- unit_key identifies a unit across periods (a code may be reused by another unit after 2025).
with

periods as (
    select * from quality.dq_periods
),

units as (
    select * from core.dim_units
),

valid as (
    select
        p.period,
        u.*
    from periods as p
    join units as u
        on p.census_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
        -- a school-year unit belongs to its own school year only
        and (u.nam_hoc is null or u.nam_hoc = p.nam_hoc)
),

final as (
    select
        v.period,
        v.unit_key,
        v.unit_code,
        v.unit_level,
        v.unit_name,
        parent.unit_code as parent_code,
        parent.unit_level as parent_level,
        v.province_code
    from valid as v
    left join units as parent
        on parent.unit_key = v.parent_key
)

select * from final
