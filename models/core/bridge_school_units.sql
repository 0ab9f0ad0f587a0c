-- Every school-year with each unit its figures roll up into, below the nation:
--   geography 'as_reported': the school itself, its district (before 01/07/2025) or commune
--                            (after), and its province, as the units stood in that school year;
--   geography 'current_34':  the province among today's 34 it lies in, so a series can be
--                            compared across the reorganisation.
-- The nation is summed from the current_34 provinces (and unplaced schools) downstream.
with

school_years as (
    select * from core.int_school_years
),

as_reported as (
    select school_key, nam_hoc, 'as_reported' as geography, school_key as unit_key, 'school' as unit_level, current_province_code
    from school_years
    union all
    -- the district or commune the school reports through (absent when only its province is known)
    select school_key, nam_hoc, 'as_reported', parent_key, local_level, current_province_code
    from school_years
    where parent_key is distinct from province_key
        and parent_key <> 'N:VN'
    union all
    select school_key, nam_hoc, 'as_reported', province_key, 'province', current_province_code
    from school_years
    where province_key is not null
),

current_34 as (
    select school_key, nam_hoc, 'current_34' as geography, current_province_key as unit_key, 'province' as unit_level, current_province_code
    from school_years
    where current_province_key is not null
),

final as (
    select * from as_reported
    union all
    select * from current_34
)

select * from final
