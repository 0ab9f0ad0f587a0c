-- Quality scores per period x unit x dimension, plus dimension = 'overall', with ranks.
--   rule pass rate      p = 1 - failed / checked            (row-weighted: every record counts once)
--   dimension score     100 * sum(w_rule * p) / sum(w_rule)  over the rules checked at the unit
--   overall score       sum(W_dim * score) / sum(W_dim)      over the dimensions checked at the unit
-- Weights: quality.dq_rule_catalog.weight and quality.dq_dimension_weights.weight.
-- Ranks use rank() (ties share a rank, the next rank skips), best score first, among units
-- of the same level: nationally (rank, ranked_units), under the same parent, and in the same
-- province; the change is against the unit's previous period (same unit, same dimension).
with

rule_rates as (
    select
        r.period,
        r.unit_code,
        r.unit_level,
        r.dimension,
        k.weight,
        r.checked,
        r.failed,
        r.pass_rate
    from quality.dq_rule_results as r
    join quality.dq_rule_catalog as k
        on k.rule_id = r.rule_id
),

per_dimension as (
    select
        period,
        unit_code,
        unit_level,
        dimension,
        100 * sum(weight * pass_rate) / sum(weight) as score,
        sum(checked)::bigint as checked,
        sum(failed)::bigint as failed
    from rule_rates
    group by all
),

overall as (
    select
        d.period,
        d.unit_code,
        d.unit_level,
        'overall' as dimension,
        sum(w.weight * d.score) / sum(w.weight) as score,
        sum(d.checked)::bigint as checked,
        sum(d.failed)::bigint as failed
    from per_dimension as d
    join quality.dq_dimension_weights as w
        on w.dimension = d.dimension
    group by all
),

scored as (
    select * from per_dimension
    union all by name
    select * from overall
),

placed as (
    select
        s.*,
        u.unit_key,
        u.unit_name,
        u.parent_code,
        u.parent_level,
        u.province_code,
        -- scores are published and ranked at 1e-6 points, so that equal fractions computed
        -- apart (or summed in another order by parallel threads) are equal and tie
        round(s.score, 6) as score_key
    from scored as s
    join quality.dq_units as u
        on u.period = s.period
        and u.unit_code = s.unit_code
        and u.unit_level = s.unit_level
),

ranked as (
    select
        *,
        rank() over (nation_w order by score_key desc) as rank,
        count(*) over nation_w as ranked_units,
        rank() over (parent_w order by score_key desc) as rank_in_parent,
        count(*) over parent_w as parent_ranked_units,
        rank() over (province_w order by score_key desc) as rank_in_province,
        count(*) over province_w as province_ranked_units
    from placed
    -- counts use the whole partition (no order by, which would make them running counts)
    window
        nation_w as (partition by period, dimension, unit_level),
        parent_w as (partition by period, dimension, unit_level, parent_level, parent_code),
        province_w as (partition by period, dimension, unit_level, province_code)
),

periods as (
    select
        period,
        lag(period) over (order by period_order) as previous_period
    from quality.dq_periods
),

final as (
    select
        r.period,
        r.unit_code,
        r.unit_level,
        r.unit_name,
        r.parent_code,
        r.province_code,
        r.dimension,
        r.score_key as score,
        r.checked,
        r.failed,
        r.rank,
        r.ranked_units,
        r.rank_in_parent,
        r.parent_ranked_units,
        -- a province has no province rank beyond itself, nor does the nation
        case when r.unit_level not in ('province', 'nation') then r.rank_in_province end as rank_in_province,
        case when r.unit_level not in ('province', 'nation') then r.province_ranked_units end as province_ranked_units,
        p.previous_period,
        prev.score_key as previous_score,
        r.score_key - prev.score_key as score_change,
        prev.rank as previous_rank,
        -- positive: the unit climbed (its rank number fell)
        prev.rank - r.rank as rank_change
    from ranked as r
    join periods as p
        on p.period = r.period
    left join ranked as prev
        on prev.period = p.previous_period
        and prev.unit_key = r.unit_key
        and prev.unit_level = r.unit_level
        and prev.dimension = r.dimension
)

select * from final
