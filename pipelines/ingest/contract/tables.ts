/**
 * What the ETL takes from each source table, and what it never takes.
 *
 * For every table: the key (`id`), the columns copied as they are, the personal keys that become
 * keyed pseudonyms (HMAC-SHA256 with CSDL_PSEUDONYM_SECRET, 32 hex characters; same column name),
 * and the personal fields that are dropped and replaced by quality flags computed in the source's
 * own SELECT, so that their values never leave PostgreSQL:
 *   <col>__present      not null and not blank
 *   <col>__nfc          Unicode NFC (not decomposed)
 *   <col>__legacy       looks typed in a legacy encoding (TCVN3 / VNI / VIQR mojibake)
 *   <col>__well_formed  matches the format of its kind (name, phone, citizen ID, email, date, ...)
 *
 * The warehouse table is `raw.<name>` with these columns plus `_run_id` and `_loaded_at`.
 */
export type PersonalKind = 'name' | 'phone' | 'citizen_id' | 'cmnd' | 'email' | 'date' | 'address' | 'text';

export type SourceTable = {
  name: string;
  /** Columns copied as they are (the key `id`, `created_at`, `updated_at`, `deleted_at` included). */
  columns: string[];
  /** Personal keys replaced by their pseudonym under the same column name. */
  pseudonymised: string[];
  /** Personal fields dropped; only their flags enter the warehouse. */
  personal: Record<string, PersonalKind>;
};

const audit = ['created_at', 'updated_at', 'deleted_at'];

export const SOURCE_TABLES: SourceTable[] = [
  { name: 'dm_tinh', columns: ['ma', 'ten', 'cap', 'hieu_luc_tu', 'hieu_luc_den'], pseudonymised: [], personal: {} },
  { name: 'dm_huyen', columns: ['ma', 'ten', 'cap', 'ma_tinh', 'hieu_luc_tu', 'hieu_luc_den'], pseudonymised: [], personal: {} },
  { name: 'dm_xa', columns: ['ma', 'ten', 'cap', 'ma_huyen', 'ma_tinh', 'hieu_luc_tu', 'hieu_luc_den'], pseudonymised: [], personal: {} },
  { name: 'dm_tinh_sap_nhap', columns: ['ma_tinh_moi', 'ten_tinh_moi', 'ma_tinh_cu', 'ten_tinh_cu', 'hieu_luc_tu'], pseudonymised: [], personal: {} },
  {
    name: 'truong_hoc',
    columns: [
      'id',
      'ma_truong_hoc',
      'nam_hoc',
      'ten_truong_hoc',
      'cap_hoc',
      'ma_nhom_cap_hoc',
      'loai_hinh_dao_tao',
      'loai_hinh_truong',
      'chuan_quoc_gia',
      'ma_tinh',
      'ma_huyen',
      'ma_xa',
      'ma_khu_vuc',
      'ma_vung_kho_khan',
      'dien_luoi',
      'nguon_nuoc_sach',
      'cong_trinh_ve_sinh',
      'ct_gdvs_doi_tay',
      'khai_thac_internet_day_hoc',
      'su_dung_may_tinh_day_hoc',
      'co_ha_tang_tlht_phu_hop_hskt',
      'hoc_2_buoi_ngay',
      'so_diem_truong',
      'tong_so_hoc_sinh',
      'tong_so_lop_hoc',
      'tong_so_can_bo',
      'ngay_thanh_lap',
      'trang_thai',
      'dia_chi',
      'dien_thoai',
      'email',
      ...audit,
    ],
    pseudonymised: [],
    personal: { hieu_truong: 'name', dien_thoai_hieu_truong: 'phone', email_hieu_truong: 'email' },
  },
  {
    name: 'diem_truong',
    columns: [
      'id',
      'ma_diem_truong',
      'ma_truong_hoc',
      'nam_hoc',
      'ten_diem_truong',
      'dia_chi',
      'dien_thoai',
      'khoang_cach',
      'dien_tich',
      'ma_tinh_thanh',
      'ma_quan_huyen',
      'ma_xa',
      ...audit,
    ],
    pseudonymised: [],
    personal: {},
  },
  {
    name: 'lop_hoc',
    columns: [
      'id',
      'ma_lop_hoc',
      'ma_truong_hoc',
      'nam_hoc',
      'ten_lop_hoc',
      'khoi_hoc',
      'ma_diem_truong',
      'lop_ghep',
      'ma_lop_ghep',
      'lop_chuyen',
      'ma_he_chuyen',
      'lop_ban_tru',
      'ma_hoc_ban_tru',
      'so_buoi_tren_tuan',
      'lop_vnen',
      'lop_ghep_do_tuoi',
      'ma_nhom_tuoi_mn',
      'is_lop_co_tre_khuyet_tat',
      'si_so',
      ...audit,
    ],
    pseudonymised: ['ma_gvcn_dn', 'ma_gvcn_cn'],
    personal: {},
  },
  {
    name: 'hoc_sinh',
    columns: [
      'id',
      'ma_truong_hoc',
      'nam_hoc',
      'ma_lop_hoc_dn',
      'ma_lop_hoc_cn',
      'khoi_hoc',
      'ngay_sinh',
      'gioi_tinh',
      'ma_dan_toc',
      'ma_ton_giao',
      'khuyet_tat',
      'ma_loai_khuyet_tat',
      'loai_nhap_hoc',
      'trang_thai',
      'ngay_trang_thai',
      'ma_ly_do_thoi_hoc',
      'noi_chuyen_di',
      'ban_tru',
      'ma_hoc_ban_tru',
      'ma_khu_vuc',
      'ma_pxa_thtru',
      'ma_tthanh_thtru',
      ...audit,
    ],
    pseudonymised: ['ma_hoc_sinh', 'ma_cong_dan'],
    personal: {
      ho_ten: 'name',
      ma_cong_dan: 'citizen_id',
      so_cmnd: 'cmnd',
      ho_ten_bo: 'name',
      ho_ten_me: 'name',
      ngay_sinh_me: 'date',
      ho_ten_nguoi_giam_ho: 'name',
      ngay_sinh_nguoi_giam_ho: 'date',
      so_dien_thoai_me: 'phone',
      so_dien_thoai_bo: 'phone',
      so_dthoai_ddong: 'phone',
      email: 'email',
      dchi_thtru: 'address',
      noi_sinh: 'text',
      que_quan: 'text',
    },
  },
  {
    name: 'hoc_sinh_trang_thai',
    columns: ['id', 'ma_truong_hoc', 'nam_hoc', 'trang_thai', 'ngay_hieu_luc', 'ma_ly_do_thoi_hoc', ...audit],
    pseudonymised: ['ma_hoc_sinh'],
    personal: {},
  },
  {
    name: 'can_bo',
    columns: [
      'id',
      'ma_truong_hoc',
      'nam_hoc',
      'loai_can_bo',
      'ma_chuc_vu',
      'cap_hoc',
      'gioi_tinh',
      'ngay_sinh',
      'ma_dan_toc',
      'trinh_do_chuyen_mon_nv_cao_nhat',
      'chuyen_nganh_dao_tao_chinh',
      'ma_chuan_dao_tao',
      'loai_hop_dong',
      'ma_ngach',
      'bac_luong',
      'he_so',
      'muc_phu_cap_uu_dai',
      'danh_gia_kq_chuan_nghe_nghiep',
      'tu_danh_gia_kq_chuan_nghe_nghiep',
      'mon_day_chinh',
      'trang_thai',
      'ngay_trang_thai',
      'ngay_tuyen_dung',
      ...audit,
    ],
    pseudonymised: ['ma_can_bo', 'ma_cong_dan'],
    personal: {
      ten_can_bo: 'name',
      so_cmnd: 'cmnd',
      ma_cong_dan: 'citizen_id',
      so_dien_thoai_di_dong: 'phone',
      email: 'email',
      ho_ten_bo: 'name',
      ho_ten_me: 'name',
      ho_ten_vo_chong: 'name',
    },
  },
  {
    name: 'phong_hoc',
    columns: ['id', 'ma_phong', 'ma_truong_hoc', 'nam_hoc', 'ma_diem_truong', 'loai_phong', 'loai_cong_trinh', 'dien_tich', ...audit],
    pseudonymised: [],
    personal: {},
  },
];

/** Code-list tables (`dm_*` other than the administrative units) are copied whole. */
export const CODE_LIST_COLUMNS = ['ma', 'ten', 'thuoc_tinh'];
