-- Staff (LstCanBo), one row per staff member per school per school year. ngay_sinh is parsed
-- like the learners' (raw text kept, malformed values marked).
with

source as (
    select
        *,
        -- the birth date as the quality rules read it (populations.ts, HS-/CB-FMT-ngay_sinh and
        -- HS-/CB-DATE-ngay_sinh): its first ten characters as a date, when nothing, a 'T' or a
        -- space follows them ('2012-01-09T00:00:00.0')
        case when length(ngay_sinh) = 10 or substr(ngay_sinh, 11, 1) in ('T', ' ') then try_cast(left(ngay_sinh, 10) as date) end as ngay_sinh_date
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
        ngay_sinh_date as ngay_sinh,
        -- malformed: present and not in the pushed format 'yyyy-mm-dd[Thh:mm:ss.f]'; a date in
        -- the format that is not a calendar day (2014-02-30) is impossible, not malformed (the
        -- expression is only evaluated where the date did not parse)
        case
            when ngay_sinh_date is not null or nullif(trim(ngay_sinh), '') is null then false
            else not regexp_full_match(trim(ngay_sinh), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?')
        end as ngay_sinh_malformed,
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
