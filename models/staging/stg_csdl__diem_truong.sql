-- Satellite sites (LstDiemTruongInfo), one row per site per school year.
with

source as (
    select * from raw.diem_truong
),

renamed as (
    select
        id as diem_truong_id,
        ma_diem_truong,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        ten_diem_truong,
        dia_chi,
        dien_thoai,
        cast(khoang_cach as double) as khoang_cach_km,
        cast(dien_tich as double) as dien_tich_m2,
        ma_tinh_thanh as ma_tinh,
        ma_quan_huyen as ma_huyen,
        ma_xa,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
