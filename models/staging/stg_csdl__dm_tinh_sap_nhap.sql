-- Which of the 63 old provinces formed each of the 34 new ones (in force 01/07/2025).
with

source as (
    select * from raw.dm_tinh_sap_nhap
),

renamed as (
    select
        ma_tinh_cu,
        ten_tinh_cu,
        ma_tinh_moi,
        ten_tinh_moi,
        cast(hieu_luc_tu as date) as hieu_luc_tu,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
