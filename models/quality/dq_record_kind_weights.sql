-- Weights of the record kinds (the tables whose records the rules check) in the scores, as the
-- latest evaluation run used them (they sum to 1; a unit's score re-normalises over the kinds
-- checked at the unit).
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
        w.record_kind,
        w.weight
    from meta.quality_record_kind_weights as w
    join latest_run as r
        on r.run_id = w.run_id
)

select * from final
