-- The value columns of each sheet of the report forms (data/forms/layout.json, loaded by the
-- runner into input.form_columns): the form's own column number, the Excel letter, and the
-- ownership block and split a column holds.
with

columns_ as (
    select * from input.form_columns
),

final as (
    select
        form,
        sheet,
        col_no,
        excel_col,
        block,
        split,
        header
    from columns_
)

select * from final
