-- Learner records beyond the first of the same person, per unit, period and breakdown: where a
-- learner (one pseudonym, ma_hoc_sinh) is enrolled on the census day in more than one record of
-- the unit's cell (two schools, or a copy entered twice), every record after the first. The
-- record counts (learners) minus these are the persons of the cell (distinct pseudonyms), for
-- every unit from school to nation (a person in two provinces is one person of the nation). Rows
-- exist only for cells with such records, so the table stays small.
-- A person's records are found in two steps, so that only a few are grouped by their 32-character
-- pseudonym: a 64-bit hash of (school year, pseudonym) per live record, sorted, marks the
-- hashes that repeat (every learner with two records in a year: transfers, duplicates); those
-- records alone are then grouped by the pseudonym itself, so a hash collision cannot merge two
-- learners.
with

records as (
    select
        hoc_sinh_id,
        nam_hoc,
        ma_hoc_sinh,
        xor(hash(ma_hoc_sinh), cast(nam_hoc as ubigint)) as year_hash
    from staging.stg_csdl__hoc_sinh
    where not is_deleted
),

repeated_hashes as (
    select distinct year_hash
    from (
        select
            year_hash,
            lag(year_hash) over (order by year_hash) as previous_hash
        from records
    )
    where year_hash = previous_hash
),

candidates as (
    select
        r.hoc_sinh_id,
        r.ma_hoc_sinh
    from records as r
    semi join repeated_hashes as h
        on h.year_hash = r.year_hash
),

enrolled as (
    -- the candidates' records counted on a census day, with what their cells are keyed by
    select
        l.period,
        c.ma_hoc_sinh,
        l.school_key,
        l.khoi_hoc,
        case l.gioi_tinh when 1 then 'male' when 2 then 'female' end as sex
    from core.fct_learners as l
    join candidates as c
        on c.hoc_sinh_id = l.hoc_sinh_id
    where l.is_enrolled
),

persons as (
    -- learners enrolled in more than one record in a period
    select
        period,
        ma_hoc_sinh
    from enrolled
    group by all
    having count(*) > 1
),

person_records as (
    select
        e.*,
        g.level
    from enrolled as e
    semi join persons as p
        on p.period = e.period
        and p.ma_hoc_sinh = e.ma_hoc_sinh
    left join core.dim_grades as g
        on g.khoi_hoc = e.khoi_hoc
),

bridge as (
    select * from core.bridge_school_units
),

units as (
    -- every unit a school's records count in: its bridge, and the nation under both geographies
    -- for schools in one of today's provinces (the nation is the sum of the 34)
    select
        school_key,
        geography,
        unit_key,
        unit_level,
        current_province_code
    from bridge
    union all
    select
        b.school_key,
        g.geography,
        'N:VN',
        'nation',
        'VN'
    from bridge as b
    cross join (values ('as_reported'), ('current_34')) as g (geography)
    where b.geography = 'current_34'
),

cells as (
    -- each record once under the total and once under each breakdown of LRN-P it has a value for
    select
        r.period,
        u.geography,
        u.unit_key,
        u.unit_level,
        u.current_province_code,
        r.ma_hoc_sinh,
        unnest(list_filter([
            'total',
            'level=' || r.level,
            'sex=' || r.sex
        ], b -> b is not null)) as breakdown
    from person_records as r
    join units as u
        on u.school_key = r.school_key
),

person_cells as (
    -- a person's records in a cell
    select
        period,
        geography,
        unit_key,
        unit_level,
        current_province_code,
        breakdown,
        ma_hoc_sinh,
        count(*) as records
    from cells
    group by all
),

final as (
    select
        period,
        geography,
        unit_key,
        unit_level,
        current_province_code,
        breakdown,
        cast(sum(records - 1) as bigint) as learner_repeat_records
    from person_cells
    where records > 1
    group by all
)

select * from final
