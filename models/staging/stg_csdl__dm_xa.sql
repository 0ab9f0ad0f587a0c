-- Communes and wards: the old ones (under a district) until 30/06/2025, the new ones (directly
-- under one of the 34 provinces, ma_huyen null) from 01/07/2025.
with

source as (
    select * from raw.dm_xa
),

renamed as (
    select
        ma as ma_xa,
        ten as ten_xa,
        cap as cap_xa,
        ma_huyen,
        ma_tinh,
        cast(hieu_luc_tu as date) as hieu_luc_tu,
        cast(hieu_luc_den as date) as hieu_luc_den,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
