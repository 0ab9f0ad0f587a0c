-- Consistency: a record's grade (khối) must belong to a level (DM_CAP_HOC) its school serves: the
-- levels of the school's group (DM_NHOM_CAP_HOC, its "DS_Cấp" list), or of its own level when it
-- has no group. The levels a school serves and the level of each grade are read once per school
-- and per grade, not once per record, and only the columns the rule needs go through the joins.

-- Learners carry khối as a number; DM_KHOI codes are text.
-- name: HS-GRADE-LEVEL
with r as ({{population:hoc_sinh}}),
{{levels}},
checked as (
    select r.period, r.unit_code, r.record_key, r.record_id, r.pseudonym, r.khoi_hoc, k.cap, s.served
    from r
    join s on s.ma_truong_hoc = r.ma_truong_hoc and s.nam_hoc = r.nam_hoc
    join k on try_cast(k.ma as integer) = r.khoi_hoc
)
{{outside_served}}

-- Classes carry khối as text ('06'), as DM_KHOI does.
-- name: LH-GRADE-LEVEL
with r as ({{population:lop_hoc}}),
{{levels}},
checked as (
    select r.period, r.unit_code, r.record_key, r.record_id, r.pseudonym, r.khoi_hoc, k.cap, s.served
    from r
    join s on s.ma_truong_hoc = r.ma_truong_hoc and s.nam_hoc = r.nam_hoc
    join k on k.ma = r.khoi_hoc
)
{{outside_served}}

-- The levels each school serves (s) and the level of each grade (k).
-- name: levels
s as (
    select t.ma_truong_hoc, t.nam_hoc,
        (select string_split(json_extract_string(g.thuoc_tinh, '$."DS_Cấp"'), ',') from raw.dm_nhom_cap_hoc as g
         where g.ma = coalesce(t.ma_nhom_cap_hoc, t.cap_hoc)) as served
    from raw.truong_hoc as t
    where t.deleted_at is null and nam_hoc in (select nam_hoc from dq_eval_periods)
),
k as (
    select ma, json_extract_string(thuoc_tinh, '$."Mã cấp học"') as cap from raw.dm_khoi
)

-- name: outside_served
select period, unit_code, record_key, record_id, pseudonym,
    not list_contains(served, cap) as failed,
    case when not list_contains(served, cap)
        then 'khối ' || khoi_hoc || ' (cấp ' || cap || ') not in ' || array_to_string(served, ',') end as detail
from checked
where served is not null and cap is not null
