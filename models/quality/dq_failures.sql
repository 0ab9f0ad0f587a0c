-- What each school must fix: a bounded sample of failing records per period x school x rule
-- (default 20, `csdl quality --sample`), as pseudonymous keys '<table>:<source row id>'.
-- `detail` names the field and the kind of the bad value ('ngay_sinh: dd/mm/yyyy'), never
-- the value of a personal field; `pseudonym` is the learner's or staff member's keyed
-- pseudonym where the record has one.
with

failures as (
    select
        period,
        unit_code,
        rule_id,
        record_key,
        record_id,
        pseudonym,
        detail
    from meta.quality_failures
),

final as (
    select
        f.period,
        f.unit_code,
        f.rule_id,
        k.dimension,
        f.record_key,
        f.record_id,
        f.pseudonym,
        f.detail
    from failures as f
    join quality.dq_rule_catalog as k
        on k.rule_id = f.rule_id
)

select * from final
