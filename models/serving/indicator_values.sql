-- The indicator values as the API serves them: for each period, unit, indicator and breakdown,
-- the one row a request shows ('as_reported' where the unit has it, else its 'current_34'
-- re-aggregation), with the unit's code and name, ordered by period and unit so that a unit's
-- rows are one contiguous read. Derived from indicators.indicator_values, which stays the
-- contract; the API reads this table instead of joining and ranking the contract per request.
with

values_ as (
    select * from indicators.indicator_values
),

served as (
    select
        period,
        unit_key,
        unit_code,
        unit_level,
        unit_name,
        indicator,
        breakdown,
        dimension,
        numerator,
        denominator,
        value
    from values_
    qualify row_number() over (
        partition by period, unit_key, indicator, breakdown
        order by (geography = 'as_reported') desc
    ) = 1
)

select * from served
order by period, unit_key, indicator, breakdown
