/**
 * The declared type of every column the ETL reads (tables.ts lists the columns; this file their
 * types). A column not named here is `text`. The schema check compares these with the source's
 * catalog before any read, and the warehouse's `raw.<table>` columns are typed from them, so the
 * models read typed columns exactly as declared here.
 */
import { CODE_LIST_COLUMNS, type SourceTable } from './tables.ts';

/** A column type, written the PostgreSQL way; `decimal(p,s)` for fixed-point numbers. */
export type ColumnType = 'text' | 'integer' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamptz' | 'json' | `decimal(${number},${number})`;

const keyed: Record<string, ColumnType> = {
  id: 'bigint',
  nam_hoc: 'integer',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  deleted_at: 'timestamptz',
};
const validity: Record<string, ColumnType> = { hieu_luc_tu: 'date', hieu_luc_den: 'date' };

/** Non-text columns per source table. */
export const COLUMN_TYPES: Readonly<Record<string, Readonly<Record<string, ColumnType>>>> = {
  dm_tinh: validity,
  dm_huyen: validity,
  dm_xa: validity,
  dm_tinh_sap_nhap: { hieu_luc_tu: 'date' },
  truong_hoc: {
    ...keyed,
    dien_luoi: 'integer',
    nguon_nuoc_sach: 'integer',
    cong_trinh_ve_sinh: 'integer',
    ct_gdvs_doi_tay: 'integer',
    khai_thac_internet_day_hoc: 'integer',
    su_dung_may_tinh_day_hoc: 'integer',
    co_ha_tang_tlht_phu_hop_hskt: 'integer',
    hoc_2_buoi_ngay: 'integer',
    so_diem_truong: 'integer',
    tong_so_hoc_sinh: 'integer',
    tong_so_lop_hoc: 'integer',
    tong_so_can_bo: 'integer',
    ngay_thanh_lap: 'date',
  },
  diem_truong: { ...keyed, khoang_cach: 'double', dien_tich: 'double' },
  lop_hoc: {
    ...keyed,
    lop_ghep: 'integer',
    lop_chuyen: 'integer',
    lop_ban_tru: 'integer',
    lop_vnen: 'integer',
    lop_ghep_do_tuoi: 'integer',
    is_lop_co_tre_khuyet_tat: 'integer',
    si_so: 'integer',
  },
  hoc_sinh: {
    ...keyed,
    khoi_hoc: 'integer',
    gioi_tinh: 'integer',
    khuyet_tat: 'integer',
    loai_nhap_hoc: 'integer',
    trang_thai: 'integer',
    ngay_trang_thai: 'date',
    ban_tru: 'integer',
  },
  hoc_sinh_trang_thai: { ...keyed, trang_thai: 'integer', ngay_hieu_luc: 'date' },
  can_bo: {
    ...keyed,
    gioi_tinh: 'integer',
    bac_luong: 'integer',
    he_so: 'decimal(5,2)',
    muc_phu_cap_uu_dai: 'integer',
    ngay_trang_thai: 'date',
    ngay_tuyen_dung: 'date',
  },
  phong_hoc: keyed,
};

/** Types of a code list's columns (`ma`, `ten`, `thuoc_tinh`). */
export const CODE_LIST_TYPES: Readonly<Record<string, ColumnType>> = { ma: 'text', ten: 'text', thuoc_tinh: 'json' };

/** The declared type of `table.column` (text unless declared otherwise). */
export function columnType(table: SourceTable | string, column: string, codeList = false): ColumnType {
  if (codeList && CODE_LIST_COLUMNS.includes(column)) return CODE_LIST_TYPES[column] ?? 'text';
  const name = typeof table === 'string' ? table : table.name;
  return COLUMN_TYPES[name]?.[column] ?? 'text';
}

/** The DuckDB type a declared column takes in the warehouse. */
export function duckType(type: ColumnType): string {
  switch (type) {
    case 'text':
      return 'VARCHAR';
    case 'integer':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamptz':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'json':
      return 'JSON';
    default:
      return type.toUpperCase();
  }
}

/** A column as the source catalog describes it (information_schema.columns). */
export type CatalogColumn = { data_type: string; numeric_precision: number | null; numeric_scale: number | null };

/**
 * Whether a source column of the catalog type `found` loads without loss into the declared type:
 * widening is fine (smallint into integer, varchar into text, numeric(4,1) into decimal(5,2)),
 * narrowing or a change of kind is drift.
 */
export function isCompatible(expected: ColumnType, found: CatalogColumn): boolean {
  const t = found.data_type;
  switch (expected) {
    case 'text':
      return t === 'text' || t === 'character varying' || t === 'character';
    case 'integer':
      return t === 'integer' || t === 'smallint';
    case 'bigint':
      return t === 'bigint' || t === 'integer' || t === 'smallint';
    case 'double':
      return t === 'double precision' || t === 'real' || t === 'integer' || t === 'smallint';
    case 'boolean':
      return t === 'boolean';
    case 'date':
      return t === 'date';
    case 'timestamptz':
      return t === 'timestamp with time zone';
    case 'json':
      return t === 'jsonb' || t === 'json';
    default: {
      const m = /^decimal\((\d+),(\d+)\)$/.exec(expected);
      if (!m || t !== 'numeric' || found.numeric_precision === null || found.numeric_scale === null) return false;
      const [p, s] = [Number(m[1]), Number(m[2])];
      return found.numeric_scale <= s && found.numeric_precision - found.numeric_scale <= p - s;
    }
  }
}

/** The catalog type as a reader would write it: `numeric(5,2)`, `integer`, ... */
export function describeCatalogType(found: CatalogColumn): string {
  if (found.data_type === 'numeric') {
    return found.numeric_precision === null ? 'numeric' : `numeric(${found.numeric_precision},${found.numeric_scale ?? 0})`;
  }
  return found.data_type;
}
