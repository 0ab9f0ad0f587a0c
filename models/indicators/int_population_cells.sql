-- Enrolment-ratio counts per province and start-of-year period, only for years a population
-- table covers (input.population: province code valid in that year, year, age, sex, persons):
--   population_official_age  persons of the level's official ages: primary 6-10, lower
--                            secondary 11-14, upper secondary 15-17 (total: 6-17)
--   ger_learners             enrolled learners of the level, whatever their age
--   ner_learners             of whom of the level's official ages
-- Ages are nam_hoc - birth year, as in the population table. The total is the sum of the three
-- levels. Provinces as reported and re-aggregated to today's 34.
with

population as (
    select * from input.population
),

periods as (
    select * from core.dim_periods
    where ky = 'DN'
),

provinces as (
    select * from core.dim_units
    where unit_level = 'province'
),

provinces_today as (
    select
        unit_key,
        unit_code
    from provinces
    where valid_to is null
),

age_groups as (
    select * from (values
        ('primary', 6, 10),
        ('lower_secondary', 11, 14),
        ('upper_secondary', 15, 17)
    ) as t (level, age_from, age_to)
),

population_rows as (
    -- each population row in the province valid on the census day of its year
    select
        p.period,
        u.unit_key as province_key,
        u.current_province_code,
        a.level,
        case pop.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        pop.dan_so as population_official_age,
        0 as ger_learners,
        0 as ner_learners
    from population as pop
    join periods as p
        on p.nam_hoc = pop.nam
    join provinces as u
        on u.unit_code = pop.ma_tinh
        and p.census_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
    join age_groups as a
        on pop.tuoi between a.age_from and a.age_to
),

covered as (
    -- provinces (as reported) the population table covers in a period: learners elsewhere have
    -- no denominator and stay out, so re-aggregations never add learners without population
    select distinct
        period,
        province_key
    from population_rows
),

learner_rows as (
    select
        l.period,
        y.province_key,
        l.current_province_code,
        g.level,
        case l.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        0 as population_official_age,
        1 as ger_learners,
        case when l.age between a.age_from and a.age_to then 1 else 0 end as ner_learners
    from core.fct_learners as l
    join core.int_school_years as y
        on y.school_key = l.school_key
    join core.dim_grades as g
        on g.khoi_hoc = l.khoi_hoc
    join age_groups as a
        on a.level = g.level
    join covered as c
        on c.period = l.period
        and c.province_key = y.province_key
    where l.is_enrolled
        -- a run limited to some provinces counts only their learners
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), l.current_province_code))
),

contributions as (
    select * from population_rows
    union all
    select * from learner_rows
),

located as (
    -- as reported: the province of the time; current_34: today's province
    select
        c.*,
        'as_reported' as geography,
        c.province_key as unit_key
    from contributions as c
    where c.province_key is not null
    union all
    select
        c.*,
        'current_34',
        t.unit_key
    from contributions as c
    join provinces_today as t
        on t.unit_code = c.current_province_code
),

final as (
    select
        period,
        geography,
        unit_key,
        'province' as unit_level,
        current_province_code,
        case
            when grouping(level) = 0 then 'level=' || level
            when grouping(sex) = 0 then 'sex=' || sex
            else 'total'
        end as breakdown,
        cast(sum(population_official_age) as bigint) as population_official_age,
        cast(sum(ger_learners) as bigint) as ger_learners,
        cast(sum(ner_learners) as bigint) as ner_learners
    from located
    group by grouping sets (
        (period, geography, unit_key, current_province_code),
        (period, geography, unit_key, current_province_code, level),
        (period, geography, unit_key, current_province_code, sex)
    )
    having breakdown is not null
)

select * from final
