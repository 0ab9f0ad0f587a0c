-- The score bands of the latest evaluation run (configuration `qualityBands`): a score shown to
-- one decimal, rounded down, falls in the band with the highest minimum it reaches.
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
        b.band,
        b.min_score,
        b.label_vi,
        b.color
    from meta.quality_score_bands as b
    join latest_run as r
        on r.run_id = b.run_id
)

select * from final
