-- Uniqueness: one person, one record. Identities are pseudonyms (keyed HMAC of the learner code
-- or citizen ID), so linkage works without any personal value. Every record of a group that is
-- the same person fails, each in its own school: which copy is right is for the schools to
-- settle, and the original must be found as surely as the copy. A failing record names another
-- record of its group (`related_record_id`) and that record's school (`related_unit`); a person
-- legitimately in two schools of a year (a transfer) is enrolled in only one of them on the
-- census day and is not a duplicate.
-- Records are first grouped by a 64-bit hash of what makes them the same person (cheap on long
-- pseudonyms); only the candidates, whose hash repeats, are grouped exactly. The learner rules
-- carry the hash alone through the grouping and read the candidates' pseudonyms and birth dates
-- back by record id, so that no long text travels with every record; a passing record's
-- pseudonym is not read at all.

-- The same learner code enrolled twice on the census day.
-- name: HS-DUP-ACTIVE
with records as ({{enrolled_learners}}),
hashed as (select * from records),
repeated as ({{repeated}}),
candidates as (
    select h.*, i.pseudonym
    from hashed as h
    semi join repeated as x using (period, identity_hash)
    join ({{learner_identity}}) as i on i.record_id = h.record_id
),
{{all_copies}}

-- Two learner codes with the same citizen ID and birth date enrolled on the census day: every
-- record of such a group fails, naming a record of the group under another learner code.
-- name: HS-DUP-CCCD
with records as ({{enrolled_learners}}),
hashed as (select * from records),
repeated as ({{repeated}}),
candidates as (
    select h.*, i.pseudonym, i.ma_cong_dan, {{birth_key}} as birth_key
    from hashed as h
    semi join repeated as x using (period, identity_hash)
    join ({{learner_identity}}) as i on i.record_id = h.record_id
),
{{differing_groups}}

-- One citizen ID carried by learners enrolled on the census day with different birth dates: the
-- ID cannot be both persons'. Every record of such a group fails, naming a record of the group
-- with another birth date. A record whose birth date is missing does not take part.
-- name: HS-DUP-CCCD-BIRTH
with records as ({{enrolled_learners}}),
hashed as (select * from records),
repeated as ({{repeated}}),
candidates as (
    select h.*, i.ma_cong_dan, {{birth_key}} as birth_key
    from hashed as h
    semi join repeated as x using (period, identity_hash)
    join ({{learner_identity}}) as i on i.record_id = h.record_id
    where nullif(trim(i.ngay_sinh), '') is not null
),
{{differing_groups}}

-- The same staff member (citizen ID and birth date) recorded twice in the school year, among the
-- staff still working at the school (DM_TRANG_THAI_CAN_BO 02, 03 and 05 have left).
-- name: CB-DUP
with records as (
    select period, unit_code, record_key, record_id, ma_cong_dan, ngay_sinh
    from ({{population:can_bo}})
    where ma_cong_dan is not null and coalesce(trang_thai, '') not in ('02', '03', '05')
),
hashed as (select *, hash(ma_cong_dan) as identity_hash from records),
repeated as ({{repeated}}),
candidates as (
    select h.*, {{birth_key}} as birth_key
    from hashed as h
    semi join repeated as x using (period, identity_hash)
),
{{all_copies}}

-- Learner records enrolled on the census day (core.fct_learners), placed at their school, with
-- the 64-bit hash of `{{identity_column}}` of raw.hoc_sinh (the learner code's or the citizen
-- ID's pseudonym) from the school years evaluated; records without a value are not checked.
-- name: enrolled_learners
select f.period, s.ma_truong_hoc as unit_code, 'hoc_sinh:' || f.hoc_sinh_id as record_key,
    f.hoc_sinh_id as record_id, h.identity_hash
from core.fct_learners as f
join dq_eval_periods as p on p.period = f.period
join core.fct_schools as s on s.period = f.period and s.school_key = f.school_key
join (
    select id, hash({{identity_column}}) as identity_hash from raw.hoc_sinh
    where {{identity_column}} is not null and nam_hoc in (select nam_hoc from dq_eval_periods)
) as h on h.id = f.hoc_sinh_id
where f.is_enrolled

-- What the learner candidates read by record id.
-- name: learner_identity
select id as record_id, ma_hoc_sinh as pseudonym, ma_cong_dan, ngay_sinh from raw.hoc_sinh

-- name: repeated
select period, identity_hash from hashed group by all having count(*) > 1

-- Every candidate of a group that is the same person by `{{key}}` fails, naming the group's first
-- record (lowest source id), and the first names the second.
-- name: all_copies
groups as (
    select period, {{key}}, count(*) as copies, min(record_id, 2) as ids, arg_min(unit_code, record_id, 2) as schools
    from candidates
    group by period, {{key}}
    having count(*) > 1
),
failing as (
    select c.period, c.record_id, g.copies,
        case when c.record_id = g.ids[1] then g.ids[2] else g.ids[1] end as related_record_id,
        case when c.record_id = g.ids[1] then g.schools[2] else g.schools[1] end as related_unit
    from candidates as c
    join groups as g using (period, {{key}})
),
{{failing_records}}

-- Every candidate of a group with the same `{{key}}` whose members differ in `{{differ}}` fails,
-- naming the first record (lowest source id) of the group that differs from it.
-- name: differing_groups
firsts as (
    select period, {{key}}, count(*) as copies, min(record_id) as first_id, arg_min(unit_code, record_id) as first_school,
        arg_min({{differ}}, record_id) as first_value
    from candidates
    group by period, {{key}}
    having count(distinct {{differ}}) > 1
),
others as (
    -- per group, the first record that differs from the group's first
    select f.period, f.first_id, min(c.record_id) as other_id, arg_min(c.unit_code, c.record_id) as other_school
    from candidates as c
    join firsts as f using (period, {{key}})
    where c.{{differ}} <> f.first_value
    group by f.period, f.first_id
),
failing as (
    select c.period, c.record_id, f.copies,
        case when c.{{differ}} = f.first_value then o.other_id else f.first_id end as related_record_id,
        case when c.{{differ}} = f.first_value then o.other_school else f.first_school end as related_unit
    from candidates as c
    join firsts as f using (period, {{key}})
    join others as o on o.period = f.period and o.first_id = f.first_id
),
{{failing_records}}

-- Every record checked, failing when it belongs to a group found above (`failing`).
-- name: failing_records
final as (
    select r.period, r.unit_code, r.record_key, r.record_id,
        k.record_id is not null as failed,
        case when k.record_id is not null then '{{fields}}' end as fields,
        case when k.record_id is not null then
            '{{same}} ' || '{{table}}:' || k.related_record_id
            || case when k.related_unit = r.unit_code then ' cùng trường' else ' của trường khác' end
            || case when k.copies > 2 then ' (' || k.copies || ' bản ghi cùng nhóm)' else '' end
        end as detail,
        k.related_record_id,
        k.related_unit
    from records as r
    left join failing as k using (period, record_id)
)
select * from final

-- A birth date as a key, whatever format it was typed in (yyyy-mm-dd..., dd/mm/yyyy,
-- dd-mm-yyyy): the same person keyed twice with two formats is still the same person.
-- name: birth_key
coalesce(try_strptime(trim(ngay_sinh), ['%Y-%m-%dT%H:%M:%S.%g', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y'])::date::varchar, ngay_sinh)
