-- The rule catalogue of the latest evaluation run: one row per rule with its dimension, level,
-- Vietnamese and English descriptions, thresholds and its SQL.
with

latest_run as (
    select run_id
    from meta.quality_runs
    where status = 'succeeded'
    order by started_at desc
    limit 1
),

final as (
    select
        c.rule_id,
        c.dimension,
        c.family,
        c.level,
        c.table_name,
        c.field,
        c.description_vi,
        c.description_en,
        c.thresholds,
        c.rule_sql
    from meta.quality_rule_catalog as c
    join latest_run as r
        on r.run_id = c.run_id
)

select * from final
