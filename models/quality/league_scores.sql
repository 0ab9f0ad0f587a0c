-- The quality league tables as the API serves them: one row per period and unit with the overall
-- score, ranks and change and one score per dimension side by side (quality.dq_unit_scores holds
-- one row per dimension), plus the timeliness counts the deadline status is judged by. Rows are
-- ordered by period, level and code, so that the children of one parent, whose codes share a
-- prefix, are read together. The API joins them to the children it lists and the deadlines.
with

scores as (
    select * from quality.dq_unit_scores
),

pivoted as (
    select
        period,
        unit_level,
        unit_code,
        max(parent_code) filter (where dimension = 'overall') as parent_code,
        max(score) filter (where dimension = 'overall') as score,
        max(rank_in_parent) filter (where dimension = 'overall') as rank_in_parent,
        max(parent_ranked_units) filter (where dimension = 'overall') as parent_ranked_units,
        max(rank) filter (where dimension = 'overall') as rank,
        max(ranked_units) filter (where dimension = 'overall') as ranked_units,
        max(checked) filter (where dimension = 'overall') as checked,
        max(failed) filter (where dimension = 'overall') as failed,
        max(records) filter (where dimension = 'overall') as records,
        max(failing_records) filter (where dimension = 'overall') as failing_records,
        max(band) filter (where dimension = 'overall') as band,
        max(previous_score) filter (where dimension = 'overall') as previous_score,
        max(score_change) filter (where dimension = 'overall') as score_change,
        max(rank_change) filter (where dimension = 'overall') as rank_change,
        max(score) filter (where dimension = 'completeness') as completeness,
        max(score) filter (where dimension = 'validity') as validity,
        max(score) filter (where dimension = 'uniqueness') as uniqueness,
        max(score) filter (where dimension = 'consistency') as consistency,
        max(score) filter (where dimension = 'timeliness') as timeliness,
        max(checked) filter (where dimension = 'timeliness') as timeliness_checked,
        max(failed) filter (where dimension = 'timeliness') as timeliness_failed
    from scores
    group by period, unit_level, unit_code
)

select * from pivoted
order by period, unit_level, unit_code
