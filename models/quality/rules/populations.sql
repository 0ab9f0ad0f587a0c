-- Columns a population (pipelines/quality/populations.ts) computes once per record for the rules
-- that share them, over the warehouse table `r`.

-- The pushed date format: 'YYYY-MM-DD', optionally followed by a time ('2012-01-09T00:00:00.0').
-- name: pushed_date_pattern
'[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?'

-- A pushed birth date, read once for counting and for details alike: the date when the text
-- starts with a valid yyyy-mm-dd, and whether it has the pushed shape at all (the regular
-- expression runs only where the cast failed).
-- name: birth_date
select
    case when length(r.ngay_sinh) = 10 or substr(r.ngay_sinh, 11, 1) in ('T', ' ')
        then try_cast(left(r.ngay_sinh, 10) as date) end as ngay_sinh_date,
    case when ngay_sinh_date is not null then true when r.ngay_sinh is null then false
        else regexp_full_match(trim(r.ngay_sinh), {{pushed_date_pattern}}) end as ngay_sinh_shaped
