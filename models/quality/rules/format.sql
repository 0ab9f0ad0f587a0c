-- Validity: values not in their expected format, kept as pushed by the ETL (a birth date typed
-- '05/01/2014' or 'không rõ', a room area '45m2'). The detail names the expected format and the
-- kind of the raw value, never the value: birth dates are personal.

-- A birth date (learners and staff) not in the pushed format; `ngay_sinh_shaped` is the
-- population's (populations.sql).
-- name: birth_date
select
    nullif(trim(ngay_sinh), '') is not null as applies,
    not ngay_sinh_shaped as fails,
    'Ngày sinh không đúng định dạng năm-tháng-ngày (yyyy-mm-dd): đang nhập dạng ' || {{value_kind}} as detail

-- name: PH-FMT-dien_tich
select
    nullif(trim(dien_tich), '') is not null as applies,
    try_cast(trim(dien_tich) as double) is null as fails,
    'Diện tích không phải là một số (m², dấu chấm thập phân): đang nhập dạng ' || {{value_kind}} as detail

-- The kind of the raw value of `{{column}}` ('dd/mm/yyyy', 'chữ', 'số', ...), in Vietnamese, so
-- that a malformed personal field can be reported without repeating it.
-- name: value_kind
case
    when {{column}} is null or trim({{column}}::varchar) = '' then 'để trống'
    when regexp_full_match(trim({{column}}::varchar), {{populations/pushed_date_pattern}}) then 'yyyy-mm-dd'
    when regexp_full_match(trim({{column}}::varchar), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}') then 'dd/mm/yyyy'
    when regexp_full_match(trim({{column}}::varchar), '[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}') then 'dd-mm-yyyy'
    when regexp_full_match(trim({{column}}::varchar), '[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}') then 'dd.mm.yyyy'
    when regexp_full_match(trim({{column}}::varchar), '[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}') then 'yyyy/mm/dd'
    when regexp_full_match(trim({{column}}::varchar), '[0-9]{8}') then 'yyyymmdd'
    when regexp_full_match(trim({{column}}::varchar), '[+-]?[0-9]+,[0-9]+') then 'số có dấu phẩy thập phân'
    when regexp_full_match(trim({{column}}::varchar), '[+-]?[0-9]+(\.[0-9]+)?') then 'số'
    when regexp_matches(trim({{column}}::varchar), '[0-9]') then 'chữ lẫn số'
    else 'chữ'
end
