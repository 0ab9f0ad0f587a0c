-- The sample CSDL: an operational source laid out after the Ministry's field specification
-- "Mô tả dữ liệu ĐẦU NĂM" (26/10/2020; data/reference/field-spec.json). Object and field names
-- are the spec's, in snake_case. One row per object per school year (nam_hoc = first calendar
-- year: 2025-2026 is 2025), as the CSDL keeps *_THEO_NAM tables.
--
-- What an operational system has, and the ETL must cope with:
--   * `id` surrogate keys, `created_at` / `updated_at` kept by triggers (updated_at := now() on
--     every update, so it is the start time of the writing transaction);
--   * soft deletes (`deleted_at`) beside hard deletes;
--   * personal fields (names, parents, phones, addresses, citizen IDs) filled with synthetic
--     values, which must never reach the warehouse;
--   * a few fields typed as text the way school systems push them (`ngay_sinh` as
--     '2012-01-09T00:00:00.0', `dien_tich` as text), so malformed values exist.
-- Code lists (`dm_*`) are created from data/reference/code-lists.json by the generator.

create schema if not exists csdl;

create or replace function csdl.touch_row() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    new.created_at := coalesce(new.created_at, now());
    new.updated_at := coalesce(new.updated_at, new.created_at);
  else
    new.created_at := old.created_at;
    new.updated_at := now();
  end if;
  return new;
end $$;

-- Administrative units, with validity dates: the 63 provinces, their districts and communes
-- until 30/06/2025; the 34 provinces and their communes from 01/07/2025 (Resolution
-- 202/2025/QH15). A code alone is not a key: (ma, hieu_luc_tu) is.
create table csdl.dm_tinh (
  ma text not null,
  ten text not null,
  cap text,
  hieu_luc_tu date not null,
  hieu_luc_den date,
  primary key (ma, hieu_luc_tu)
);

create table csdl.dm_huyen (
  ma text not null,
  ten text not null,
  cap text,
  ma_tinh text not null,
  hieu_luc_tu date not null,
  hieu_luc_den date,
  primary key (ma, hieu_luc_tu)
);

create table csdl.dm_xa (
  ma text not null,
  ten text not null,
  cap text,
  ma_huyen text,            -- null from 01/07/2025: the district level was abolished
  ma_tinh text not null,
  hieu_luc_tu date not null,
  hieu_luc_den date,
  primary key (ma, hieu_luc_tu)
);

-- Which of the 63 old provinces formed each of the 34 new ones (in force 01/07/2025).
create table csdl.dm_tinh_sap_nhap (
  ma_tinh_moi text not null,
  ten_tinh_moi text not null,
  ma_tinh_cu text not null,
  ten_tinh_cu text not null,
  hieu_luc_tu date not null default date '2025-07-01',
  primary key (ma_tinh_cu, hieu_luc_tu)
);

-- TruongHocInfo: one row per school per school year.
create table csdl.truong_hoc (
  id bigint primary key,
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ten_truong_hoc text not null,
  cap_hoc text,                          -- DM_NHOM_CAP_HOC (required)
  ma_nhom_cap_hoc text,                  -- DM_NHOM_CAP_HOC (required)
  loai_hinh_dao_tao text,                -- DM_LOAI_HINH: 01 công lập, 03 dân lập, 09 tư thục (required)
  loai_hinh_truong text,                 -- DM_LOAI_TRUONG (required)
  chuan_quoc_gia text,                   -- DM_MUC_DAT_CHUAN_QG_CLGD: 02 mức 1, 03 mức 2
  ma_tinh text,                          -- province valid in nam_hoc (old code before 2025)
  ma_huyen text,                         -- district; null from 2025
  ma_xa text,                            -- commune valid in nam_hoc
  ma_khu_vuc text,                       -- DM_KHU_VUC zone
  ma_vung_kho_khan text,
  dien_luoi integer,                     -- 1/0 facilities flags (SDG 4.a.1)
  nguon_nuoc_sach integer,
  cong_trinh_ve_sinh integer,
  ct_gdvs_doi_tay integer,
  khai_thac_internet_day_hoc integer,
  su_dung_may_tinh_day_hoc integer,
  co_ha_tang_tlht_phu_hop_hskt integer,
  hoc_2_buoi_ngay integer,
  so_diem_truong integer,
  tong_so_hoc_sinh integer,              -- declared totals, checked against counted records
  tong_so_lop_hoc integer,
  tong_so_can_bo integer,
  ngay_thanh_lap date,
  trang_thai text not null default '1',  -- 1 hoạt động, 0 giải thể / tạm dừng
  dia_chi text,
  dien_thoai text,
  email text,
  hieu_truong text,                      -- personal: principal's name
  dien_thoai_hieu_truong text,           -- personal
  email_hieu_truong text,                -- personal
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_truong_hoc, nam_hoc)
);

-- LstDiemTruongInfo: satellite sites.
create table csdl.diem_truong (
  id bigint primary key,
  ma_diem_truong text not null,
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ten_diem_truong text,
  dia_chi text,
  dien_thoai text,
  khoang_cach double precision,          -- km to the main site
  dien_tich double precision,            -- m2
  ma_tinh_thanh text,
  ma_quan_huyen text,
  ma_xa text,
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_diem_truong, nam_hoc)
);

-- LstLopHocInfo: classes.
create table csdl.lop_hoc (
  id bigint primary key,
  ma_lop_hoc text not null,
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ten_lop_hoc text,
  khoi_hoc text,                         -- DM_KHOI: 01..12, 16 nhóm trẻ, 17 mẫu giáo (required)
  ma_diem_truong text,
  ma_gvcn_dn text,                       -- homeroom teacher (ma_can_bo) at start / end of year
  ma_gvcn_cn text,
  lop_ghep integer,                      -- 1 multi-grade class (required)
  ma_lop_ghep text,                      -- required if lop_ghep = 1
  lop_chuyen integer,                    -- required
  ma_he_chuyen text,                     -- required if lop_chuyen = 1
  lop_ban_tru integer,                   -- required
  ma_hoc_ban_tru text,                   -- required if lop_ban_tru = 1
  lop_vnen integer,                      -- required
  lop_ghep_do_tuoi integer,              -- required
  so_buoi_tren_tuan text,                -- DM_SO_BUOI_HOC_TREN_TUAN (06 = 10 buổi/tuần = 2 buổi/ngày)
  ma_nhom_tuoi_mn text,                  -- DM_NHOM_TUOI_MN, preschool only (required there)
  is_lop_co_tre_khuyet_tat integer,
  si_so integer,                         -- declared class size
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_lop_hoc, nam_hoc)
);

-- LstHocSinh: learners, one row per learner per school year.
create table csdl.hoc_sinh (
  id bigint primary key,
  ma_hoc_sinh text not null,             -- personal key: pseudonymised by the ETL
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ma_lop_hoc_dn text,                    -- class at the start of the year (required)
  ma_lop_hoc_cn text,                    -- class at the end of the year (required)
  khoi_hoc integer,                      -- 1..12; 16 nhóm trẻ, 17 mẫu giáo (required)
  ho_ten text,                           -- personal
  ngay_sinh text,                        -- as pushed: '2012-01-09T00:00:00.0' (required)
  gioi_tinh integer,                     -- DM_GIOI_TINH 1 nam, 2 nữ (required)
  ma_dan_toc text,                       -- DM_DAN_TOC (required)
  ma_ton_giao text,
  khuyet_tat integer,
  ma_loai_khuyet_tat text,               -- required if khuyet_tat = 1
  loai_nhap_hoc integer,                 -- 0 trúng tuyển, 1 chuyển đến, 2 xét tuyển, 3 lưu ban, 4 lên lớp
  trang_thai integer,                    -- DM_TRANG_THAI_HOC_SINH, current (required)
  ngay_trang_thai date,                  -- date of the current status (required when it changed)
  ma_ly_do_thoi_hoc text,                -- required for dropouts (05, 09, 12)
  noi_chuyen_di text,                    -- required for transfers out
  ban_tru integer,
  ma_hoc_ban_tru text,
  ma_khu_vuc text,
  ma_cong_dan text,                      -- personal: citizen ID (12 digits)
  so_cmnd text,                          -- personal
  ho_ten_bo text,                        -- personal
  ho_ten_me text,                        -- personal (required)
  ngay_sinh_me text,                     -- personal
  ho_ten_nguoi_giam_ho text,             -- personal (required)
  ngay_sinh_nguoi_giam_ho text,          -- personal (required)
  so_dien_thoai_me text,                 -- personal
  so_dien_thoai_bo text,                 -- personal
  so_dthoai_ddong text,                  -- personal
  email text,                            -- personal
  dchi_thtru text,                       -- personal: permanent address
  ma_pxa_thtru text,
  ma_tthanh_thtru text,
  noi_sinh text,                         -- personal
  que_quan text,                         -- personal
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_hoc_sinh, ma_truong_hoc, nam_hoc) -- one learner may hold rows in two schools in a year (transfers)
);

-- A learner's status changes within the year (transfers, dropouts, returns), oldest first.
create table csdl.hoc_sinh_trang_thai (
  id bigint primary key,
  ma_hoc_sinh text not null,             -- personal key: pseudonymised by the ETL
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  trang_thai integer not null,           -- DM_TRANG_THAI_HOC_SINH
  ngay_hieu_luc date not null,
  ma_ly_do_thoi_hoc text,
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz
);

-- LstCanBo: staff, one row per staff member per school year.
create table csdl.can_bo (
  id bigint primary key,
  ma_can_bo text not null,               -- personal key: pseudonymised by the ETL
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ten_can_bo text,                       -- personal (required)
  loai_can_bo text,                      -- DM_NHOM_CAN_BO: 01 CBQL, 02 nhân viên, 03 giáo viên (required)
  ma_chuc_vu text,                       -- DM_LOAI_CAN_BO
  cap_hoc text,                          -- DM_CAP_HOC: level taught
  gioi_tinh integer,                     -- (required)
  ngay_sinh text,                        -- as pushed (required)
  ma_dan_toc text,
  trinh_do_chuyen_mon_nv_cao_nhat text,  -- DM_TRINH_DO_CHUYEN_MON (required)
  chuyen_nganh_dao_tao_chinh text,       -- (required)
  ma_chuan_dao_tao text,                 -- DM_CHUAN_DAO_TAO 01 đạt, 02 trên, 03 chưa đạt
  loai_hop_dong text,                    -- DM_HINH_THUC_HOP_DONG (required)
  ma_ngach text,                         -- (required)
  bac_luong integer,                     -- (required)
  he_so numeric(5,2),                    -- salary coefficient (required)
  muc_phu_cap_uu_dai integer,            -- (required)
  danh_gia_kq_chuan_nghe_nghiep text,    -- DM_KQ_CHUAN_NGHE_NGHIEP (required)
  tu_danh_gia_kq_chuan_nghe_nghiep text, -- (required)
  mon_day_chinh text,
  trang_thai text,                       -- DM_TRANG_THAI_CAN_BO (required)
  ngay_trang_thai date,
  ngay_tuyen_dung date,
  so_cmnd text,                          -- personal (required)
  ma_cong_dan text,                      -- personal
  so_dien_thoai_di_dong text,            -- personal
  email text,                            -- personal
  ho_ten_bo text,                        -- personal
  ho_ten_me text,                        -- personal
  ho_ten_vo_chong text,                  -- personal
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_can_bo, nam_hoc)
);

-- Rooms (form 01 "Phòng học"): by use and solidity.
create table csdl.phong_hoc (
  id bigint primary key,
  ma_phong text not null,
  ma_truong_hoc text not null,
  nam_hoc integer not null,
  ma_diem_truong text,
  loai_phong text,                       -- 01 phòng học, 02 phòng bộ môn, 03 phòng chức năng
  loai_cong_trinh text,                  -- 01 kiên cố, 02 bán kiên cố, 03 tạm, 04 nhờ/mượn
  dien_tich text,                        -- m2, as pushed
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  unique (ma_phong, nam_hoc)
);

create index on csdl.truong_hoc (updated_at);
create index on csdl.diem_truong (updated_at);
create index on csdl.lop_hoc (updated_at);
create index on csdl.hoc_sinh (updated_at);
create index on csdl.hoc_sinh_trang_thai (updated_at);
create index on csdl.can_bo (updated_at);
create index on csdl.phong_hoc (updated_at);

create trigger touch before insert or update on csdl.truong_hoc for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.diem_truong for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.lop_hoc for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.hoc_sinh for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.hoc_sinh_trang_thai for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.can_bo for each row execute function csdl.touch_row();
create trigger touch before insert or update on csdl.phong_hoc for each row execute function csdl.touch_row();

-- The generator's ground truth: every injected defect, so detection can be measured exactly.
create schema if not exists synthetic;

create table synthetic.generation (
  seed bigint not null,
  preset text not null,
  params jsonb not null,
  counts jsonb,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);

create table synthetic.defects (
  kind text not null,                    -- defect family, see sample/generate/defects.ts
  table_name text not null,
  record_id bigint,                      -- the row's id in table_name (null for unit-level defects)
  ma_truong_hoc text,
  nam_hoc integer,
  ky text,                               -- DN / CN when the defect concerns one period
  field text,
  detail text
);
