-- Reporting periods: two per school year present in the data (năm học 2025-2026 is 2025).
-- Start of year (ĐN) counts as of 30/09 of nam_hoc; end of year (CN) as of 31/05 of nam_hoc + 1.
-- Units are those valid on the census day, so 2024 periods use the 63 provinces and their
-- districts, 2025 periods the 34 provinces and their communes.
with

school_years as (
    select distinct nam_hoc
    from staging.stg_csdl__truong_hoc
    where not is_deleted
),

kinds as (
    select * from (values
        ('DN', 1, 'Đầu năm học', 'Start of school year'),
        ('CN', 2, 'Cuối năm học', 'End of school year')
    ) as t (ky, ky_order, ky_name_vi, ky_name_en)
),

periods as (
    select
        y.nam_hoc || '-' || k.ky as period,
        y.nam_hoc,
        k.ky,
        k.ky_order,
        case when k.ky = 'DN' then make_date(y.nam_hoc, 9, 30) else make_date(y.nam_hoc + 1, 5, 31) end as census_day,
        y.nam_hoc || '-' || (y.nam_hoc + 1) as label,
        k.ky_name_vi || ' ' || y.nam_hoc || '-' || (y.nam_hoc + 1) as name_vi,
        k.ky_name_en || ' ' || y.nam_hoc || '-' || (y.nam_hoc + 1) as name_en
    from school_years as y
    cross join kinds as k
),

final as (
    select
        period,
        nam_hoc,
        ky,
        census_day,
        label,
        name_vi,
        name_en,
        -- before 01/07/2025 the units of the period are the 63 provinces and their districts
        census_day < date '2025-07-01' as is_before_reorganisation,
        lag(period) over (order by nam_hoc, ky_order) as previous_period
    from periods
)

select * from final
