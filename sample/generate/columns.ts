/**
 * The columns the generator writes, per table, in COPY order. Rows are plain objects keyed by
 * these names; a missing key is written as NULL.
 */
/** A value as written: text, a number, or NULL (null / undefined). */
export type Value = string | number | null | undefined;
/** A row keyed by column name. */
export type Row = Record<string, Value>;

const audit = ['created_at', 'updated_at', 'deleted_at'];

/** Column lists per table (csdl data tables, and `defects` for synthetic.defects). */
export const COLUMNS = {
  truong_hoc: [
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
    'hieu_truong',
    'dien_thoai_hieu_truong',
    'email_hieu_truong',
    ...audit,
  ],
  diem_truong: [
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
  lop_hoc: [
    'id',
    'ma_lop_hoc',
    'ma_truong_hoc',
    'nam_hoc',
    'ten_lop_hoc',
    'khoi_hoc',
    'ma_diem_truong',
    'ma_gvcn_dn',
    'ma_gvcn_cn',
    'lop_ghep',
    'ma_lop_ghep',
    'lop_chuyen',
    'ma_he_chuyen',
    'lop_ban_tru',
    'ma_hoc_ban_tru',
    'lop_vnen',
    'lop_ghep_do_tuoi',
    'so_buoi_tren_tuan',
    'ma_nhom_tuoi_mn',
    'is_lop_co_tre_khuyet_tat',
    'si_so',
    ...audit,
  ],
  hoc_sinh: [
    'id',
    'ma_hoc_sinh',
    'ma_truong_hoc',
    'nam_hoc',
    'ma_lop_hoc_dn',
    'ma_lop_hoc_cn',
    'khoi_hoc',
    'ho_ten',
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
    'ma_cong_dan',
    'so_cmnd',
    'ho_ten_bo',
    'ho_ten_me',
    'ngay_sinh_me',
    'ho_ten_nguoi_giam_ho',
    'ngay_sinh_nguoi_giam_ho',
    'so_dien_thoai_me',
    'so_dien_thoai_bo',
    'so_dthoai_ddong',
    'email',
    'dchi_thtru',
    'ma_pxa_thtru',
    'ma_tthanh_thtru',
    'noi_sinh',
    'que_quan',
    ...audit,
  ],
  hoc_sinh_trang_thai: ['id', 'ma_hoc_sinh', 'ma_truong_hoc', 'nam_hoc', 'trang_thai', 'ngay_hieu_luc', 'ma_ly_do_thoi_hoc', ...audit],
  can_bo: [
    'id',
    'ma_can_bo',
    'ma_truong_hoc',
    'nam_hoc',
    'ten_can_bo',
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
    'so_cmnd',
    'ma_cong_dan',
    'so_dien_thoai_di_dong',
    'email',
    'ho_ten_bo',
    'ho_ten_me',
    'ho_ten_vo_chong',
    ...audit,
  ],
  phong_hoc: ['id', 'ma_phong', 'ma_truong_hoc', 'nam_hoc', 'ma_diem_truong', 'loai_phong', 'loai_cong_trinh', 'dien_tich', ...audit],
  defects: ['kind', 'table_name', 'record_id', 'ma_truong_hoc', 'nam_hoc', 'ky', 'field', 'detail'],
} as const;

/** The data tables in csdl, in load order. */
export const DATA_TABLES = ['truong_hoc', 'diem_truong', 'lop_hoc', 'hoc_sinh', 'hoc_sinh_trang_thai', 'can_bo', 'phong_hoc'] as const;
/** A csdl data table the generator fills. */
export type DataTable = (typeof DATA_TABLES)[number];

/** One value in PostgreSQL's COPY text format: \N for null, backslash escapes for \ tab LF CR. */
export function copyValue(value: Value): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** One row as a COPY text line (with its newline). */
export function copyLine(columns: readonly string[], row: Row): string {
  let line = copyValue(row[columns[0]]);
  for (let i = 1; i < columns.length; i++) line += '\t' + copyValue(row[columns[i]]);
  return line + '\n';
}
