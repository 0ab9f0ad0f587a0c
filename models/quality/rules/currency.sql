-- Currency ("sống", scored as timeliness): a school active on the census day whose records were
-- last touched more than {{max_age_days}} days before it (data not kept alive); the threshold is
-- the rule's (rules-timeliness.ts). Times are read in Vietnam's time zone (+07).

-- name: TH-CURRENCY
with {{reporting/reported_schools}},
touched as (
    select ma_truong_hoc, nam_hoc, max(updated_at) as last_update
    from (
        select ma_truong_hoc, nam_hoc, updated_at
        from raw.hoc_sinh where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
        union all
        select ma_truong_hoc, nam_hoc, updated_at
        from raw.lop_hoc where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
        union all
        select ma_truong_hoc, nam_hoc, updated_at
        from raw.can_bo where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
        union all
        select ma_truong_hoc, nam_hoc, updated_at
        from raw.truong_hoc where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
    )
    group by all
)
select r.period, r.unit_code, r.record_key, r.record_id,
    cast(timezone('Asia/Ho_Chi_Minh', t.last_update) as date) < r.census_day - {{max_age_days}} as failed,
    null::varchar as fields,
    'Số liệu của trường cập nhật lần cuối ngày ' || strftime(cast(timezone('Asia/Ho_Chi_Minh', t.last_update) as date), '%d/%m/%Y')
        || ', quá {{max_age_days}} ngày trước ngày chốt số liệu ' || strftime(r.census_day, '%d/%m/%Y') as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from reported as r
join touched as t on t.ma_truong_hoc = r.unit_code and t.nam_hoc = r.nam_hoc
where r.learners + r.classes + r.staff > 0 and t.last_update is not null
