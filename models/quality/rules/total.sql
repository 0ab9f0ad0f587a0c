-- Consistency (an accuracy proxy): a school's declared total against its records of the school
-- year. One rule per total (pipelines/quality/rules-consistency.ts): `{{field}}` is the school's
-- declared total (tong_so_hoc_sinh, tong_so_lop_hoc, tong_so_can_bo) and `{{table}}` the table of
-- the records it counts.

-- name: declared_total
with schools as ({{population:truong_hoc}}),
counted as (
    select ma_truong_hoc, nam_hoc, count(*) as n
    from raw.{{table}}
    where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
    group by all
)
select s.period, s.unit_code, s.record_key, s.record_id, s.pseudonym,
    s.{{field}} <> coalesce(c.n, 0) as failed,
    case when s.{{field}} <> coalesce(c.n, 0) then '{{field}} ' || s.{{field}} || ', records ' || coalesce(c.n, 0) end as detail
from schools as s
left join counted as c on c.ma_truong_hoc = s.ma_truong_hoc and c.nam_hoc = s.nam_hoc
where s.{{field}} is not null
