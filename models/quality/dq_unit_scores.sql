-- Quality scores per period x unit x dimension, plus dimension = 'overall', with bands and ranks.
--   kind share     p_k = 1 - failing_k / records_k    records of kind k (learners, staff, classes,
--                                                      the school's own record, ...) with no
--                                                      failure in the dimension (for overall: in
--                                                      any dimension); a record counts once however
--                                                      many rules it fails
--   score          100 * sum(w_k * p_k) / sum(w_k)     over the kinds checked at the unit
-- Weights: quality.dq_record_kind_weights (they sum to 1; re-normalised over the kinds present).
-- Records and failing records come from quality.dq_unit_records; `checked` and `failed` stay the
-- rule checks (record x rule) of quality.dq_rule_results. The band is the one of the score shown
-- to one decimal, rounded down (quality.dq_score_bands), so that a unit with a failing record
-- never shows 100,0. Ranks are row_number() among units of the same level, best score first,
-- ties broken by fewer failing records, then by name in Vietnamese order (ICU's sort key: a
-- collate clause would hide the model's references from the runner), then code: nationally (rank,
-- ranked_units), under the same parent, and in the same province; the change is against the
-- unit's previous period (same unit, same dimension), only when the unit has both.
with

kinds as (
    select
        r.period,
        r.unit_code,
        r.unit_level,
        r.dimension,
        r.records,
        r.failing_records,
        w.weight
    from quality.dq_unit_records as r
    join quality.dq_record_kind_weights as w
        on w.record_kind = r.record_kind
),

by_records as (
    select
        period,
        unit_code,
        unit_level,
        dimension,
        100 * sum(weight * (1 - failing_records / records)) / sum(weight) as score,
        sum(records)::bigint as records,
        sum(failing_records)::bigint as failing_records
    from kinds
    group by all
),

checks as (
    select
        period,
        unit_code,
        unit_level,
        dimension,
        sum(checked)::bigint as checked,
        sum(failed)::bigint as failed
    from quality.dq_rule_results
    group by all
),

all_checks as (
    select * from checks
    union all
    select period, unit_code, unit_level, 'overall', sum(checked)::bigint, sum(failed)::bigint
    from checks
    group by all
),

scored as (
    select
        s.*,
        coalesce(c.checked, 0) as checked,
        coalesce(c.failed, 0) as failed
    from by_records as s
    left join all_checks as c
        on c.period = s.period
        and c.unit_code = s.unit_code
        and c.unit_level = s.unit_level
        and c.dimension = s.dimension
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

banded as (
    select
        p.*,
        (
            select arg_max(b.band, b.min_score)
            from quality.dq_score_bands as b
            where b.min_score <= floor(p.score_key * 10) / 10
        ) as band
    from placed as p
),

ranked as (
    select
        *,
        row_number() over (nation_w order by score_key desc, failing_records, icu_sort_key(unit_name, 'vi'), unit_code) as rank,
        count(*) over nation_w as ranked_units,
        row_number() over (parent_w order by score_key desc, failing_records, icu_sort_key(unit_name, 'vi'), unit_code) as rank_in_parent,
        count(*) over parent_w as parent_ranked_units,
        row_number() over (province_w order by score_key desc, failing_records, icu_sort_key(unit_name, 'vi'), unit_code) as rank_in_province,
        count(*) over province_w as province_ranked_units
    from banded
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
        r.records,
        r.records - r.failing_records as clean_records,
        r.failing_records,
        r.band,
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
