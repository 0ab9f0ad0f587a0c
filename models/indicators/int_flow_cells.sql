-- The UIS flow counts between consecutive school years t and t+1, per province among today's 34
-- (the units of t+1; pre-2025 school years are mapped through the crosswalk), from start-of-year
-- enrolment E(g, t) and repeaters R(g, t) in general-education grades 1-12:
--   reported on t-CN, by grade g of year t:
--     flow_enrolment            E(g, t)                              g = 1..12
--     flow_repeaters            R(g, t+1)                            g = 1..12
--     flow_enrolment_promotable E(g, t)                              g = 1..11
--     flow_promoted             E(g+1, t+1) - R(g+1, t+1)            g = 1..11
--     flow_not_continuing       E(g, t) - promoted - R(g, t+1)       g = 1..11
--   reported on (t+1)-DN: transition_*_entrants E(6|10, t+1) - R(6|10, t+1) and
--     transition_*_base E(5|9, t) - R(5|9, t+1).
-- Only pairs of years whose start-of-year periods both exist are computed.
with

enrolment as (
    -- E and R per today's province, school year, grade and sex (học sinh)
    select
        l.current_province_code,
        l.nam_hoc,
        g.grade_order,
        case l.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        count(*) filter (where l.is_enrolled) as enrolled,
        count(*) filter (where l.is_enrolled and l.is_repeater) as repeaters
    from core.fct_learners as l
    join core.dim_grades as g
        on g.khoi_hoc = l.khoi_hoc
    where l.period = l.nam_hoc || '-DN'
        and g.grade_order is not null
        and l.current_province_code is not null
        -- a run limited to some provinces counts only their learners
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), l.current_province_code))
    group by all
),

periods as (
    select * from core.dim_periods
),

year_pairs as (
    select
        this_year.nam_hoc as t
    from periods as this_year
    join periods as next_year
        on next_year.nam_hoc = this_year.nam_hoc + 1
        and next_year.ky = 'DN'
    where this_year.ky = 'DN'
),

grades as (
    select * from core.dim_grades
    where grade_order is not null
),

-- each start-of-year count lands on the grade g of year t it describes
contributions as (
    select e.current_province_code, p.t, e.grade_order as g, e.sex,
        e.enrolled as flow_enrolment,
        0 as flow_repeaters,
        case when e.grade_order <= 11 then e.enrolled else 0 end as flow_enrolment_promotable,
        0 as flow_promoted,
        0 as flow_repeaters_promotable
    from enrolment as e
    join year_pairs as p
        on e.nam_hoc = p.t
    union all
    select e.current_province_code, p.t, e.grade_order, e.sex,
        0, e.repeaters, 0, 0,
        case when e.grade_order <= 11 then e.repeaters else 0 end
    from enrolment as e
    join year_pairs as p
        on e.nam_hoc = p.t + 1
    union all
    select e.current_province_code, p.t, e.grade_order - 1, e.sex,
        0, 0, 0, e.enrolled - e.repeaters, 0
    from enrolment as e
    join year_pairs as p
        on e.nam_hoc = p.t + 1
    where e.grade_order >= 2
),

flow_cells as (
    select
        c.t || '-CN' as period,
        c.current_province_code,
        case
            when grouping(g.grade) = 0 then 'grade=' || g.grade
            when grouping(g.level) = 0 then 'level=' || g.level
            when grouping(c.sex) = 0 then 'sex=' || c.sex
            else 'total'
        end as breakdown,
        cast(sum(c.flow_enrolment) as bigint) as flow_enrolment,
        cast(sum(c.flow_repeaters) as bigint) as flow_repeaters,
        cast(sum(c.flow_enrolment_promotable) as bigint) as flow_enrolment_promotable,
        cast(sum(c.flow_promoted) as bigint) as flow_promoted,
        cast(sum(c.flow_enrolment_promotable - c.flow_promoted - c.flow_repeaters_promotable) as bigint) as flow_not_continuing
    from contributions as c
    join grades as g
        on g.grade_order = c.g
    group by grouping sets (
        (c.t, c.current_province_code),
        (c.t, c.current_province_code, g.grade),
        (c.t, c.current_province_code, g.level),
        (c.t, c.current_province_code, c.sex)
    )
),

transition_cells as (
    select
        (p.t + 1) || '-DN' as period,
        e.current_province_code,
        case when grouping(e.sex) = 0 then 'sex=' || e.sex else 'total' end as breakdown,
        cast(sum(case when e.nam_hoc = p.t + 1 and e.grade_order = 6 then e.enrolled - e.repeaters else 0 end) as bigint) as transition_5_6_entrants,
        cast(sum(case when e.nam_hoc = p.t and e.grade_order = 5 then e.enrolled when e.nam_hoc = p.t + 1 and e.grade_order = 5 then -e.repeaters else 0 end) as bigint) as transition_5_6_base,
        cast(sum(case when e.nam_hoc = p.t + 1 and e.grade_order = 10 then e.enrolled - e.repeaters else 0 end) as bigint) as transition_9_10_entrants,
        cast(sum(case when e.nam_hoc = p.t and e.grade_order = 9 then e.enrolled when e.nam_hoc = p.t + 1 and e.grade_order = 9 then -e.repeaters else 0 end) as bigint) as transition_9_10_base
    from enrolment as e
    join year_pairs as p
        on e.nam_hoc in (p.t, p.t + 1)
    group by grouping sets (
        (p.t, e.current_province_code),
        (p.t, e.current_province_code, e.sex)
    )
),

provinces_today as (
    select
        unit_key,
        unit_code
    from core.dim_units
    where unit_level = 'province'
        and valid_to is null
),

cells as (
    select * from flow_cells
    union all by name
    select * from transition_cells
),

geographies as (
    -- today's provinces are also the units as reported once the period is after 01/07/2025
    select
        c.*,
        'current_34' as geography
    from cells as c
    union all
    select
        c.*,
        'as_reported'
    from cells as c
    join periods as p
        on p.period = c.period
    where not p.is_before_reorganisation
),

final as (
    select
        u.unit_key,
        'province' as unit_level,
        g.*
    from geographies as g
    join provinces_today as u
        on u.unit_code = g.current_province_code
    where g.breakdown is not null
)

select * from final
