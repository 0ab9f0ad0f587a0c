-- Schools (TruongHocInfo), one row per school per school year, soft-deleted rows included and
-- marked: core drops them, the quality rules still see them.
with

source as (
    select * from raw.truong_hoc
),

renamed as (
    select
        id as truong_hoc_id,
        ma_truong_hoc,
        cast(nam_hoc as integer) as nam_hoc,
        ten_truong_hoc,
        cap_hoc,
        ma_nhom_cap_hoc,
        loai_hinh_dao_tao,
        loai_hinh_truong,
        chuan_quoc_gia,
        ma_tinh,
        ma_huyen,
        ma_xa,
        ma_khu_vuc,
        ma_vung_kho_khan,
        -- facility flags as pushed: 1 yes, 0 no (other values are findings of the quality rules)
        cast(dien_luoi as integer) as dien_luoi,
        cast(nguon_nuoc_sach as integer) as nguon_nuoc_sach,
        cast(cong_trinh_ve_sinh as integer) as cong_trinh_ve_sinh,
        cast(ct_gdvs_doi_tay as integer) as ct_gdvs_doi_tay,
        cast(khai_thac_internet_day_hoc as integer) as khai_thac_internet_day_hoc,
        cast(su_dung_may_tinh_day_hoc as integer) as su_dung_may_tinh_day_hoc,
        cast(co_ha_tang_tlht_phu_hop_hskt as integer) as co_ha_tang_tlht_phu_hop_hskt,
        cast(hoc_2_buoi_ngay as integer) as hoc_2_buoi_ngay,
        cast(so_diem_truong as integer) as so_diem_truong,
        -- declared totals (học sinh, lớp, cán bộ), checked against counted records
        cast(tong_so_hoc_sinh as integer) as tong_so_hoc_sinh,
        cast(tong_so_lop_hoc as integer) as tong_so_lop_hoc,
        cast(tong_so_can_bo as integer) as tong_so_can_bo,
        cast(ngay_thanh_lap as date) as ngay_thanh_lap,
        trang_thai,
        dia_chi,
        dien_thoai,
        email,
        -- quality flags of the principal's personal fields (the values never leave the source)
        columns('^(hieu_truong|dien_thoai_hieu_truong|email_hieu_truong)__'),
        cast(created_at as timestamptz) as created_at,
        cast(updated_at as timestamptz) as updated_at,
        cast(deleted_at as timestamptz) as deleted_at,
        deleted_at is not null as is_deleted,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
