-- The Ministry code lists (danh mục), one row per code, all lists in one relation so that
-- validity rules and the core mappings join on (danh_muc, ma). The lists are those of
-- data/reference/code-lists.json; each is copied whole by the ETL as raw.dm_<list>.
with

source as (
    select 'DM_BAC_LUONG' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_bac_luong
    union all
    select 'DM_BOI_DUONG_CBQL_COT_CAN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_boi_duong_cbql_cot_can
    union all
    select 'DM_BOI_DUONG_NVU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_boi_duong_nvu
    union all
    select 'DM_BOI_DUONG_THAY_SACH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_boi_duong_thay_sach
    union all
    select 'DM_BOI_DUONG_TX' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_boi_duong_tx
    union all
    select 'DM_CAP_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_cap_hoc
    union all
    select 'DM_CHUAN_DAO_TAO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_chuan_dao_tao
    union all
    select 'DM_CHUNG_CHI_TIENG_DTOC_TSO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_chung_chi_tieng_dtoc_tso
    union all
    select 'DM_CHUYEN_MON' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_chuyen_mon
    union all
    select 'DM_DAN_TOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_dan_toc
    union all
    select 'DM_DG_VIEN_CHUC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_dg_vien_chuc
    union all
    select 'DM_DIEN_CHINH_SACH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_dien_chinh_sach
    union all
    select 'DM_DU_AN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_du_an
    union all
    select 'DM_GIAO_VIEN_CHU_NHIEM_GIOI' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_giao_vien_chu_nhiem_gioi
    union all
    select 'DM_GIAO_VIEN_GIOI' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_giao_vien_gioi
    union all
    select 'DM_GIOI_TINH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_gioi_tinh
    union all
    select 'DM_GV_GIANG_DAY_VH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_gv_giang_day_vh
    union all
    select 'DM_GV_TONG_PTRACH_DOI_GIOI' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_gv_tong_ptrach_doi_gioi
    union all
    select 'DM_HE_CHUYEN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_he_chuyen
    union all
    select 'DM_HINH_THUC_DAO_TAO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_hinh_thuc_dao_tao
    union all
    select 'DM_HINH_THUC_DAO_TAO_HOC_TAP' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_hinh_thuc_dao_tao_hoc_tap
    union all
    select 'DM_HINH_THUC_HOP_DONG' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_hinh_thuc_hop_dong
    union all
    select 'DM_HOC_BAN_TRU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_hoc_ban_tru
    union all
    select 'DM_KHEN_THUONG_GV' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_khen_thuong_gv
    union all
    select 'DM_KHOI' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_khoi
    union all
    select 'DM_KHUNG_NLUC_NNGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_khung_nluc_nngu
    union all
    select 'DM_KHU_VUC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_khu_vuc
    union all
    select 'DM_KIEU_LOP' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_kieu_lop
    union all
    select 'DM_KQ_CHUAN_NGHE_NGHIEP' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_kq_chuan_nghe_nghiep
    union all
    select 'DM_KY_LUAT_GV' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_ky_luat_gv
    union all
    select 'DM_LOAI_CAN_BO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_can_bo
    union all
    select 'DM_LOAI_CCHI_NNGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_cchi_nngu
    union all
    select 'DM_LOAI_HINH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_hinh
    union all
    select 'DM_LOAI_KHUYET_TAT' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_khuyet_tat
    union all
    select 'DM_LOAI_TRUNG_TAM' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_trung_tam
    union all
    select 'DM_LOAI_TRUONG' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_truong
    union all
    select 'DM_LOP_DAO_TAO_BOI_DUONG' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_lop_dao_tao_boi_duong
    union all
    select 'DM_LOP_HUONG_NGHIEP_DAY_NGHE' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_lop_huong_nghiep_day_nghe
    union all
    select 'DM_LY_DO_THOI_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_ly_do_thoi_hoc
    union all
    select 'DM_MON_DAY_GV' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_mon_day_gv
    union all
    select 'DM_MON_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_mon_hoc
    union all
    select 'DM_MUC_DAT_CHUAN_QG_CLGD' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_muc_dat_chuan_qg_clgd
    union all
    select 'DM_NGACH_CC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_ngach_cc
    union all
    select 'DM_NGANH_DAO_TAO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nganh_dao_tao
    union all
    select 'DM_NGOAI_NGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_ngoai_ngu
    union all
    select 'DM_NHIEM_VU_KIEM_NHIEM' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nhiem_vu_kiem_nhiem
    union all
    select 'DM_NHOM_CAN_BO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nhom_can_bo
    union all
    select 'DM_NHOM_CAP_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nhom_cap_hoc
    union all
    select 'DM_NHOM_CCHI_NNGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nhom_cchi_nngu
    union all
    select 'DM_NHOM_TUOI_MN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nhom_tuoi_mn
    union all
    select 'DM_NUOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_nuoc
    union all
    select 'DM_PHAN_BAN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_phan_ban
    union all
    select 'DM_SO_BUOI_HOC_TREN_TUAN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_so_buoi_hoc_tren_tuan
    union all
    select 'DM_TIENG_DAN_TOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_tieng_dan_toc
    union all
    select 'DM_TIET_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_tiet_hoc
    union all
    select 'DM_TIET_HOC_NGOAI_NGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_tiet_hoc_ngoai_ngu
    union all
    select 'DM_TINH_TRANG_HON_NHAN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_tinh_trang_hon_nhan
    union all
    select 'DM_TON_GIAO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_ton_giao
    union all
    select 'DM_TRANG_THAI_CAN_BO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trang_thai_can_bo
    union all
    select 'DM_TRANG_THAI_HOC_SINH' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trang_thai_hoc_sinh
    union all
    select 'DM_TRINH_DO' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do
    union all
    select 'DM_TRINH_DO_CHUYEN_MON' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_chuyen_mon
    union all
    select 'DM_TRINH_DO_LLCT' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_llct
    union all
    select 'DM_TRINH_DO_NGOAI_NGU' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_ngoai_ngu
    union all
    select 'DM_TRINH_DO_QLGD' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_qlgd
    union all
    select 'DM_TRINH_DO_QLNN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_qlnn
    union all
    select 'DM_TRINH_DO_TIN_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trinh_do_tin_hoc
    union all
    select 'DM_TRUNG_TAM' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_trung_tam
    union all
    select 'DM_VUNG' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_vung
    union all
    select 'DM_VUNG_KHO_KHAN' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_vung_kho_khan
    union all
    select 'LOAI_NHAP_HOC' as danh_muc, ma, ten, thuoc_tinh, _run_id, _loaded_at from raw.dm_loai_nhap_hoc
),

renamed as (
    select
        danh_muc,
        ma,
        ten,
        -- the list's further columns as JSON, e.g. DM_NHOM_CAP_HOC {"DS_Cấp": "02,03"}
        thuoc_tinh,
        _run_id as etl_run_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
