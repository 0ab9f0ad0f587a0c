-- School types (DM_NHOM_CAP_HOC) and the levels each serves, from the list's own "DS_Cấp"
-- column (e.g. 09 PTCS serves 02 primary and 03 lower secondary). A multi-level school is
-- counted once under each level it serves.
with

types as (
    select
        ma as ma_nhom_cap_hoc,
        ten as name_vi,
        string_split(json_extract_string(thuoc_tinh, '$."DS_Cấp"'), ',') as cap_hoc_served
    from staging.stg_csdl__code_lists
    where danh_muc = 'DM_NHOM_CAP_HOC'
),

levels as (
    select * from core.dim_levels
),

served as (
    select
        t.ma_nhom_cap_hoc,
        list(l.level order by l.sort_order) as levels_served
    from types as t
    join levels as l
        on list_contains(t.cap_hoc_served, l.cap_hoc)
    group by all
),

final as (
    select
        t.ma_nhom_cap_hoc,
        t.name_vi,
        coalesce(s.levels_served, []::varchar[]) as levels_served,
        coalesce(list_contains(s.levels_served, 'preschool'), false) as serves_preschool,
        coalesce(list_contains(s.levels_served, 'primary'), false) as serves_primary,
        coalesce(list_contains(s.levels_served, 'lower_secondary'), false) as serves_lower_secondary,
        coalesce(list_contains(s.levels_served, 'upper_secondary'), false) as serves_upper_secondary,
        coalesce(list_contains(s.levels_served, 'continuing'), false) as serves_continuing
    from types as t
    left join served as s
        on s.ma_nhom_cap_hoc = t.ma_nhom_cap_hoc
)

select * from final
