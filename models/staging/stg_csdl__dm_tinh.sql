-- Provinces with their validity dates: the 63 of the 2020 list until 30/06/2025, the 34 of
-- Resolution 202/2025/QH15 from 01/07/2025. A code alone is not a key (seven new provinces reuse
-- the code of a different old one): (ma_tinh, hieu_luc_tu) is.
with

source as (
    select * from raw.dm_tinh
),

renamed as (
    select
        ma as ma_tinh,
        ten as ten_tinh,
        cap as cap_tinh,
        cast(hieu_luc_tu as date) as hieu_luc_tu,
        cast(hieu_luc_den as date) as hieu_luc_den,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
