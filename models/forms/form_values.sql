-- Every form cell the warehouse supplies, for every unit from school to nation: what the export
-- writer and the approval freeze read. A cell absent here is 0 when form_layout marks its row and
-- split as supplied, and blank otherwise. Schools appear under their own key ('as_reported').
with

school_cells as (
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

school_blocks as (
    select
        * exclude (ownership_block),
        unnest(list_filter(['tong', ownership_block], x -> x is not null)) as block
    from school_cells
),

school_values as (
    select
        c.period,
        'as_reported' as geography,
        c.school_key as unit_key,
        'school' as unit_level,
        c.current_province_code,
        c.form,
        c.sheet,
        c.ma_so,
        k.col_no,
        c.value
    from school_blocks as c
    join forms.form_columns as k
        on k.form = c.form
        and k.sheet = c.sheet
        and k.block = c.block
        and k.split = c.split
),

final as (
    select * from school_values
    union all by name
    select * from forms.int_form_unit_cells
    union all by name
    select * from forms.int_form_nation_cells
)

select * from final
