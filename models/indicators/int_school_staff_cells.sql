-- Staff counts per active school, period and breakdown (total, level taught, sex, minority,
-- qualification level): staff working at the school on the census day (core.fct_staff
-- is_working: statuses 01, 04, 07, hired by then), all groups together and by group of
-- DM_NHOM_CAN_BO (cán bộ quản lý, nhân viên, giáo viên), and the teachers meeting the training
-- standard of their level. The total row exists for every active school. Headcounts of records.
with

schools as (
    select * from core.fct_schools
    where is_active
),

staff as (
    select * from core.fct_staff
    where is_working
        -- a run limited to some provinces counts only their staff
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), current_province_code))
),

school_staff as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        t.can_bo_id,
        t.staff_group,
        t.level,
        t.sex,
        t.is_minority,
        t.qualification_level,
        t.is_counted_teacher,
        t.is_qualified
    from schools as s
    left join staff as t
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
            when grouping(is_minority) = 0 then 'minority=' || case is_minority when true then 'yes' when false then 'no' end
            when grouping(qualification_level) = 0 then 'qualification=' || qualification_level
            else 'total'
        end as breakdown,
        -- working staff of every group (cán bộ, giáo viên, nhân viên)
        count(can_bo_id) as staff,
        -- of whom managers (01 cán bộ quản lý) and employees (02 nhân viên)
        count(can_bo_id) filter (where staff_group = 'manager') as staff_managers,
        count(can_bo_id) filter (where staff_group = 'employee') as staff_employees,
        -- teachers (03 giáo viên, headcount), and of them qualified
        count(can_bo_id) filter (where is_counted_teacher) as teachers,
        count(can_bo_id) filter (where is_counted_teacher and is_qualified) as teachers_qualified
    from school_staff
    group by grouping sets (
        (period, school_key, current_province_code),
        (period, school_key, current_province_code, level),
        (period, school_key, current_province_code, sex),
        (period, school_key, current_province_code, is_minority),
        (period, school_key, current_province_code, qualification_level)
    )
),

final as (
    select * from cells
    -- a staff member whose level, sex, ethnicity or qualification is unknown counts in the total only
    where breakdown is not null
)

select * from final
