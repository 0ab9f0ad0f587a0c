-- Every indicator of the catalogue for every unit from school to nation, period, geography and
-- breakdown, with the unit's code and name: the narrow stored values
-- (indicators.int_indicator_values) joined to core.dim_units. See int_indicator_values for the
-- formulas; `dimension` is the part of `breakdown` before '=' ('total' for the whole).
with

values_ as (
    select * from indicators.int_indicator_values
),

units as (
    select
        unit_key,
        unit_code,
        unit_name
    from core.dim_units
),

final as (
    select
        v.period,
        v.geography,
        v.unit_key,
        u.unit_code,
        v.unit_level,
        u.unit_name,
        v.current_province_code,
        v.indicator,
        v.breakdown,
        split_part(v.breakdown, '=', 1) as dimension,
        v.numerator,
        v.denominator,
        v.value,
        v.value_flag
    from values_ as v
    join units as u
        on u.unit_key = v.unit_key
)

select * from final
