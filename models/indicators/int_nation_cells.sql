-- The nation's counts: the sum of today's 34 provinces (so a change in one province re-adds
-- 34 rows, not the country), for every period and breakdown, under both geographies (the
-- nation is the same either way). Schools whose province cannot be determined are not in any
-- province, hence not in the nation; the quality rules report them.
with

province_cells as (
    select * from indicators.int_unit_cells
    where geography = 'current_34'
    union all by name
    select * from indicators.int_flow_cells
    where geography = 'current_34'
    union all by name
    select * from indicators.int_population_cells
    where geography = 'current_34'
),

summed as (
    -- persons are not additive across provinces: learner_persons is taken from the nation's own
    -- repeats below
    select
        period,
        breakdown,
        cast(sum(columns(* exclude (period, geography, unit_key, unit_level, current_province_code, breakdown, learner_persons))) as bigint)
    from province_cells
    group by all
),

repeat_records as (
    select * from indicators.int_learner_repeat_records
    where unit_level = 'nation'
        and geography = 'current_34'
),

geographies as (
    select * from (values ('as_reported'), ('current_34')) as t (geography)
),

final as (
    select
        s.period,
        g.geography,
        'N:VN' as unit_key,
        'nation' as unit_level,
        'VN' as current_province_code,
        s.* exclude (period),
        s.learners - coalesce(r.learner_repeat_records, 0) as learner_persons
    from summed as s
    cross join geographies as g
    left join repeat_records as r
        on r.period = s.period
        and r.breakdown = s.breakdown
)

select * from final
