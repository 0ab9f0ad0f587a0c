-- Rooms as of each census day: one row per live room of a school active on the census day,
-- per period of its school year.
with

rooms as (
    select * from staging.stg_csdl__phong_hoc
    where not is_deleted
),

schools as (
    select * from core.fct_schools
    where is_active
),

final as (
    select
        s.period,
        s.nam_hoc,
        r.phong_hoc_id,
        r.ma_phong,
        r.ma_truong_hoc,
        s.school_key,
        s.current_province_code,
        r.loai_phong,
        -- 01 phòng học: a classroom
        coalesce(r.loai_phong = '01', false) as is_classroom,
        r.loai_cong_trinh,
        -- 01 kiên cố: solid construction
        coalesce(r.loai_cong_trinh = '01', false) as is_solid,
        r.dien_tich_m2
    from rooms as r
    join schools as s
        on s.ma_truong_hoc = r.ma_truong_hoc
        and s.nam_hoc = r.nam_hoc
)

select * from final
