-- The indicator values as the API serves them: for each period, unit, indicator and breakdown,
-- the one row a request shows ('as_reported' where the unit has it, else its 'current_34'
-- re-aggregation), with the unit's code and name, ordered by period and unit so that a unit's
-- rows are one contiguous read; `geography` says which of the two a row is, so that a series as
-- reported reads this table too (its 'as_reported' rows). Derived from indicators.indicator_values,
-- which stays the contract; the API reads this table instead of joining and ranking the contract
-- per request.
--
-- The choice is an anti join, not a window over every row: only the units that have a
-- 'current_34' row in a period (the nation and today's provinces before the merger) can have
-- both, so only their 'as_reported' keys are held in memory, and the national contract's tens of
-- millions of rows are streamed once and sorted once.
with

values_ as (
    select * from indicators.indicator_values
),

re_aggregated_units as (
    select distinct period, unit_key
    from values_
    where geography = 'current_34'
),

reported_there as (
    select r.period, r.unit_key, r.indicator, r.breakdown
    from values_ as r
    semi join re_aggregated_units as u on u.period = r.period and u.unit_key = r.unit_key
    where r.geography = 'as_reported'
),

served as (
    select period, unit_key, unit_code, unit_level, unit_name, geography, indicator, breakdown, dimension, numerator, denominator, value
    from values_
    where geography = 'as_reported'

    union all

    select c.period, c.unit_key, c.unit_code, c.unit_level, c.unit_name, c.geography, c.indicator, c.breakdown, c.dimension, c.numerator, c.denominator, c.value
    from values_ as c
    anti join reported_there as r
        on r.period = c.period and r.unit_key = c.unit_key and r.indicator = c.indicator and r.breakdown = c.breakdown
    where c.geography = 'current_34'
)

select * from served
order by period, unit_key, indicator, breakdown
