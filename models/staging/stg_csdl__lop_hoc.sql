-- Classes (LstLopHocInfo), one row per class per school year. khoi_hoc stays the DM_KHOI code
-- as text ('01'..'12', '16' nhóm trẻ, '17' mẫu giáo); core maps it to grades and levels.
with

source as (
    select * from raw.lop_hoc
),

renamed as (
    select
        id as lop_hoc_id,
        ma_lop_hoc,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        ten_lop_hoc,
        khoi_hoc,
        ma_diem_truong,
        -- homeroom teachers at the start and end of the year (pseudonymous ma_can_bo)
        ma_gvcn_dn,
        ma_gvcn_cn,
        cast(lop_ghep as integer) as lop_ghep,
        ma_lop_ghep,
        cast(lop_chuyen as integer) as lop_chuyen,
        ma_he_chuyen,
        cast(lop_ban_tru as integer) as lop_ban_tru,
        ma_hoc_ban_tru,
        cast(lop_vnen as integer) as lop_vnen,
        cast(lop_ghep_do_tuoi as integer) as lop_ghep_do_tuoi,
        -- DM_SO_BUOI_HOC_TREN_TUAN: '06' = 10 buổi/tuần = 2 buổi/ngày
        so_buoi_tren_tuan,
        ma_nhom_tuoi_mn,
        cast(is_lop_co_tre_khuyet_tat as integer) as is_lop_co_tre_khuyet_tat,
        -- declared class size (học sinh)
        cast(si_so as integer) as si_so,
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
