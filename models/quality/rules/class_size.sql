-- Consistency (an accuracy proxy): a class's declared size against the learners assigned to it at
-- the start of the year (hoc_sinh.ma_lop_hoc_dn).

-- name: LH-SISO
with classes as ({{population:lop_hoc}}),
assigned as (
    select ma_truong_hoc, nam_hoc, ma_lop_hoc_dn, count(*) as n
    from raw.hoc_sinh
    where deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods) and ma_lop_hoc_dn is not null
    group by all
)
select c.period, c.unit_code, c.record_key, c.record_id,
    c.si_so <> coalesce(a.n, 0) as failed,
    'si_so' as fields,
    case when c.si_so <> coalesce(a.n, 0)
        then 'Sĩ số khai báo ' || c.si_so || ', số học sinh xếp vào lớp đầu năm ' || coalesce(a.n, 0) end as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from classes as c
left join assigned as a
    on a.ma_truong_hoc = c.ma_truong_hoc and a.nam_hoc = c.nam_hoc and a.ma_lop_hoc_dn = c.ma_lop_hoc
where c.si_so is not null
