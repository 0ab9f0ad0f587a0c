-- The reporting periods the quality rules and scores use, in order, from core.dim_periods:
-- census day (data as of), and an order so the previous period of each is known.
with

periods as (
    select * from core.dim_periods
),

final as (
    select
        period,
        nam_hoc,
        ky,
        census_day,
        -- 1, 2, 3, ... in time order (ĐN before CN within a school year)
        row_number() over (order by nam_hoc, case ky when 'DN' then 1 else 2 end) as period_order
    from periods
)

select * from final
