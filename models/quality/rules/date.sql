-- Validity: dates that cannot be true (not a calendar day, after the census day, before birth).
-- `ngay_sinh_date` and `ngay_sinh_shaped` are the population's birth date (populations.sql).

-- A birth date (learners and staff) in the pushed shape but impossible.
-- name: birth_date
select
    ngay_sinh_shaped as applies,
    ngay_sinh_date is null or ngay_sinh_date > census_day or ngay_sinh_date < date '1900-01-01' as fails,
    case
        when ngay_sinh_date is null then 'ngay_sinh: not a calendar day'
        when ngay_sinh_date > census_day then 'ngay_sinh: after the census day'
        else 'ngay_sinh: before 1900'
    end as detail

-- A status date before birth, or outside the school year (June to the next August); before birth
-- only against a possible birth date, since an impossible one is its own finding.
-- name: HS-DATE-ngay_trang_thai
select
    ngay_trang_thai is not null as applies,
    (ngay_sinh_date between date '1900-01-01' and census_day and ngay_trang_thai < ngay_sinh_date)
        or ngay_trang_thai not between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31) as fails,
    case when ngay_trang_thai between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31)
        then 'ngay_trang_thai: before birth' else 'ngay_trang_thai: outside the school year' end as detail

-- name: TH-DATE-ngay_thanh_lap
select
    ngay_thanh_lap is not null as applies,
    ngay_thanh_lap > census_day or ngay_thanh_lap < date '1900-01-01' as fails

-- name: CB-DATE-ngay_tuyen_dung
select
    ngay_tuyen_dung is not null as applies,
    ngay_tuyen_dung > census_day or ngay_tuyen_dung < ngay_sinh_date + interval 15 year as fails
