-- Enrolment-ratio counts per province and start-of-year period, only for provinces and years a
-- population table covers (input.population: province code, the provinces it is keyed by, year,
-- age, sex, persons):
--   population_official_age  persons of the level's official ages: primary 6-10, lower
--                            secondary 11-14, upper secondary 15-17 (total: 6-17)
--   ger_learners             enrolled learners of the level, whatever their age
--   ner_learners             of whom of the level's official ages
-- Ages are nam_hoc - birth year, as in the population table. The total is the sum of the three
-- levels. Provinces as reported and re-aggregated to today's 34.
-- A population row names a province of the 63 before the 2025 reorganisation (dia_gioi '63') or
-- of today's 34 ('34'), whatever its year. Each province is the set of old provinces it covers
-- (an old one itself, a new one those the crosswalk merged into it); a row counts towards every
-- province of the period that contains its own, and a province has a population only when the
-- year's rows cover all of it. So a 2024 row of today's Đà Nẵng (old Đà Nẵng + Quảng Nam) counts
-- for today's Đà Nẵng re-aggregated, and for neither old province; the loader refuses a file
-- that would cover part of a province (pipelines/transform/population-input.ts).
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

crosswalk as (
    select * from core.dim_province_crosswalk
),

reorganisation as (
    select min(valid_from) as day from crosswalk
),

keyed_provinces as (
    -- the province a code names in each geography a population file can be keyed by
    select
        '63' as dia_gioi,
        p.unit_code,
        p.unit_key
    from provinces as p
    cross join reorganisation as r
    where r.day - 1 between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
    union all
    select
        '34',
        p.unit_code,
        p.unit_key
    from provinces as p
    cross join reorganisation as r
    where r.day between p.valid_from and coalesce(p.valid_to, date '9999-12-31')
),

atoms as (
    -- each province as the old provinces it covers
    select distinct
        old_province_key as unit_key,
        old_province_key as atom
    from crosswalk
    union all
    select
        new_province_key,
        old_province_key
    from crosswalk
),

atom_counts as (
    select
        unit_key,
        count(*) as atoms
    from atoms
    group by all
),

contains as (
    -- (source, target): every old province of the source is in the target
    select
        s.unit_key as source_key,
        t.unit_key as target_key
    from atoms as s
    join atoms as t
        on t.atom = s.atom
    join atom_counts as n
        on n.unit_key = s.unit_key
    group by all
    having count(*) = any_value(n.atoms)
),

targets as (
    -- the provinces of each start-of-year period: as reported, those valid on its census day;
    -- re-aggregated, today's
    select
        p.period,
        p.nam_hoc,
        'as_reported' as geography,
        u.unit_key,
        u.current_province_code
    from periods as p
    join provinces as u
        on p.census_day between u.valid_from and coalesce(u.valid_to, date '9999-12-31')
    union all
    select
        p.period,
        p.nam_hoc,
        'current_34',
        u.unit_key,
        u.current_province_code
    from periods as p
    cross join provinces as u
    where u.valid_to is null
),

keyed_rows as (
    select
        pop.*,
        k.unit_key as source_key
    from population as pop
    join keyed_provinces as k
        on k.dia_gioi = pop.dia_gioi
        and k.unit_code = pop.ma_tinh
),

sources as (
    select distinct
        nam,
        source_key
    from keyed_rows
),

covered as (
    -- targets whose every old province the year's rows cover
    select
        t.period,
        t.geography,
        t.unit_key,
        t.current_province_code
    from targets as t
    join contains as c
        on c.target_key = t.unit_key
    join sources as s
        on s.source_key = c.source_key
        and s.nam = t.nam_hoc
    join atom_counts as n
        on n.unit_key = c.source_key
    join atom_counts as tn
        on tn.unit_key = t.unit_key
    group by all
    having sum(n.atoms) = any_value(tn.atoms)
),

age_groups as (
    select * from (values
        ('primary', 6, 10),
        ('lower_secondary', 11, 14),
        ('upper_secondary', 15, 17)
    ) as t (level, age_from, age_to)
),

population_rows as (
    -- each population row in every covered province of the period that contains its own
    select
        v.period,
        v.geography,
        v.unit_key,
        v.current_province_code,
        a.level,
        case r.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        r.dan_so as population_official_age,
        0 as ger_learners,
        0 as ner_learners
    from keyed_rows as r
    join periods as p
        on p.nam_hoc = r.nam
    join contains as c
        on c.source_key = r.source_key
    join covered as v
        on v.period = p.period
        and v.unit_key = c.target_key
    join age_groups as a
        on r.tuoi between a.age_from and a.age_to
),

covered_schools as (
    -- the school-years of each covered province: as reported, those placed in it; re-aggregated,
    -- those in it among today's provinces (none when no population is loaded, so the learner
    -- fact is then joined to nothing)
    select
        v.*,
        y.school_key
    from covered as v
    join core.int_school_years as y
        on y.province_key = v.unit_key
    where v.geography = 'as_reported'
    union all
    select
        v.*,
        y.school_key
    from covered as v
    join core.int_school_years as y
        on y.current_province_key = v.unit_key
    where v.geography = 'current_34'
),

learner_rows as (
    -- each enrolled learner of grades 1-12 in its covered provinces
    select
        s.period,
        s.geography,
        s.unit_key,
        s.current_province_code,
        g.level,
        case l.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex,
        0 as population_official_age,
        1 as ger_learners,
        case when l.age between a.age_from and a.age_to then 1 else 0 end as ner_learners
    from core.fct_learners as l
    join covered_schools as s
        on s.school_key = l.school_key
        and s.period = l.period
    join core.dim_grades as g
        on g.khoi_hoc = l.khoi_hoc
    join age_groups as a
        on a.level = g.level
    where l.is_enrolled
        -- a run limited to some provinces counts only their learners
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), l.current_province_code))
),

contributions as (
    select * from population_rows
    union all
    select * from learner_rows
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
    from contributions
    group by grouping sets (
        (period, geography, unit_key, current_province_code),
        (period, geography, unit_key, current_province_code, level),
        (period, geography, unit_key, current_province_code, sex)
    )
    having breakdown is not null
)

select * from final
