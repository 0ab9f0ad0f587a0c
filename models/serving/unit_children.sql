-- The units directly below each unit in each period, precomputed for the API (the children a
-- page lists, the family tables suppression decides): units valid on the period's census day
-- whose parent is the unit; for a province that has none in the period (today's province
-- before the 2025 merger), the old provinces merged into it. `of_unit_key` is the unit asked
-- about, `child_order` the order the API lists them in (by code).
with

periods as (
    select period, census_day from core.dim_periods
),

units as (
    select * from core.dim_units
),

valid as (
    select p.period, u.*
    from periods as p
    join units as u
        on u.valid_from <= p.census_day
        and coalesce(u.valid_to, date '9999-12-31') >= p.census_day
),

direct as (
    select parent_key as of_unit_key, v.*
    from valid as v
    where parent_key is not null
),

merged as (
    select t.unit_key as of_unit_key, v.*
    from units as t
    join valid as v
        on v.unit_level = 'province'
        and v.current_province_code = t.unit_code
        and v.unit_key <> t.unit_key
    where t.unit_level = 'province'
        and not exists (select 1 from direct as d where d.period = v.period and d.of_unit_key = t.unit_key)
),

children as (
    select * from direct
    union all
    select * from merged
),

final as (
    select
        period,
        of_unit_key,
        row_number() over (partition by period, of_unit_key order by unit_code, unit_key) as child_order,
        unit_key,
        unit_code,
        unit_level,
        unit_name,
        parent_key,
        province_key,
        province_code,
        current_province_code,
        valid_from,
        valid_to,
        nam_hoc
    from children
)

select * from final
order by period, of_unit_key, child_order
