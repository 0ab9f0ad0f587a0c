-- Uniqueness: one person, one record. Identities are pseudonyms (keyed HMAC of the learner code
-- or citizen ID), so linkage works without any personal value. In each group of records that are
-- the same person, the record entered first (lowest source id) stands and every later one fails,
-- naming the school of the first; a person legitimately in two schools of a year (a transfer) is
-- enrolled in only one of them on the census day and is not a duplicate.
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
{{later_copies}}

-- Two learner codes with the same citizen ID and birth date enrolled on the census day.
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
{{firsts}},
later as (
    select c.period, c.record_id, c.pseudonym, {{same_person}} as detail
    from candidates as c
    join firsts as f using (period, {{key}})
    where c.record_id <> f.first_id and f.first_pseudonym <> c.pseudonym
)
select r.period, r.unit_code, r.record_key, r.record_id, l.pseudonym as pseudonym,
    l.record_id is not null as failed, l.detail
from records as r
left join later as l using (period, record_id)

-- The same staff member (citizen ID and birth date) recorded twice in the school year, among the
-- staff still working at the school (DM_TRANG_THAI_CAN_BO 02, 03 and 05 have left).
-- name: CB-DUP
with records as (
    select period, unit_code, record_key, record_id, pseudonym, ma_cong_dan, ngay_sinh
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
{{later_copies}}

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

-- The first record of each group of candidates that are the same person by `{{key}}`.
-- name: firsts
firsts as (
    select period, {{key}}, min(record_id) as first_id, arg_min(unit_code, record_id) as first_school,
        arg_min(pseudonym, record_id) as first_pseudonym
    from candidates
    group by period, {{key}}
    having count(*) > 1
)

-- Every record checked, failing when it is a later copy of its group's first; the pseudonym
-- comes from `{{pseudonym_of}}`: the records (r) when they carry it, else the later copies (l).
-- name: later_copies
{{firsts}},
later as (
    select c.period, c.record_id, c.pseudonym, {{same_person}} as detail
    from candidates as c
    join firsts as f using (period, {{key}})
    where c.record_id <> f.first_id
)
select r.period, r.unit_code, r.record_key, r.record_id, {{pseudonym_of}}.pseudonym as pseudonym,
    l.record_id is not null as failed, l.detail
from records as r
left join later as l using (period, record_id)

-- name: same_person
'same person as a record of school ' || f.first_school

-- A birth date as a key, whatever format it was typed in (yyyy-mm-dd..., dd/mm/yyyy,
-- dd-mm-yyyy): the same person keyed twice with two formats is still the same person.
-- name: birth_key
coalesce(try_strptime(trim(ngay_sinh), ['%Y-%m-%dT%H:%M:%S.%g', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y'])::date::varchar, ngay_sinh)
