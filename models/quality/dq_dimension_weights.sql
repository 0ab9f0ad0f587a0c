-- Weights of the dimensions in the overall score, as the latest evaluation run used them
-- (they sum to 1; a unit's overall score re-normalises over the dimensions it was checked on).
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
        w.dimension,
        w.weight
    from meta.quality_dimension_weights as w
    join latest_run as r
        on r.run_id = w.run_id
)

select * from final
