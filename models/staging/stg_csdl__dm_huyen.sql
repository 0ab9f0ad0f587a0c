-- Districts (Phòng GDĐT level) of the 63 old provinces, valid until 30/06/2025, when the
-- district level was abolished.
with

source as (
    select * from raw.dm_huyen
),

renamed as (
    select
        ma as ma_huyen,
        ten as ten_huyen,
        cap as cap_huyen,
        ma_tinh,
        cast(hieu_luc_tu as date) as hieu_luc_tu,
        cast(hieu_luc_den as date) as hieu_luc_den,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
