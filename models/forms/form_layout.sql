-- The rows of the Ministry's start-of-year report forms (data/forms/layout.json, loaded by the
-- runner into input.form_layout): every row of every data sheet in the workbook's order, with its
-- Mã số, whether the warehouse supplies it and, when not, why the row stays blank.
with

layout as (
    select * from input.form_layout
),

final as (
    select
        form,
        sheet,
        excel_row,
        tt,
        label,
        unit,
        ma_so,
        bold,
        status,
        approximate,
        supplied_splits,
        definition,
        reason_vi
    from layout
)

select * from final
