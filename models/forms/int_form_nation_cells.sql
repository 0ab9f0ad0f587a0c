-- The nation's form cells: the sum of today's 34 provinces' cells (so a change in one province
-- re-adds 34 rows, not the country), written under both geographies (the nation is the same
-- either way). Schools whose province cannot be placed are in no province, hence not in the
-- nation, as for the indicators.
with

province_cells as (
    select * from forms.int_form_unit_cells
    where geography = 'current_34'
        and unit_level = 'province'
),

summed as (
    select
        period,
        form,
        sheet,
        ma_so,
        col_no,
        cast(sum(value) as bigint) as value
    from province_cells
    group by all
),

geographies as (
    select * from (values ('as_reported'), ('current_34')) as t (geography)
),

final as (
    select
        s.period,
        g.geography,
        'N:VN' as unit_key,
        'nation' as unit_level,
        'VN' as current_province_code,
        s.form,
        s.sheet,
        s.ma_so,
        s.col_no,
        s.value
    from summed as s
    cross join geographies as g
)

select * from final
