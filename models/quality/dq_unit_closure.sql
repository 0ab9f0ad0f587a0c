-- Every school with itself and each unit above it, as the units stood in the period:
-- one row per period x school x ancestor (the school included, the nation last).
-- Roll-ups join school-level results to this closure and sum, so a unit's figures are
-- exactly the sum over the schools it held in that period.
with recursive

units as (
    select
        period,
        unit_code,
        unit_level,
        parent_code,
        parent_level
    from quality.dq_units
),

up as (
    -- start: each school is its own first ancestor
    select
        period,
        unit_code as school_code,
        unit_code,
        unit_level,
        parent_code,
        parent_level
    from units
    where unit_level = 'school'

    union all

    -- climb one parent pointer at a time (school -> commune/district -> province -> nation)
    select
        up.period,
        up.school_code,
        u.unit_code,
        u.unit_level,
        u.parent_code,
        u.parent_level
    from up
    join units as u
        on u.period = up.period
        and u.unit_code = up.parent_code
        and u.unit_level = up.parent_level
),

final as (
    select distinct
        period,
        school_code,
        unit_code,
        unit_level
    from up
)

select * from final
