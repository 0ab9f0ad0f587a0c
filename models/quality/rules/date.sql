-- Validity: dates that cannot be true (not a calendar day, after the census day, before birth).
-- `ngay_sinh_date` and `ngay_sinh_shaped` are the population's birth date (populations.sql).

-- A birth date (learners and staff) in the pushed shape but impossible.
-- name: birth_date
select
    ngay_sinh_shaped as applies,
    ngay_sinh_date is null or ngay_sinh_date > census_day or ngay_sinh_date < date '1900-01-01' as fails,
    case
        when ngay_sinh_date is null then 'Ngày sinh không có trên lịch'
        when ngay_sinh_date > census_day then 'Ngày sinh sau ngày điều tra (ngày chốt số liệu ' || strftime(census_day, '%d/%m/%Y') || ')'
        else 'Ngày sinh trước năm 1900'
    end as detail

-- A status date before birth, or outside the school year (June to the next August); before birth
-- only against a possible birth date, since an impossible one is its own finding.
-- name: HS-DATE-ngay_trang_thai
select
    ngay_trang_thai is not null as applies,
    (ngay_sinh_date between date '1900-01-01' and census_day and ngay_trang_thai < ngay_sinh_date)
        or ngay_trang_thai not between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31) as fails,
    case when ngay_trang_thai between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31)
        then 'Ngày trạng thái trước ngày sinh của học sinh'
        else 'Ngày trạng thái ' || strftime(ngay_trang_thai, '%d/%m/%Y') || ' ngoài năm học (01/06/' || nam_hoc || ' - 31/08/' || (nam_hoc + 1) || ')'
    end as detail,
    case when ngay_trang_thai between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31)
        then 'ngay_trang_thai, ngay_sinh' else 'ngay_trang_thai' end as fields

-- name: TH-DATE-ngay_thanh_lap
select
    ngay_thanh_lap is not null as applies,
    ngay_thanh_lap > census_day or ngay_thanh_lap < date '1900-01-01' as fails,
    case when ngay_thanh_lap > census_day
        then 'Ngày thành lập ' || strftime(ngay_thanh_lap, '%d/%m/%Y') || ' sau ngày chốt số liệu ' || strftime(census_day, '%d/%m/%Y')
        else 'Ngày thành lập ' || strftime(ngay_thanh_lap, '%d/%m/%Y') || ' trước năm 1900'
    end as detail

-- A staff member's dates are personal: the detail says which comparison fails, not the dates.
-- name: CB-DATE-ngay_tuyen_dung
select
    ngay_tuyen_dung is not null as applies,
    ngay_tuyen_dung > census_day or ngay_tuyen_dung < ngay_sinh_date + interval 15 year as fails,
    case when ngay_tuyen_dung > census_day
        then 'Ngày tuyển dụng sau ngày chốt số liệu ' || strftime(census_day, '%d/%m/%Y')
        else 'Ngày tuyển dụng trước khi cán bộ đủ 15 tuổi (theo ngày sinh)'
    end as detail,
    case when ngay_tuyen_dung > census_day then 'ngay_tuyen_dung' else 'ngay_tuyen_dung, ngay_sinh' end as fields
