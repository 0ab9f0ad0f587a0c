/**
 * Uniformity ("thống nhất font chữ, quy cách, chuẩn hoá thông tin", seed 001), as validity:
 * text in Unicode NFC, not typed in a legacy encoding (TCVN3, VNI, VIQR), contacts in one
 * format. Personal fields are judged by the flags the ETL computed in the source
 * (`<col>__nfc`, `__legacy`, `__well_formed`); the warehouse's own text columns (school and
 * class names, addresses, school phones) are judged with the same patterns. One rule per table
 * and check (NFC, LEGACY, WELLFORMED: citizen IDs, dates, phones, e-mails); the detail lists the
 * fields at fault, never their values. When a column is bad is models/quality/rules/uniformity.sql.
 */
import { LEGACY_TEXT_PATTERN, WELL_FORMED_PATTERNS, withoutOfficialNames } from '../ingest/index.ts';
import { SOURCE_TABLES } from '../ingest/index.ts';
import { literal } from '../../lib/warehouse.ts';
import type { RecordRule } from './rule.ts';
import { selectPart, type RuleParams } from './rule-files.ts';
import { TABLE_PREFIX, TABLE_VI } from './field-spec.ts';
import { has, type WarehouseColumns } from './warehouse-columns.ts';

/** Copied free-text columns whose encoding is checked in DuckDB. */
export const TEXT_COLUMNS: Readonly<Record<string, string[]>> = {
  truong_hoc: ['ten_truong_hoc', 'dia_chi'],
  diem_truong: ['ten_diem_truong', 'dia_chi'],
  lop_hoc: ['ten_lop_hoc'],
};

/** Personal kinds whose format is checked (names are judged by NFC and legacy encoding). */
const FORMATTED_KINDS = new Set(['phone', 'email', 'citizen_id', 'cmnd', 'date']);

/** Copied contact columns and their format: mobiles have 10 digits, landlines 11. */
export const CONTACT_COLUMNS: Readonly<Record<string, Record<string, string>>> = {
  truong_hoc: { dien_thoai: '^0[0-9]{9,10}$', email: WELL_FORMED_PATTERNS.email },
  diem_truong: { dien_thoai: '^0[0-9]{9,10}$' },
};

/** A pattern of pipelines/ingest/contract/flags.ts (JavaScript / PostgreSQL) in RE2 syntax for DuckDB. */
export function re2(pattern: string): string {
  return pattern.replace(/\\u([0-9A-Fa-f]{4})/g, '\\x{$1}').replace(/'/g, "''");
}

type Check = { column: string; bad: string };

/** The check of one column by a block of uniformity.sql. */
const check = (block: string, column: string, params: RuleParams = {}): Check => ({
  column,
  bad: selectPart('uniformity', block, 'bad', { column, ...params }),
});

/** SQL: the names of the failing columns, comma-separated; null when none fails. */
function faultList(checks: Check[]): string {
  return `nullif(concat_ws(', ', ${checks.map((c) => `case when ${c.bad} then '${c.column}' end`).join(', ')}), '')`;
}

function rule(table: string, suffix: string, checks: Check[], vi: string, en: string, fix: string): RecordRule {
  return {
    kind: 'population',
    id: `${TABLE_PREFIX[table] ?? table.toUpperCase()}-${suffix}`,
    dimension: 'validity',
    family: 'uniformity',
    level: 'record',
    table,
    vi: `${vi} (${TABLE_VI[table] ?? table})`,
    en: `${en} (${table})`,
    population: table,
    fails: checks.map((c) => `(${c.bad})`).join(' or '),
    fields: faultList(checks),
    detail: literal(`${vi}: ${fix}`),
  };
}

/** NFC, legacy-encoding and contact-format rules for every table with text to check. */
export function uniformityRules(columns: WarehouseColumns): RecordRule[] {
  const rules: RecordRule[] = [];
  const legacyRe2 = re2(LEGACY_TEXT_PATTERN);
  for (const t of SOURCE_TABLES) {
    const flagged = (suffix: string) => Object.keys(t.personal).filter((c) => has(columns, t.name, c + suffix));
    const text = (TEXT_COLUMNS[t.name] ?? []).filter((c) => has(columns, t.name, c));
    const nfc: Check[] = [...flagged('__nfc').map((c) => check('personal_not_nfc', c)), ...text.map((c) => check('text_not_nfc', c))];
    const legacy: Check[] = [
      ...flagged('__legacy').map((c) => check('personal_legacy', c)),
      ...text.map((c) => check('text_legacy', c, { pattern: legacyRe2, without_official_names: withoutOfficialNames(c) })),
    ];
    const contact: Check[] = [
      ...flagged('__well_formed')
        .filter((c) => FORMATTED_KINDS.has(t.personal[c]))
        .map((c) => check('personal_malformed', c)),
      ...Object.entries(CONTACT_COLUMNS[t.name] ?? {})
        .filter(([c]) => has(columns, t.name, c))
        .map(([c, pattern]) => check('contact_malformed', c, { pattern: re2(pattern) })),
    ];
    if (nfc.length)
      rules.push(
        rule(
          t.name,
          'NFC',
          nfc,
          'Văn bản không ở dạng Unicode dựng sẵn (NFC), bị tách dấu',
          'Text not in Unicode NFC (decomposed)',
          'gõ lại bằng bộ gõ Unicode dựng sẵn',
        ),
      );
    if (legacy.length)
      rules.push(
        rule(
          t.name,
          'LEGACY',
          legacy,
          'Văn bản gõ bằng bảng mã cũ (TCVN3, VNI, VIQR), lỗi phông chữ',
          'Text typed in a legacy encoding (TCVN3, VNI, VIQR)',
          'gõ lại bằng bảng mã Unicode',
        ),
      );
    if (contact.length) {
      rules.push(
        rule(
          t.name,
          'WELLFORMED',
          contact,
          'Số định danh, ngày, số điện thoại hoặc thư điện tử sai quy cách',
          'Identifier, date, phone number or e-mail address malformed',
          'sửa theo quy cách của từng loại (số định danh đủ chữ số, ngày năm-tháng-ngày, số điện thoại bắt đầu bằng 0, thư điện tử dạng ten@mien)',
        ),
      );
    }
  }
  return rules;
}
