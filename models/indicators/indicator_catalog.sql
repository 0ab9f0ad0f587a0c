-- The indicator catalogue as a table: data/indicators/catalog.json, loaded by the runner into
-- input.indicator_catalog before the models run, so the file stays the one source of truth.
with

catalog as (
    select * from input.indicator_catalog
),

final as (
    select
        code,
        name_vi,
        name_en,
        definition,
        formula,
        -- how to read the values where the definition alone does not say
        method_note,
        -- unit of the value: trường, lớp, học sinh, giáo viên, %, tỷ số, ...
        unit,
        -- what the counts behind it are: schools, classes, classrooms, records or persons
        counts,
        -- how value follows from numerator and denominator: count, ratio, percent, gpia
        value_kind,
        -- periods computed: DN, CN or both
        periods,
        needs,
        -- code in the indicator list of Thông tư 03/2024/TT-BGDĐT, where one exists
        tt03_code,
        source_fields,
        breakdowns,
        unit_levels
    from catalog
)

select * from final
