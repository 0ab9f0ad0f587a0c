/**
 * The workbook (XLSX) of everything a unit's schools must fix, written by exceljs's streaming
 * writer so that a province's list never sits whole in memory:
 *   Hướng dẫn   what the workbook holds and how a school finds a record in its own software;
 *   Tóm tắt     one row per school: records to fix, findings, overall score and band;
 *   Cần sửa     one row per failing record and rule (school, record key, source id, class,
 *               grade, rule, fields, explanation), with a filter on every column and the header
 *               frozen; a list longer than a sheet holds continues on 'Cần sửa (2)', ...
 * No personal value is written: records are named by their source id and pseudonym.
 */
import ExcelJS from 'exceljs';
import type { Row } from '../db/read-rows.ts';

/** Rows of a sheet, the header included (Excel's limit). */
const SHEET_ROWS = 1_048_576;

const KIND_VI: Readonly<Record<string, string>> = {
  hoc_sinh: 'Học sinh',
  can_bo: 'Cán bộ',
  lop_hoc: 'Lớp học',
  truong_hoc: 'Trường học',
  diem_truong: 'Điểm trường',
  phong_hoc: 'Phòng học',
  hoc_sinh_trang_thai: 'Thay đổi trạng thái',
};

const DIMENSION_VI: Readonly<Record<string, string>> = {
  completeness: 'Đầy đủ',
  validity: 'Hợp lệ',
  uniqueness: 'Duy nhất',
  consistency: 'Nhất quán',
  timeliness: 'Kịp thời',
};

/** The columns of the sheet 'Cần sửa': header, width, and the value of a failure row. */
const COLUMNS: Array<{ header: string; width: number; value: (r: Row) => string | number | null }> = [
  { header: 'Mã trường', width: 12, value: (r) => r.unit_code as string },
  { header: 'Tên trường', width: 32, value: (r) => r.school_name as string | null },
  { header: 'Mã bản ghi', width: 20, value: (r) => r.record_key as string },
  { header: 'ID trong CSDL', width: 12, value: (r) => (r.record_id === null ? null : Number(r.record_id)) },
  { header: 'Loại bản ghi', width: 14, value: (r) => KIND_VI[String(r.record_kind)] ?? (r.record_kind as string) },
  { header: 'Mã giả danh', width: 34, value: (r) => r.pseudonym as string | null },
  { header: 'Mã lớp', width: 16, value: (r) => r.class_code as string | null },
  { header: 'Tên lớp', width: 10, value: (r) => r.class_name as string | null },
  { header: 'Khối', width: 6, value: (r) => (r.grade === null || r.grade === undefined ? null : Number(r.grade)) },
  { header: 'Quy tắc', width: 26, value: (r) => r.rule_id as string },
  { header: 'Mô tả quy tắc', width: 48, value: (r) => r.description_vi as string },
  { header: 'Tiêu chí', width: 11, value: (r) => DIMENSION_VI[String(r.dimension)] ?? (r.dimension as string) },
  { header: 'Trường dữ liệu', width: 22, value: (r) => r.fields as string | null },
  { header: 'Giải thích', width: 60, value: (r) => r.detail as string | null },
  { header: 'Bản ghi liên quan', width: 20, value: (r) => r.related_record_key as string | null },
  { header: 'Trường của bản ghi liên quan', width: 14, value: (r) => r.related_unit as string | null },
];

/** What the guide sheet says about the workbook's unit and period. */
export type WorkbookHeading = { unitName: string; unitKey: string; periodName: string; rule?: string; generatedAt: Date };

function guide(wb: ExcelJS.stream.xlsx.WorkbookWriter, h: WorkbookHeading): void {
  const ws = wb.addWorksheet('Hướng dẫn');
  ws.getColumn(1).width = 110;
  const lines = [
    `Danh sách bản ghi cần sửa · ${h.unitName} (${h.unitKey}) · ${h.periodName}${h.rule ? ` · quy tắc ${h.rule}` : ''}`,
    `Lập lúc ${h.generatedAt.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })} từ kho dữ liệu ngành giáo dục.`,
    '',
    'Sheet "Tóm tắt": mỗi trường một dòng: số bản ghi cần sửa, số lỗi, điểm chất lượng tổng hợp và xếp loại.',
    'Sheet "Cần sửa": mỗi dòng là một bản ghi không đạt một quy tắc; dùng nút lọc ở dòng tiêu đề để chọn trường, lớp, quy tắc.',
    '',
    'Cách tìm bản ghi trong phần mềm quản lý của trường:',
    '  - "Mã bản ghi" có dạng <loại>:<ID>, ví dụ hoc_sinh:12345; "ID trong CSDL" là ID của bản ghi trên CSDL ngành,',
    '    chính là ID mà CSDL trả về khi phần mềm của trường đẩy bản ghi lên (phần mềm lưu ID này cùng mã của mình).',
    '  - Với học sinh và lớp học: mở lớp ("Mã lớp", "Tên lớp", "Khối") của kỳ báo cáo (đầu năm: lớp đầu năm; cuối năm: lớp cuối năm)',
    '    rồi tìm học sinh theo ID, hoặc theo trường dữ liệu và giải thích ghi ở dòng đó.',
    '  - "Mã giả danh" là mã đã mã hoá của học sinh hoặc cán bộ, không chứa thông tin cá nhân; dùng để đối chiếu khi Sở hoặc Phòng hỏi lại.',
    '  - "Bản ghi liên quan": với lỗi trùng lặp, bản ghi cùng nhóm (có thể ở trường khác); cả hai trường cùng kiểm tra để giữ một bản ghi đúng.',
    '',
    'Tệp không chứa họ tên, ngày sinh, số định danh hay giá trị cá nhân nào.',
  ];
  for (const [i, line] of lines.entries()) {
    const row = ws.addRow([line]);
    if (i === 0) row.font = { bold: true, size: 13 };
    row.commit();
  }
  ws.commit();
}

function summary(wb: ExcelJS.stream.xlsx.WorkbookWriter, schools: readonly Row[], bandLabel: (band: string | null) => string): void {
  const ws = wb.addWorksheet('Tóm tắt', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'Mã trường', width: 12 },
    { header: 'Tên trường', width: 36 },
    { header: 'Bản ghi cần sửa', width: 16 },
    { header: 'Số lỗi', width: 10 },
    { header: 'Điểm tổng hợp', width: 14 },
    { header: 'Xếp loại', width: 16 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const s of schools) {
    const row = ws.addRow([
      s.unit_code,
      s.school_name,
      Number(s.records_to_fix),
      Number(s.findings),
      s.score === null ? null : Math.floor(Number(s.score) * 10) / 10,
      bandLabel(s.band as string | null),
    ]);
    row.getCell(5).numFmt = '0.0';
    row.commit();
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, schools.length + 1), column: 6 } };
  ws.commit();
}

/**
 * Writes the workbook to `path` from `batches` of failure rows (failures.queries.ts, in order)
 * and the per-school `schools`; returns the number of failure rows written.
 */
export async function writeFailuresWorkbook(
  path: string,
  heading: WorkbookHeading,
  schools: readonly Row[],
  batches: AsyncIterable<Row[]>,
  bandLabel: (band: string | null) => string,
): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'Kho dữ liệu ngành giáo dục';
  wb.created = heading.generatedAt;
  guide(wb, heading);
  summary(wb, schools, bandLabel);
  let sheet: ExcelJS.Worksheet | undefined;
  let sheets = 0;
  let inSheet = 0;
  let written = 0;
  const close = () => {
    if (!sheet) return;
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: inSheet + 1, column: COLUMNS.length } };
    sheet.commit();
  };
  const open = () => {
    close();
    sheets += 1;
    sheet = wb.addWorksheet(sheets === 1 ? 'Cần sửa' : `Cần sửa (${sheets})`, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    inSheet = 0;
  };
  open();
  for await (const batch of batches) {
    for (const r of batch) {
      if (inSheet + 1 >= SHEET_ROWS) open();
      sheet!.addRow(COLUMNS.map((c) => c.value(r))).commit();
      inSheet += 1;
      written += 1;
    }
  }
  close();
  await wb.commit();
  return written;
}
