-- Validity: ages implausible for the grade (learners) or for work (staff), from a possible birth
-- date (the population's `ngay_sinh_date`, populations.sql); the thresholds are the rule's,
-- published with it in quality.dq_rule_catalog.

-- A learner's age in the school year against the official age of the khối: khối + 5 for grades
-- 1-12, accepted from {{below_official_age}} years below to {{above_official_age}} above; GDTX
-- (13-15) from khối + 3, at most 2 years below; nhóm trẻ (16) 0-3, mẫu giáo (17) 2-6.
-- name: HS-AGE-khoi_hoc
select
    ngay_sinh_date between date '1900-01-01' and census_day and (khoi_hoc between 1 and 17) as applies,
    case
        when khoi_hoc = 16 then (nam_hoc - year(ngay_sinh_date)) not between 0 and 3
        when khoi_hoc = 17 then (nam_hoc - year(ngay_sinh_date)) not between 2 and 6
        when khoi_hoc between 13 and 15 then (nam_hoc - year(ngay_sinh_date)) < khoi_hoc + 3 - 2
        else (nam_hoc - year(ngay_sinh_date)) not between khoi_hoc + 5 - {{below_official_age}} and khoi_hoc + 5 + {{above_official_age}}
    end as fails,
    'Học sinh ' || (nam_hoc - year(ngay_sinh_date)) || ' tuổi (tính theo năm học) học khối ' || khoi_hoc || ', tuổi phù hợp '
        || case
            when khoi_hoc = 16 then '0-3'
            when khoi_hoc = 17 then '2-6'
            when khoi_hoc between 13 and 15 then 'từ ' || (khoi_hoc + 3 - 2)
            else (khoi_hoc + 5 - {{below_official_age}}) || '-' || (khoi_hoc + 5 + {{above_official_age}})
        end as detail,
    'ngay_sinh, khoi_hoc' as fields

-- A staff member's age on the census day outside working age.
-- name: CB-AGE
select
    ngay_sinh_date between date '1900-01-01' and census_day as applies,
    date_sub('year', ngay_sinh_date, census_day) not between {{min_age}} and {{max_age}} as fails,
    'Cán bộ ' || date_sub('year', ngay_sinh_date, census_day) || ' tuổi vào ngày chốt số liệu, ngoài độ tuổi lao động {{min_age}}-{{max_age}}' as detail
