-- All additive counts of an active school per period and breakdown, in one row: the learner,
-- class, teacher and facility families side by side. A count is null where its family has no
-- such breakdown (classes by sex, say), zero where the family applies and counted nothing.
with

cells as (
    select * from indicators.int_school_learner_cells
    union all by name
    select * from indicators.int_school_class_cells
    union all by name
    select * from indicators.int_school_staff_cells
    union all by name
    select * from indicators.int_school_facility_cells
),

final as (
    select
        period,
        school_key,
        current_province_code,
        breakdown,
        -- every other column is a count; sum() keeps null where no family supplied one
        cast(sum(columns(* exclude (period, school_key, current_province_code, breakdown))) as bigint)
    from cells
    group by all
)

select * from final
