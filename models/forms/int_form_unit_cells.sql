-- The form cells of every unit below the nation: the schools' rows of the sheet models summed
-- into each unit their school rolls up into (district or commune and province as the units
-- stood, 'as_reported', and the province among today's 34, 'current_34'). Each school row counts
-- in the Tổng số block and in its own ownership block; the block and split give the form's
-- column. A school's own cells are read from the sheet models (forms.form_values).
with

cells as (
    select * from forms.f01_mn_truong_lop
    union all by name
    select * from forms.f01_mn_hoc_sinh
    union all by name
    select * from forms.f01_mn_can_bo
    union all by name
    select * from forms.f01_mn_phong_hoc
    union all by name
    select * from forms.f02_th_i
    union all by name
    select * from forms.f02_th_iii
    union all by name
    select * from forms.f02_th_iv
    union all by name
    select * from forms.f02_th_v
),

scoped as (
    select * from cells
    where getvariable('transform_provinces') is null
        or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, ''))
),

-- every school row counts in Tổng số and in its ownership block (when known)
blocks as (
    select
        * exclude (ownership_block),
        unnest(list_filter(['tong', ownership_block], x -> x is not null)) as block
    from scoped
),

columns_ as (
    select * from forms.form_columns
),

bridge as (
    select * from core.bridge_school_units
    where unit_level <> 'school'
),

final as (
    select
        c.period,
        b.geography,
        b.unit_key,
        b.unit_level,
        c.current_province_code,
        c.form,
        c.sheet,
        c.ma_so,
        k.col_no,
        cast(sum(c.value) as bigint) as value
    from blocks as c
    join columns_ as k
        on k.form = c.form
        and k.sheet = c.sheet
        and k.block = c.block
        and k.split = c.split
    join bridge as b
        on b.school_key = c.school_key
    group by all
)

select * from final
