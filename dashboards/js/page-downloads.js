// Downloads of a page's tables and charts. A table downloads the rows of the API's own CSV for the
// page's selection (`?format=csv`), which the server suppresses and audits as every file that
// leaves the system: what anyone downloads here is exactly what the API gives out, small cells
// shown as '<10' or 'x'. The file has the page's title and filters above the table and Vietnamese
// headers; the CSV is UTF-8 with a BOM, ';' between fields and vi-VN numbers (1.234.567; 99,7) for
// Excel in Vietnamese; the XLSX keeps numbers as numbers with a thousands format. Charts download
// as SVG and PNG from their vega view.
import { ApiError, formatDate, formatNumber, getKey, todayVi } from './common.js';
import { parseCsv, saveBlob } from './downloads.js';

/** The API's CSV of `path` (the key in a header) as objects by column name. */
async function apiCsv(path) {
  const url = `${path}${path.includes('?') ? '&' : '?'}format=csv`;
  const res = await fetch(url, { headers: getKey() ? { Authorization: `Bearer ${getKey()}` } : {} });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error?.code ?? String(res.status), body.error?.message ?? res.statusText);
  }
  return parseCsv(await res.text());
}

/**
 * A cell of a downloaded table: a number (kind 'int' or 'dec'), a suppressed mark ('<10', 'x'),
 * text, or a date (kind 'date', shown dd/mm/yyyy).
 */
function cell(raw, kind) {
  if (raw === undefined || raw === null || raw === '') return { text: '', value: null };
  if (raw === '<10' || raw === 'x') return { text: raw, value: raw };
  if (kind === 'int' || kind === 'dec') {
    const n = Number(raw);
    if (!Number.isFinite(n)) return { text: raw, value: raw };
    return { text: formatNumber(n, kind === 'int' ? 0 : 1), value: n, kind };
  }
  if (kind === 'date') return { text: formatDate(raw), value: formatDate(raw) };
  return { text: String(raw), value: String(raw) };
}

/**
 * A table to download: `columns` [{ key, header, kind (or a function of the row), get? }] over the API's CSV rows of `path`
 * (or the rows `source` when the table holds no counts to suppress),
 * `title` and `filters` [[label, value]] written above it.
 */
async function tableOf({ path, source: given, columns, rows: shape }) {
  // a table that holds no counts (the sign-off page's) comes from the answer the page drew
  const source = given ?? (await apiCsv(path));
  const kindOf = (c, r) => (typeof c.kind === 'function' ? c.kind(r) : c.kind);
  const rows = (shape ? shape(source) : source).map((r) => columns.map((c) => cell(c.get ? c.get(r) : r[c.key], kindOf(c, r))));
  return { headers: columns.map((c) => c.header), rows };
}

/** What every downloaded table says about its small cells, under its filters. */
const SUPPRESSION = ['Che số liệu nhỏ', 'số từ 1 đến 9 hiện là <10, ẩn thứ cấp là x (như tệp CSV của API)'];

function csvField(text) {
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV for Excel in Vietnamese: BOM, title and filters, a blank line, then the table. */
export function vietnameseCsv({ title, filters }, table) {
  const lines = [
    [title],
    ...filters.map(([k, v]) => [k, v]),
    ['Ngày tải', todayVi()],
    SUPPRESSION,
    [],
    table.headers,
    ...table.rows.map((r) => r.map((c) => c.text)),
  ];
  return '\uFEFF' + lines.map((l) => l.map((f) => csvField(String(f))).join(';')).join('\r\n') + '\r\n';
}

const xml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const colName = (i) => (i < 26 ? String.fromCharCode(65 + i) : colName(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));

/** The worksheet XML: title and filters above the table, headers bold, numbers typed with formats. */
function sheetXml({ title, filters }, table) {
  const rows = [];
  const text = (ref, s, style = 0) => `<c r="${ref}" t="inlineStr"${style ? ` s="${style}"` : ''}><is><t xml:space="preserve">${xml(s)}</t></is></c>`;
  const add = (cells) => rows.push(`<row r="${rows.length + 1}">${cells.map((c, i) => c(`${colName(i)}${rows.length + 1}`)).join('')}</row>`);
  add([(r) => text(r, title, 1)]);
  for (const [k, v] of [...filters, ['Ngày tải', todayVi()], SUPPRESSION]) add([(r) => text(r, k, 1), (r) => text(r, v)]);
  add([]);
  add(table.headers.map((h) => (r) => text(r, h, 1)));
  for (const row of table.rows) {
    add(
      row.map((c) => (r) => {
        if (typeof c.value === 'number') return `<c r="${r}" s="${c.kind === 'int' ? 2 : 3}"><v>${c.value}</v></c>`;
        return c.value === null ? `<c r="${r}"/>` : text(r, c.value);
      }),
    );
  }
  const widths = table.headers.map((h, i) => Math.min(60, Math.max(h.length, ...table.rows.map((r) => r[i].text.length)) + 2));
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
    `<sheetData>${rows.join('')}</sheetData></worksheet>`
  );
}

const STYLES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.0"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '</styleSheet>';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP of `files` [[name, text]], stored without compression (an XLSX is such a ZIP). */
function zip(files) {
  const enc = new TextEncoder();
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of files) {
    const nameBytes = enc.encode(name);
    const data = enc.encode(text);
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    [
      [0, 0x04034b50, 4],
      [4, 20, 2],
      [6, 0x0800, 2],
      [8, 0, 2],
      [10, 0, 2],
      [12, 0x21, 2],
      [14, crc, 4],
      [18, data.length, 4],
      [22, data.length, 4],
      [26, nameBytes.length, 2],
      [28, 0, 2],
    ].forEach(([at, v, size]) => (size === 4 ? local.setUint32(at, v, true) : local.setUint16(at, v, true)));
    const dir = new DataView(new ArrayBuffer(46));
    [
      [0, 0x02014b50, 4],
      [4, 20, 2],
      [6, 20, 2],
      [8, 0x0800, 2],
      [10, 0, 2],
      [12, 0, 2],
      [14, 0x21, 2],
      [16, crc, 4],
      [20, data.length, 4],
      [24, data.length, 4],
      [28, nameBytes.length, 2],
      [30, 0, 2],
      [32, 0, 2],
      [34, 0, 2],
      [36, 0, 2],
      [38, 0, 4],
      [42, offset, 4],
    ].forEach(([at, v, size]) => (size === 4 ? dir.setUint32(at, v, true) : dir.setUint16(at, v, true)));
    parts.push(new Uint8Array(local.buffer), nameBytes, data);
    central.push(new Uint8Array(dir.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const size = central.reduce((a, p) => a + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, new Uint8Array(end.buffer)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** The XLSX of a table with its title and filters above it, on one sheet named `sheet`. */
export function vietnameseXlsx(about, table, sheet = 'Số liệu') {
  const name = xml(sheet.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31));
  return zip([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ],
    [
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
        `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    [
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    ],
    ['xl/styles.xml', STYLES],
    ['xl/worksheets/sheet1.xml', sheetXml(about, table)],
  ]);
}

/**
 * Downloads a table as CSV or XLSX: `spec` gives the API path of the selection, the columns and
 * how to shape the rows; `about` the title, filters and file name (without extension).
 */
export async function downloadTable(format, spec, about) {
  const table = await tableOf(spec);
  if (format === 'csv') saveBlob(new Blob([vietnameseCsv(about, table)], { type: 'text/csv;charset=utf-8' }), `${about.file}.csv`);
  else saveBlob(vietnameseXlsx(about, table, about.sheet), `${about.file}.xlsx`);
}

/** Downloads a chart's vega view as SVG or PNG (twice the screen's resolution). */
export async function downloadChart(format, view, file) {
  if (format === 'svg') saveBlob(new Blob([await view.toSVG()], { type: 'image/svg+xml' }), `${file}.svg`);
  else saveBlob(await (await fetch(await view.toImageURL('png', 2))).blob(), `${file}.png`);
}

/** A file name part from a unit key or period: 'C:20194@2025' -> 'C_20194_2025'. */
export function filePart(s) {
  return String(s).replace(/[^\p{L}\p{N}-]+/gu, '_');
}

/**
 * The download buttons of a table or chart, in `container`: [label, handler] pairs; a failure
 * shows in the page's status line through `onError`.
 */
export function downloadButtons(container, buttons, onError) {
  container.classList.add('download-bar');
  container.innerHTML = '';
  for (const [label, format, run] of buttons) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small';
    b.textContent = label;
    b.dataset.format = format;
    b.addEventListener('click', () => run().catch(onError));
    container.append(b);
  }
}
