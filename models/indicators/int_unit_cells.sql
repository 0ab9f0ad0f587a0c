-- The schools' counts summed into every unit below the nation, per period, geography and
-- breakdown: the school itself, its district or commune and its province as the units stood
-- ('as_reported'), and its province among today's 34 ('current_34'). Above the school, the
-- totals are also broken down by the schools' ownership and zone. Ratios are never averaged:
-- indicator_values divides these sums. Persons are not additive: learner_persons is the sum of
-- records less the repeats of a person within the unit's cell (int_learner_repeat_records).
with

school_cells as (
    select * from indicators.int_school_cells
),

schools as (
    select
        period,
        school_key,
        ownership,
        zone
    from core.fct_schools
    where is_active
),

bridge as (
    select * from core.bridge_school_units
),

-- each school's total again, labelled with its ownership and its zone
by_school_attribute as (
    select
        c.* replace ('ownership=' || s.ownership as breakdown)
    from school_cells as c
    join schools as s
        on s.school_key = c.school_key
        and s.period = c.period
    where c.breakdown = 'total'
        and s.ownership is not null
    union all
    select
        c.* replace ('zone=' || s.zone as breakdown)
    from school_cells as c
    join schools as s
        on s.school_key = c.school_key
        and s.period = c.period
    where c.breakdown = 'total'
        and s.zone is not null
),

contributions as (
    select
        c.*,
        b.geography,
        b.unit_key,
        b.unit_level
    from school_cells as c
    join bridge as b
        on b.school_key = c.school_key
    union all
    -- a school's own ownership and zone rows would only repeat its total
    select
        a.*,
        b.geography,
        b.unit_key,
        b.unit_level
    from by_school_attribute as a
    join bridge as b
        on b.school_key = a.school_key
        and b.unit_level <> 'school'
),

summed as (
    select
        period,
        geography,
        unit_key,
        unit_level,
        current_province_code,
        breakdown,
        cast(sum(columns(* exclude (period, geography, unit_key, unit_level, current_province_code, breakdown, school_key))) as bigint)
    from contributions
    group by all
),

repeat_records as (
    select * from indicators.int_learner_repeat_records
),

final as (
    select
        s.*,
        -- learners as persons (distinct pseudonyms): the records less each person's repeats
        s.learners - coalesce(r.learner_repeat_records, 0) as learner_persons
    from summed as s
    left join repeat_records as r
        on r.period = s.period
        and r.geography = s.geography
        and r.unit_key = s.unit_key
        and r.breakdown = s.breakdown
)

select * from final
