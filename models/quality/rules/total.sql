-- Consistency (an accuracy proxy): a school's declared total against its records of the school
-- year. One rule per total (pipelines/quality/rules-consistency.ts): `{{field}}` is the school's
-- declared total (tong_so_hoc_sinh, tong_so_lop_hoc, tong_so_can_bo), `{{table}}` the table of
-- the records it counts and `{{what}}` their name in Vietnamese.

-- name: declared_total
with schools as ({{population:truong_hoc}}),
counted as (
    select ma_truong_hoc, nam_hoc, count(*) as n
    from raw.{{table}}
    where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
    group by all
)
select s.period, s.unit_code, s.record_key, s.record_id,
    s.{{field}} <> coalesce(c.n, 0) as failed,
    '{{field}}' as fields,
    case when s.{{field}} <> coalesce(c.n, 0)
        then 'Tổng số {{what}} khai báo ' || s.{{field}} || ', số bản ghi {{what}} của năm học ' || coalesce(c.n, 0) end as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from schools as s
left join counted as c on c.ma_truong_hoc = s.ma_truong_hoc and c.nam_hoc = s.nam_hoc
where s.{{field}} is not null
