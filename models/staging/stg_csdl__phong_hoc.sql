-- Rooms (form 01 "Phòng học"), one row per room per school year. dien_tich is pushed as text:
-- parsed to m2, raw text kept, malformed values marked.
with

source as (
    select * from raw.phong_hoc
),

renamed as (
    select
        id as phong_hoc_id,
        ma_phong,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        ma_diem_truong,
        -- 01 phòng học, 02 phòng bộ môn, 03 phòng chức năng
        loai_phong,
        -- 01 kiên cố, 02 bán kiên cố, 03 tạm, 04 nhờ/mượn
        loai_cong_trinh,
        dien_tich as dien_tich_raw,
        try_cast(dien_tich as double) as dien_tich_m2,
        nullif(trim(dien_tich), '') is not null and try_cast(dien_tich as double) is null as dien_tich_malformed,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
