/**
 * The layout of the Ministry's start-of-year report forms (data/forms/layout.json, see its
 * README): every row of each data sheet with its Mã số and status, the value columns, and the
 * templates the workbooks are filled from. Read by the transform (input.form_layout), the export
 * writer and the approval diff; validated once, so a broken file stops with every problem named.
 *
 * @example
 *   const layout = loadFormsLayout();
 *   layout.rows.filter((r) => r.form === 'bieu-02-th-dn' && r.sheet === 'I' && r.ma_so !== null);
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CsdlError } from './errors.ts';

/** zod's own messages in Vietnamese (the schema gives none of its own). */
const VI_MESSAGES = z.locales.vi().localeError;

export const formsDir = fileURLToPath(new URL('../data/forms/', import.meta.url));

const status = z.enum(['CORE', 'STAGING', 'SPEC', 'NONE']);

const row = z.strictObject({
  form: z.string(),
  sheet: z.string(),
  excel_row: z.number().int().positive(),
  /** TT as the template writes it: text ('1.1.', '4.1.2.1 ') or a number (1, 1.3). */
  tt: z.union([z.string(), z.number()]).nullable(),
  /** The label byte for byte, leading and trailing spaces included. */
  label: z.string(),
  unit: z.string().nullable(),
  ma_so: z.number().int().positive().nullable(),
  bold: z.boolean(),
  ma_so_cell_type: z.enum(['number', 'text']).optional(),
  status: status.optional(),
  approximate: z.boolean().optional(),
  definition: z.string().optional(),
  /** all: every split of the sheet; tong: the Tổng số split only; none: the row stays blank. */
  supplied_splits: z.enum(['all', 'tong', 'none']).optional(),
  /** Why the row (or the splits not supplied) stays blank, Vietnamese then English. */
  reason_vi: z.string().optional(),
});

const column = z.strictObject({
  form: z.string(),
  sheet: z.string(),
  col_no: z.number().int().positive(),
  excel_col: z.string().regex(/^[A-Z]{1,2}$/),
  /** Ownership block (tong, cong_lap, tu_thuc, dan_lap); null on the budget sheet. */
  block: z.string().nullable(),
  split: z.string(),
  header: z.string(),
});

const form = z.strictObject({
  form: z.string(),
  code: z.string(),
  title: z.string(),
  level: z.string(),
  template: z.string(),
  sheets: z.array(z.string()).min(1),
  header_sheet: z.string(),
});

const note = z.strictObject({ form: z.string(), sheet: z.string(), cell: z.string(), label: z.string(), status, reason_vi: z.string() });

const layoutSchema = z.strictObject({
  source: z.string(),
  forms: z.array(form).min(1),
  rows: z.array(row).min(1),
  columns: z.array(column).min(1),
  notes: z.array(note),
});

export type FormsLayout = z.infer<typeof layoutSchema>;
export type FormRow = z.infer<typeof row>;
export type FormSpec = z.infer<typeof form>;

const cache = new Map<string, FormsLayout>();

/** Reads and validates the layout (cached per path); throws naming every problem. */
export function loadFormsLayout(path = formsDir + 'layout.json'): FormsLayout {
  const hit = cache.get(path);
  if (hit) return hit;
  const parsed = layoutSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')), { error: VI_MESSAGES });
  if (!parsed.success) {
    throw new CsdlError(
      'FORMS_LAYOUT_INVALID',
      `Bố cục biểu mẫu ${path} không hợp lệ:\n${parsed.error.issues.map((i) => `  - [${i.path.join('.')}] ${i.message}`).join('\n')}`,
    );
  }
  const layout = parsed.data;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of layout.rows) {
    if (r.ma_so === null) continue;
    const key = `${r.form}/${r.sheet}/${r.ma_so}`;
    if (seen.has(key)) problems.push(`Mã số ${r.ma_so} xuất hiện hai lần trên biểu ${r.form} trang ${r.sheet}`);
    seen.add(key);
    if (!r.status || !r.supplied_splits) problems.push(`${key}: dòng có Mã số cần có status và supplied_splits`);
    if (r.supplied_splits !== 'all' && !r.reason_vi) problems.push(`${key}: dòng để trống (toàn bộ hoặc một phần) cần có reason_vi`);
  }
  if (problems.length) throw new CsdlError('FORMS_LAYOUT_INVALID', `Bố cục biểu mẫu ${path} không hợp lệ:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  cache.set(path, layout);
  return layout;
}

/** Whether the warehouse supplies a row's value in a column of the given split. */
export function isSupplied(r: Pick<FormRow, 'supplied_splits'>, split: string): boolean {
  return r.supplied_splits === 'all' || (r.supplied_splits === 'tong' && split === 'tong');
}
