/**
 * Writes one of the Ministry's report workbooks (Biểu 01-MN-ĐN, Biểu 02-TH-ĐN) for one unit by
 * filling a copy of its template (data/forms/templates): every style, merge, column width and row
 * height stays the Ministry's. The template's example figures and formulas are blanked first;
 * then each row the warehouse supplies gets its value, or 0, in every column of a supplied split,
 * as a number formatted `#,##0` (Excel in Vietnamese shows 1.234); a row the CSDL cannot supply
 * stays empty and is listed, with the reason, on the sheet `Errors`. The header block names the
 * reporting unit, the unit it reports to and the school year.
 *
 * The file is byte-identical for the same cells: the workbook's dates are the version's, and the
 * zip entries carry a fixed date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { formsDir, isSupplied, type FormsLayout, type FormSpec } from '../../lib/forms-layout.ts';
import type { Shown } from '../../lib/suppression.ts';

/** What the header block says. */
export type WorkbookHeader = {
  /** `Đơn vị báo cáo`, e.g. 'Sở GDĐT tỉnh Lai Châu'. */
  reportingUnit: string;
  /** `Đơn vị nhận báo cáo`, e.g. 'Bộ Giáo dục và Đào tạo'. */
  receivingUnit: string;
  /** The school year, e.g. '2025-2026'. */
  schoolYear: string;
};

/** A filled cell: `${sheet}\u0000${ma_so}\u0000${col_no}` -> value as shown. */
export type FormValues = ReadonlyMap<string, Shown>;

export const cellKey = (sheet: string, maSo: number, colNo: number) => `${sheet}\u0000${maSo}\u0000${colNo}`;

const NUMBER_FORMAT = '#,##0';
/** The zip entries' date: fixed, so the same workbook is the same bytes. */
const ZIP_DATE = new Date(Date.UTC(2020, 0, 1));

/** The sheet `Errors` row of each blank row: sheet, cell range, error, reason. */
function blankRows(layout: FormsLayout, form: FormSpec): Array<[string, string, string, string]> {
  const out: Array<[string, string, string, string]> = [];
  for (const r of layout.rows) {
    if (r.form !== form.form || r.ma_so === null || r.supplied_splits === 'all') continue;
    const cols = layout.columns.filter((c) => c.form === form.form && c.sheet === r.sheet && !isSupplied(r, c.split));
    const range = cols.length ? `${cols[0].excel_col}${r.excel_row}:${cols.at(-1)!.excel_col}${r.excel_row}` : '';
    const error = r.status === 'SPEC' ? 'Chưa có trong nguồn dữ liệu' : r.supplied_splits === 'tong' ? 'Không áp dụng' : 'Không có trong CSDL';
    out.push([r.sheet, range, error, `Mã số ${r.ma_so}: ${r.reason_vi ?? ''}`]);
  }
  for (const n of layout.notes.filter((x) => x.form === form.form)) out.push([n.sheet, n.cell, 'Không có trong CSDL', `${n.label}: ${n.reason_vi}`]);
  return out;
}

/**
 * Fills the template of `form` with `values` and writes it to `path`; returns the number of value
 * cells written (zeros included).
 */
export async function writeFormWorkbook(opts: {
  layout: FormsLayout;
  form: FormSpec;
  values: FormValues;
  header: WorkbookHeader;
  /** The workbook's created and modified dates (the version's). */
  date: Date;
  path: string;
}): Promise<number> {
  const { layout, form, values } = opts;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(formsDir, form.template));
  wb.creator = 'Kho dữ liệu CSDL ngành giáo dục';
  wb.lastModifiedBy = 'Kho dữ liệu CSDL ngành giáo dục';
  wb.created = opts.date;
  wb.modified = opts.date;
  wb.title = `${form.code} ${opts.header.schoolYear}`;

  let written = 0;
  for (const sheetName of form.sheets) {
    const ws = wb.getWorksheet(sheetName);
    if (!ws) throw new Error(`Mẫu biểu ${form.template} không có trang ${sheetName}`);
    const cols = layout.columns.filter((c) => c.form === form.form && c.sheet === sheetName);
    const rows = layout.rows.filter((r) => r.form === form.form && r.sheet === sheetName);
    // the template's formulas (room totals) and example figures go: plain values only
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) cell.value = null;
      }),
    );
    for (const r of rows) {
      for (const c of cols) {
        const cell = ws.getCell(`${c.excel_col}${r.excel_row}`);
        cell.value = null;
        if (r.ma_so === null || !isSupplied(r, c.split)) continue;
        const v = values.get(cellKey(sheetName, r.ma_so, c.col_no)) ?? 0;
        cell.value = v;
        if (typeof v === 'number') cell.numFmt = NUMBER_FORMAT;
        written++;
      }
    }
    ws.views = [{ state: 'normal', activeCell: 'A1', showGridLines: true }];
  }
  for (const n of layout.notes.filter((x) => x.form === form.form)) {
    const ws = wb.getWorksheet(n.sheet);
    if (ws) ws.getCell(n.cell).value = null;
  }

  const first = wb.getWorksheet(form.header_sheet)!;
  first.getCell('B2').value = `Kỳ đầu năm học ${opts.header.schoolYear}`;
  first.getCell('D2').value = opts.header.reportingUnit;
  first.getCell('D4').value = opts.header.receivingUnit;

  const errors = wb.getWorksheet('Errors');
  if (errors) {
    for (const [i, row] of blankRows(layout, form).entries()) errors.getRow(i + 2).values = row;
    errors.getColumn(1).width = 14;
    errors.getColumn(2).width = 12;
    errors.getColumn(3).width = 26;
    errors.getColumn(4).width = 120;
  }
  wb.views = [{ x: 0, y: 0, width: 28800, height: 16000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];

  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  await writeFile(opts.path, await repack(buffer, await readFile(join(formsDir, form.template))));
  return written;
}

/** Sheet name -> its part in the package (xl/workbook.xml and its relationships). */
async function sheetParts(zip: JSZip): Promise<Map<string, string>> {
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const targets = new Map([...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => [/Id="([^"]+)"/.exec(m[0])![1], /Target="([^"]+)"/.exec(m[0])![1]]));
  const parts = new Map<string, string>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])![1].replace(/&amp;/g, '&');
    const target = targets.get(/r:id="([^"]+)"/.exec(m[0])![1])!;
    parts.set(name, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  return parts;
}

/**
 * Re-packs the written workbook: each sheet gets the template's column definitions back (exceljs
 * drops a width of exactly 9, its own default, which the template sets on some columns and which
 * is not the sheet's default), and every entry is dated ZIP_DATE.
 */
async function repack(written: Buffer, template: Buffer): Promise<Buffer> {
  const src = await JSZip.loadAsync(written);
  const tpl = await JSZip.loadAsync(template);
  const tplParts = await sheetParts(tpl);
  const cols = new Map<string, string>();
  for (const [name, part] of await sheetParts(src)) {
    const from = tplParts.get(name);
    const block = from ? /<cols>[\s\S]*?<\/cols>/.exec(await tpl.file(from)!.async('string'))?.[0] : undefined;
    if (block) cols.set(part, block);
  }
  const out = new JSZip();
  for (const name of Object.keys(src.files)) {
    const entry = src.files[name];
    if (entry.dir) continue;
    const block = cols.get(name);
    const content = block ? (await entry.async('string')).replace(/<cols>[\s\S]*?<\/cols>/, block) : await entry.async('uint8array');
    out.file(name, content, { date: ZIP_DATE, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
