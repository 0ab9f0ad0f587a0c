-- Staff (LstCanBo), one row per staff member per school per school year. ngay_sinh is parsed
-- like the learners' (raw text kept, malformed values marked).
with

source as (
    select
        *,
        -- 'yyyy-mm-dd', optionally followed by a time: '2012-01-09T00:00:00.0'
        coalesce(regexp_full_match(trim(ngay_sinh), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?'), false) as ngay_sinh_shaped
    from raw.can_bo
),

renamed as (
    select
        id as can_bo_id,
        ma_can_bo,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        -- DM_NHOM_CAN_BO: 01 cán bộ quản lý, 02 nhân viên, 03 giáo viên
        loai_can_bo,
        ma_chuc_vu,
        -- DM_CAP_HOC: the level taught
        cap_hoc,
        cast(gioi_tinh as integer) as gioi_tinh,
        ngay_sinh as ngay_sinh_raw,
        -- the pushed format (the quality rules' HS-/CB-FMT-ngay_sinh): a date that is not a
        -- calendar day (30/02) is in format but impossible, so null and not malformed
        case when ngay_sinh_shaped then try_cast(left(trim(ngay_sinh), 10) as date) end as ngay_sinh,
        nullif(trim(ngay_sinh), '') is not null and not ngay_sinh_shaped as ngay_sinh_malformed,
        ma_dan_toc,
        -- DM_TRINH_DO_CHUYEN_MON: highest professional qualification
        trinh_do_chuyen_mon_nv_cao_nhat,
        chuyen_nganh_dao_tao_chinh,
        ma_chuan_dao_tao,
        loai_hop_dong,
        ma_ngach,
        cast(bac_luong as integer) as bac_luong,
        cast(he_so as decimal(5, 2)) as he_so,
        cast(muc_phu_cap_uu_dai as integer) as muc_phu_cap_uu_dai,
        danh_gia_kq_chuan_nghe_nghiep,
        tu_danh_gia_kq_chuan_nghe_nghiep,
        mon_day_chinh,
        -- DM_TRANG_THAI_CAN_BO: 01 đang làm việc
        trang_thai,
        cast(ngay_trang_thai as date) as ngay_trang_thai,
        cast(ngay_tuyen_dung as date) as ngay_tuyen_dung,
        ma_cong_dan,
        columns('__(present|nfc|legacy|well_formed)$'),
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
