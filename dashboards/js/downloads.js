// Downloads of any table or chart of a page, reusable by every page:
// - CSV for Excel: UTF-8 with BOM, CRLF, the page's filters written above the table, Vietnamese
//   headers, numbers the vi-VN way (1.234.567 and 99,7); '<10' and 'x' of suppressed cells as they are;
// - XLSX (exceljs, loaded on the first workbook only): the same filters and headers, figures as
//   numbers with a thousands format, suppressed cells as text;
// - a chart (a vega view) as PNG or SVG.
// A table is { title, filters: [[label, value]], columns: [{ key, label, digits? }], rows: [{...}] };
// a column with `digits` holds figures.
//
// Usage:
//   import { downloadButtons } from './downloads.js';
//   downloadButtons(el, { name: 'chi-so-LRN', table: async () => table, view: () => vegaView });

/** The UTF-8 byte-order mark Excel needs to read the file as UTF-8. */
const BOM = '\uFEFF';

const formats = new Map();
/** A figure the vi-VN way with `digits` decimals; text ('<10', 'x') as it is; null as empty. */
export function viNumber(value, digits = 0) {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value !== 'number') return String(value);
  if (!formats.has(digits)) formats.set(digits, new Intl.NumberFormat('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return formats.get(digits).format(value);
}

/** A figure from a machine CSV field: a number when it reads as one, else the text ('<10', 'x', ''). */
export function figure(text) {
  if (text === '' || text === null || text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) && /^-?\d/.test(String(text)) ? n : text;
}

/** Today as dd/mm/yyyy. */
export function today() {
  return new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date());
}

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n;]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of a table (with BOM). */
export function tableCsv(table) {
  const lines = [[table.title], ...table.filters.map(([k, v]) => [k, v]), [], table.columns.map((c) => c.label)];
  for (const row of table.rows) lines.push(table.columns.map((c) => (c.digits === undefined ? (row[c.key] ?? '') : viNumber(row[c.key], c.digits))));
  return BOM + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 records of a CSV text (BOM and CRLF), as objects by the header line. */
export function parseCsv(text) {
  const src = text.startsWith(BOM) ? text.slice(1) : text;
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  const [header = [], ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** Saves a Blob under `filename` through a temporary link. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(table, name) {
  saveBlob(new Blob([tableCsv(table)], { type: 'text/csv;charset=utf-8' }), `${name}.csv`);
}

let excel = null;
/** exceljs's browser build, loaded once. */
function loadExcel() {
  excel ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/exceljs.min.js';
    s.onload = () => resolve(window.ExcelJS);
    s.onerror = () => reject(new Error('Không tải được thư viện Excel (/vendor/exceljs.min.js)'));
    document.head.append(s);
  });
  return excel;
}

/** The XLSX workbook of a table, as a Blob. */
export async function tableXlsx(table) {
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Số liệu');
  ws.addRow([table.title]).font = { bold: true, size: 13 };
  for (const [k, v] of table.filters) ws.addRow([k, v]);
  ws.addRow([]);
  const head = ws.addRow(table.columns.map((c) => c.label));
  head.font = { bold: true };
  for (const row of table.rows) {
    const r = ws.addRow(table.columns.map((c) => row[c.key] ?? null));
    table.columns.forEach((c, i) => {
      if (c.digits !== undefined && typeof row[c.key] === 'number') r.getCell(i + 1).numFmt = c.digits ? `#,##0.${'0'.repeat(c.digits)}` : '#,##0';
    });
  }
  table.columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.digits === undefined ? Math.min(48, Math.max(12, c.label.length + 4)) : 14;
  });
  const buffer = await wb.xlsx.writeBuffer();
  return new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

export async function downloadXlsx(table, name) {
  saveBlob(await tableXlsx(table), `${name}.xlsx`);
}

/** A vega view as PNG (twice the screen's pixels) or SVG. */
export async function downloadChart(view, name, type) {
  const url = await view.toImageURL(type, type === 'png' ? 2 : 1);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.${type}`;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Puts the download buttons of one table or chart into `el`: CSV and Excel when `table` is given
 * (a function returning the table, possibly async), PNG and SVG when `view` is (a function
 * returning the current vega view). `name()` or `name` is the file name without extension.
 * `onError` receives a failure's message.
 */
export function downloadButtons(el, { name, table, view, onError = (m) => console.warn(m) }) {
  const fileName = () => (typeof name === 'function' ? name() : name);
  const buttons = [];
  if (table) {
    buttons.push(['csv', 'CSV', 'Tải bảng CSV (UTF-8, mở bằng Excel)', async () => downloadCsv(await table(), fileName())]);
    buttons.push(['xlsx', 'Excel', 'Tải bảng Excel (.xlsx)', async () => downloadXlsx(await table(), fileName())]);
  }
  if (view) {
    buttons.push(['png', 'PNG', 'Tải biểu đồ dạng ảnh PNG', () => downloadChart(view(), fileName(), 'png')]);
    buttons.push(['svg', 'SVG', 'Tải biểu đồ dạng SVG', () => downloadChart(view(), fileName(), 'svg')]);
  }
  el.classList.add('downloads');
  el.innerHTML = '';
  for (const [kind, label, title, run] of buttons) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small';
    b.dataset.download = kind;
    b.textContent = `⤓ ${label}`;
    b.title = title;
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await run();
      } catch (e) {
        onError(`Không tải được ${label}: ${e.message}`);
      } finally {
        b.disabled = false;
      }
    });
    el.append(b);
  }
}
