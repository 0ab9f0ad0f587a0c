-- Teacher counts per active school, period and breakdown (total, level taught, sex): counted
-- teachers (group 03, working, hired by the census day) and those meeting the training
-- standard of their level. The total row exists for every active school.
with

schools as (
    select * from core.fct_schools
    where is_active
),

teachers as (
    select * from core.fct_staff
    where is_counted_teacher
        -- a run limited to some provinces counts only their staff
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), current_province_code))
),

school_teachers as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        t.can_bo_id,
        t.level,
        t.sex,
        t.is_qualified
    from schools as s
    left join teachers as t
        on t.school_key = s.school_key
        and t.period = s.period
),

cells as (
    select
        period,
        school_key,
        current_province_code,
        case
            when grouping(level) = 0 then 'level=' || level
            when grouping(sex) = 0 then 'sex=' || sex
            else 'total'
        end as breakdown,
        -- teachers (giáo viên, headcount), and of them qualified
        count(can_bo_id) as teachers,
        count(can_bo_id) filter (where is_qualified) as teachers_qualified
    from school_teachers
    group by grouping sets (
        (period, school_key, current_province_code),
        (period, school_key, current_province_code, level),
        (period, school_key, current_province_code, sex)
    )
),

final as (
    select * from cells
    where breakdown is not null
)

select * from final
