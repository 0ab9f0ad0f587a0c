-- Consistency: a record's grade (khối) must belong to a level (DM_CAP_HOC) its school serves: the
-- levels of the school's group (DM_NHOM_CAP_HOC, its "DS_Cấp" list), or of its own level when it
-- has no group. The levels a school serves and the level of each grade are read once per school
-- and per grade, not once per record, and only the columns the rule needs go through the joins.

-- One rule per table of records with a grade (`{{table}}`): learners carry khối as a number and
-- classes as text ('06'); DM_KHOI's code is text, so learners join its number (`{{grade_code}}`).
-- name: outside_school_levels
with r as ({{population:table}}),
-- the levels each school serves
s as (
    select t.ma_truong_hoc, t.nam_hoc,
        (select string_split(json_extract_string(g.thuoc_tinh, '$."DS_Cấp"'), ',') from raw.dm_nhom_cap_hoc as g
         where g.ma = coalesce(t.ma_nhom_cap_hoc, t.cap_hoc)) as served
    from raw.truong_hoc as t
    where t.deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
),
-- the level of each grade
k as (
    select ma, try_cast(ma as integer) as ma_number, json_extract_string(thuoc_tinh, '$."Mã cấp học"') as cap from raw.dm_khoi
),
checked as (
    select r.period, r.unit_code, r.record_key, r.record_id, r.khoi_hoc, k.cap, s.served
    from r
    join s on s.ma_truong_hoc = r.ma_truong_hoc and s.nam_hoc = r.nam_hoc
    join k on k.{{grade_code}} = r.khoi_hoc
)
select period, unit_code, record_key, record_id,
    not list_contains(served, cap) as failed,
    'khoi_hoc' as fields,
    case when not list_contains(served, cap)
        then 'Khối ' || khoi_hoc || ' thuộc cấp học mã ' || cap || ', trường chỉ dạy cấp học mã ' || array_to_string(served, ', ') end as detail,
    null::bigint as related_record_id,
    null::varchar as related_unit
from checked
where served is not null and cap is not null
