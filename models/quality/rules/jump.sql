-- Plausibility against history (an accuracy proxy, scored as consistency), after the WHO
-- data-quality review: a school's learners enrolled on the census day against the mean of its up
-- to {{previous_periods}} previous periods that have data, flagged when the ratio is off by more
-- than {{max_change}}. Small schools (a previous mean under {{min_base}} learners) are not checked:
-- a few learners would swing them. The thresholds are the rule's (rules-statistics.ts).

-- name: TH-JUMP
with counted as (
    select l.period, q.period_order, s.ma_truong_hoc, count(*) filter (where l.is_enrolled) as n
    from core.fct_learners as l
    join core.fct_schools as s on s.period = l.period and s.school_key = l.school_key
    join quality.dq_periods as q on q.period = l.period
    group by all
),
compared as (
    select *,
        avg(nullif(n, 0)) over history as previous_mean,
        count(nullif(n, 0)) over history as previous_periods
    from counted
    window history as (partition by ma_truong_hoc order by period_order
        range between {{previous_periods}} preceding and 1 preceding)
)
select c.period, c.ma_truong_hoc as unit_code, 'truong_hoc:' || s.truong_hoc_id as record_key,
    s.truong_hoc_id as record_id,
    abs(c.n / c.previous_mean - 1) > {{max_change}} as failed,
    'tong_so_hoc_sinh' as fields,
    'Số học sinh đang học ' || c.n || ', trung bình ' || c.previous_periods || ' kỳ trước '
        || replace(round(c.previous_mean, 1)::varchar, '.', ',')
        || ' (bằng ' || replace(round(c.n / c.previous_mean, 2)::varchar, '.', ',') || ' lần): kiểm tra học sinh còn thiếu hoặc nhập trùng' as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from compared as c
join dq_eval_periods as p on p.period = c.period
join core.fct_schools as s on s.period = c.period and s.ma_truong_hoc = c.ma_truong_hoc
where c.n > 0 and c.previous_periods > 0 and c.previous_mean >= {{min_base}}
