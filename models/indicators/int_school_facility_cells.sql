-- School, facility and classroom counts per active school, period and breakdown (total, level):
-- each school is 1 in the total and 1 under every level it serves (a multi-level school counts
-- once per level), with its facility flags and its classrooms (phòng học) and solid ones.
with

schools as (
    select * from core.fct_schools
    where is_active
),

rooms as (
    select * from core.fct_rooms
    where is_classroom
        -- a run limited to some provinces counts only their rooms
        and (getvariable('transform_provinces') is null or list_contains(getvariable('transform_provinces'), current_province_code))
),

school_rooms as (
    select
        school_key,
        period,
        count(*) as classrooms,
        count(*) filter (where is_solid) as classrooms_solid
    from rooms
    group by all
),

per_school as (
    select
        s.period,
        s.school_key,
        s.current_province_code,
        s.levels_served,
        1 as schools,
        cast(s.has_electricity as integer) as schools_electricity,
        cast(s.has_clean_water as integer) as schools_clean_water,
        cast(s.has_toilets as integer) as schools_toilets,
        cast(s.has_handwashing as integer) as schools_handwashing,
        cast(s.has_internet_for_teaching as integer) as schools_internet,
        cast(s.has_computers_for_teaching as integer) as schools_computers,
        cast(s.has_disability_access as integer) as schools_disability_access,
        cast(s.meets_national_standard as integer) as schools_national_standard,
        cast(coalesce(s.national_standard_level = 1, false) as integer) as schools_national_standard_1,
        cast(coalesce(s.national_standard_level = 2, false) as integer) as schools_national_standard_2,
        coalesce(r.classrooms, 0) as classrooms,
        coalesce(r.classrooms_solid, 0) as classrooms_solid
    from schools as s
    left join school_rooms as r
        on r.school_key = s.school_key
        and r.period = s.period
),

level_rows as (
    -- one row per level the school serves
    select
        unnest(levels_served) as level,
        * exclude (levels_served)
    from per_school
),

final as (
    select
        'total' as breakdown,
        * exclude (levels_served)
    from per_school
    union all by name
    select
        'level=' || level as breakdown,
        * exclude (level)
    from level_rows
)

select * from final
