-- Learner counts per active school, period and breakdown (total, grade, level, sex, minority):
-- additive numerators and denominators, so every higher unit is their sum. The total row exists
-- for every active school, with zeros when it has no learners.
with

schools as (
    select * from core.fct_schools
    where is_active
),

learners as (
    select * from core.fct_learners
),

grades as (
    select * from core.dim_grades
),

school_learners as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        l.hoc_sinh_id,
        g.grade,
        g.level,
        case l.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        l.is_minority,
        l.is_enrolled,
        l.is_repeater,
        l.is_dropout,
        g.grade_order,
        l.age,
        g.official_age
    from schools as s
    left join learners as l
        on l.school_key = s.school_key
        and l.period = s.period
    left join grades as g
        on g.khoi_hoc = l.khoi_hoc
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
        -- learners counted on the census day (học sinh)
        count(hoc_sinh_id) filter (where is_enrolled) as learners,
        count(hoc_sinh_id) filter (where is_enrolled and sex = 'female') as learners_female,
        count(hoc_sinh_id) filter (where is_enrolled and sex = 'male') as learners_male,
        -- of whom repeating their grade (lưu ban)
        count(hoc_sinh_id) filter (where is_enrolled and is_repeater) as repeaters,
        -- records of the school year whose current status is a dropout (thôi học)
        count(hoc_sinh_id) filter (where is_dropout) as dropouts,
        -- grades 1-12: learners of the official age, and learners with a known age
        count(hoc_sinh_id) filter (where is_enrolled and grade_order is not null and age = official_age) as learners_on_age,
        count(hoc_sinh_id) filter (where is_enrolled and grade_order is not null and age is not null) as learners_age_known
    from school_learners
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
