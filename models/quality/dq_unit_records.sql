-- Records per period x unit (every level, school to nation) x dimension (and 'overall') x record
-- kind: the records of the kind the unit held, where a rule of the dimension checked that kind,
-- and how many of them fail at least one rule of the dimension (of any dimension for 'overall').
-- A record failing three rules counts once. School rows come from the history
-- (meta.quality_record_counts, meta.quality_failures); a unit above sums the schools it held in
-- the period. For the school's own record (truong_hoc) a record is the school: unit-level checks
-- (reporting, timeliness, jumps) count there.
with

catalog as (
    select
        rule_id,
        dimension,
        table_name as record_kind
    from quality.dq_rule_catalog
),

checked as (
    -- the kinds each school's rules of a dimension checked
    select distinct
        r.period,
        r.unit_code,
        k.record_kind,
        k.dimension
    from meta.quality_rule_results as r
    join catalog as k
        on k.rule_id = r.rule_id
    where r.checked > 0
),

checked_any as (
    select * from checked
    union
    select period, unit_code, record_kind, 'overall' from checked
),

failing_pairs as (
    -- each failing record once per dimension it fails in
    select distinct
        f.period,
        f.unit_code,
        f.record_kind,
        f.record_id,
        k.dimension
    from meta.quality_failures as f
    join catalog as k
        on k.rule_id = f.rule_id
    where f.record_id is not null
),

failing as (
    select period, unit_code, record_kind, dimension, count(*) as failing_records
    from failing_pairs
    group by all
    union all
    select period, unit_code, record_kind, 'overall', count(distinct record_id)
    from failing_pairs
    group by all
),

school_rows as (
    select
        c.period,
        c.unit_code as school_code,
        c.record_kind,
        c.dimension,
        n.records,
        coalesce(f.failing_records, 0) as failing_records
    from checked_any as c
    join meta.quality_record_counts as n
        on n.period = c.period
        and n.unit_code = c.unit_code
        and n.record_kind = c.record_kind
    left join failing as f
        on f.period = c.period
        and f.unit_code = c.unit_code
        and f.record_kind = c.record_kind
        and f.dimension = c.dimension
),

final as (
    select
        s.period,
        u.unit_code,
        u.unit_level,
        s.dimension,
        s.record_kind,
        sum(s.records)::bigint as records,
        sum(s.failing_records)::bigint as failing_records
    from school_rows as s
    join quality.dq_unit_closure as u
        on u.period = s.period
        and u.school_code = s.school_code
    group by all
)

select * from final
