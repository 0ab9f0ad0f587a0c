-- Rule results per period x unit (every level, school to nation) x rule: records checked and
-- failed. School rows are what the rule engine counted; higher units are sums over the schools
-- they held in the period (row-weighted: a large school weighs as many records as it has).
with

school_results as (
    -- the latest evaluation of each period, kept in the durable history
    select
        period,
        unit_code as school_code,
        rule_id,
        checked,
        failed
    from meta.quality_rule_results
),

rolled as (
    select
        s.period,
        c.unit_code,
        c.unit_level,
        s.rule_id,
        sum(s.checked)::bigint as checked,
        sum(s.failed)::bigint as failed
    from school_results as s
    join quality.dq_unit_closure as c
        on c.period = s.period
        and c.school_code = s.school_code
    group by all
),

final as (
    select
        r.period,
        r.unit_code,
        r.unit_level,
        r.rule_id,
        k.dimension,
        r.checked,
        r.failed,
        -- share of checked records that pass, 0..1
        1 - r.failed / r.checked as pass_rate
    from rolled as r
    join quality.dq_rule_catalog as k
        on k.rule_id = r.rule_id
    where r.checked > 0
)

select * from final
