-- A learner's status changes within a school year at one school (transfers, dropouts,
-- returns), one row per change.
with

source as (
    select * from raw.hoc_sinh_trang_thai
),

renamed as (
    select
        id as hoc_sinh_trang_thai_id,
        ma_hoc_sinh,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        -- DM_TRANG_THAI_HOC_SINH
        cast(trang_thai as integer) as trang_thai,
        cast(ngay_hieu_luc as date) as ngay_hieu_luc,
        ma_ly_do_thoi_hoc,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
