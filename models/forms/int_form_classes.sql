-- Classes of the start-of-year census as the two report forms count them: preschool groups and
-- classes (khối 16, 17) and primary classes (khối 1-5) of active schools in ĐN periods, with the
-- attributes the forms split them by that core does not carry (semi-boarding, age group, mixed
-- ages), joined from staging by the class's row id, and the enrolled learners whose start-of-year
-- class it is (size, of whom with a disability).
with

classes as (
    select * from core.fct_classes
    where level in ('preschool', 'primary')
        and period in (select period from core.dim_periods where ky = 'DN')
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
),

source_classes as (
    select
        lop_hoc_id,
        lop_ban_tru,
        ma_nhom_tuoi_mn,
        lop_ghep_do_tuoi
    from staging.stg_csdl__lop_hoc
),

learners as (
    select
        period,
        lop_hoc_id,
        count(*) as size,
        count(*) filter (where is_disabled) as n_disabled
    from forms.int_form_learners
    where lop_hoc_id is not null
        and (getvariable('transform_provinces') is null
            or list_contains(getvariable('transform_provinces'), coalesce(current_province_code, '')))
    group by all
),

final as (
    select
        c.period,
        c.nam_hoc,
        c.lop_hoc_id,
        c.school_key,
        c.current_province_code,
        c.khoi_hoc,
        c.level,
        c.grade,
        c.is_multigrade,
        c.is_two_sessions,
        coalesce(k.lop_ban_tru = 1, false) as is_ban_tru,
        k.ma_nhom_tuoi_mn,
        k.lop_ghep_do_tuoi,
        coalesce(a.size, 0) as size,
        coalesce(a.n_disabled, 0) as n_disabled
    from classes as c
    left join source_classes as k
        on k.lop_hoc_id = c.lop_hoc_id
    left join learners as a
        on a.period = c.period
        and a.lop_hoc_id = c.lop_hoc_id
)

select * from final
