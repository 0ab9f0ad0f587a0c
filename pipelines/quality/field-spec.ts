/**
 * The Ministry's field specification (data/reference/field-spec.json) as the quality rules read
 * it: which fields each CSDL object requires, always or under a condition, and which code list
 * each field takes its values from. Rules are derived from it, never listed by hand.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type SpecField = {
  field: string;
  column: string;
  type: string | null;
  required: 'always' | 'conditional' | 'optional' | 'dropped';
  condition: string | null;
  meaning: string;
  code_list: string | null;
  values_text: string | null;
};

/** A CSDL object of the spec and the warehouse table holding it, with its rule-id prefix. */
export type SpecObject = { object: string; table: string; prefix: string; vi: string; en: string };

export const SPEC_OBJECTS: readonly SpecObject[] = [
  { object: 'TruongHocInfo', table: 'truong_hoc', prefix: 'TH', vi: 'trường học', en: 'school' },
  { object: 'LstDiemTruongInfo', table: 'diem_truong', prefix: 'DT', vi: 'điểm trường', en: 'satellite site' },
  { object: 'LstLopHocInfo', table: 'lop_hoc', prefix: 'LH', vi: 'lớp học', en: 'class' },
  { object: 'LstHocSinh', table: 'hoc_sinh', prefix: 'HS', vi: 'học sinh', en: 'learner' },
  { object: 'LstCanBo', table: 'can_bo', prefix: 'CB', vi: 'cán bộ', en: 'staff member' },
];

/** Rule-id prefix of a warehouse table ('hoc_sinh' -> 'HS'); tables outside the spec get their own. */
export const TABLE_PREFIX: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SPEC_OBJECTS.map((o) => [o.table, o.prefix])),
  phong_hoc: 'PH',
  hoc_sinh_trang_thai: 'TT',
};

/** Vietnamese name of the records of a table, for rule descriptions. */
export const TABLE_VI: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SPEC_OBJECTS.map((o) => [o.table, o.vi])),
  phong_hoc: 'phòng học',
  hoc_sinh_trang_thai: 'thay đổi trạng thái học sinh',
};

/** Push-API transport fields that are not data (the CSDL assigns them). */
export const TRANSPORT_FIELDS: ReadonlySet<string> = new Set(['client_id']);

let cached: Record<string, SpecField[]> | undefined;

/** The spec's fields per object, as shipped. */
export function loadFieldSpec(): Record<string, SpecField[]> {
  cached ??= JSON.parse(readFileSync(fileURLToPath(new URL('../../data/reference/field-spec.json', import.meta.url)), 'utf8'));
  return cached!;
}

/** The spec fields of one object, transport fields excluded, first occurrence of a column only. */
export function specFields(object: string): SpecField[] {
  const seen = new Set<string>();
  return (loadFieldSpec()[object] ?? []).filter((f) => !TRANSPORT_FIELDS.has(f.column) && !seen.has(f.column) && seen.add(f.column));
}

/** Vietnamese names of fields whose spec meaning starts with a condition or a list rather than a name. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  ngay_trang_thai: 'Ngày trạng thái',
  ma_ly_do_thoi_hoc: 'Lý do thôi học',
  ma_hoc_ban_tru: 'Hình thức học bán trú',
  noi_chuyen_di: 'Nơi chuyển đi',
  ma_he_chuyen: 'Hệ chuyên',
  ma_lop_ghep: 'Mã lớp ghép',
  ma_nhom_tuoi_mn: 'Nhóm tuổi mầm non',
  ma_lop_hoc_dn: 'Lớp đầu năm',
  ma_lop_hoc_cn: 'Lớp cuối năm',
  ma_loai_khuyet_tat: 'Loại khuyết tật',
};

/**
 * The short Vietnamese name of a spec field, as a school reads it in a finding: its meaning up to
 * the first explanation ('Ngày sinh (vd: ...)' -> 'Ngày sinh'), or a stated name.
 *
 * @example
 *   fieldName({ column: 'khoi_hoc', meaning: 'Khối học: 1,2,3,…12', ... }); // 'Khối học'
 */
export function fieldName(f: Pick<SpecField, 'column' | 'field' | 'meaning'>): string {
  if (FIELD_NAMES[f.column]) return FIELD_NAMES[f.column];
  const short = f.meaning
    .replace(/^(\([^)]*\)\s*)+/, '')
    .split(/\s+\(|:|\.\s|\?/)[0]
    .trim();
  return short && !/^(Theo|DM_|Nếu)/i.test(short) ? short : f.field;
}
