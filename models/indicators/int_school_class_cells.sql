-- Class counts per active school, period and breakdown (total, grade, level). The total row
-- exists for every active school, with zeros when it has no classes.
with

schools as (
    select * from core.fct_schools
    where is_active
),

classes as (
    select * from core.fct_classes
    -- a run limited to some provinces counts only their classes
    where (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), current_province_code))
),

school_classes as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        c.lop_hoc_id,
        c.grade,
        c.level,
        c.is_multigrade,
        c.is_two_sessions
    from schools as s
    left join classes as c
        on c.school_key = s.school_key
        and c.period = s.period
),

cells as (
    select
        period,
        school_key,
        current_province_code,
        case
            when grouping(grade) = 0 then 'grade=' || grade
            when grouping(level) = 0 then 'level=' || level
            else 'total'
        end as breakdown,
        -- classes (lớp), of which multi-grade (lớp ghép) and two sessions a day (2 buổi/ngày)
        count(lop_hoc_id) as classes,
        count(lop_hoc_id) filter (where is_multigrade) as classes_multigrade,
        count(lop_hoc_id) filter (where is_two_sessions) as classes_two_sessions
    from school_classes
    group by grouping sets (
        (period, school_key, current_province_code),
        (period, school_key, current_province_code, grade),
        (period, school_key, current_province_code, level)
    )
),

final as (
    select * from cells
    where breakdown is not null
)

select * from final
