-- Learner counts per active school, period and breakdown (total, grade, level, sex, minority):
-- additive numerators and denominators, so every higher unit is their sum. The total row exists
-- for every active school, with zeros when it has no learners. Counted in two steps: once per
-- school, period, grade, sex and ethnicity group (one pass over the learner fact), then the
-- breakdowns from those few rows.
with

schools as (
    select * from core.fct_schools
    where is_active
),

grades as (
    select * from core.dim_grades
),

learner_groups as (
    select
        l.period,
        l.school_key,
        l.khoi_hoc,
        l.gioi_tinh,
        l.is_minority,
        -- learners counted on the census day (học sinh)
        count(*) filter (where l.is_enrolled) as learners,
        -- of whom repeating their grade (lưu ban)
        count(*) filter (where l.is_enrolled and l.is_repeater) as repeaters,
        -- records of the school year whose current status is a dropout (thôi học)
        count(*) filter (where l.is_dropout) as dropouts,
        -- grades 1-12: learners of the official age, and learners with a known age
        count(*) filter (where l.is_enrolled and l.age = g.official_age) as learners_on_age,
        count(*) filter (where l.is_enrolled and g.official_age is not null and l.age is not null) as learners_age_known
    from core.fct_learners as l
    left join grades as g
        on g.khoi_hoc = l.khoi_hoc
    -- a run limited to some provinces counts only their learners
    where (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), l.current_province_code))
    group by all
),

school_groups as (
    -- every active school, with its groups (none when it has no learner records)
    select
        s.period,
        s.school_key,
        s.current_province_code,
        g.grade,
        g.level,
        case lg.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        lg.is_minority,
        coalesce(lg.learners, 0) as learners,
        coalesce(lg.repeaters, 0) as repeaters,
        coalesce(lg.dropouts, 0) as dropouts,
        coalesce(lg.learners_on_age, 0) as learners_on_age,
        coalesce(lg.learners_age_known, 0) as learners_age_known
    from schools as s
    left join learner_groups as lg
        on lg.school_key = s.school_key
        and lg.period = s.period
    left join grades as g
        on g.khoi_hoc = lg.khoi_hoc
),

cells as (
    select
        period,
        school_key,
        current_province_code,
        case
            when grouping(grade) = 0 then 'grade=' || grade
            when grouping(level) = 0 then 'level=' || level
            when grouping(sex) = 0 then 'sex=' || sex
            when grouping(is_minority) = 0 then 'minority=' || case is_minority when true then 'yes' when false then 'no' end
            else 'total'
        end as breakdown,
        cast(sum(learners) as bigint) as learners,
        cast(coalesce(sum(learners) filter (where sex = 'female'), 0) as bigint) as learners_female,
        cast(coalesce(sum(learners) filter (where sex = 'male'), 0) as bigint) as learners_male,
        cast(sum(repeaters) as bigint) as repeaters,
        cast(sum(dropouts) as bigint) as dropouts,
        cast(sum(learners_on_age) as bigint) as learners_on_age,
        cast(sum(learners_age_known) as bigint) as learners_age_known
    from school_groups
    group by grouping sets (
        (period, school_key, current_province_code),
        (period, school_key, current_province_code, grade),
        (period, school_key, current_province_code, level),
        (period, school_key, current_province_code, sex),
        (period, school_key, current_province_code, is_minority)
    )
),

final as (
    select * from cells
    -- a learner whose grade, sex or ethnicity is unknown counts in the total only
    where breakdown is not null
)

select * from final
