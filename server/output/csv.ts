/**
 * CSV for spreadsheets (RFC 4180): a UTF-8 byte-order mark so Excel reads Vietnamese text
 * correctly, CRLF line ends, and quotes around any field holding a comma, quote or line break
 * (quotes doubled). Nulls are empty fields.
 */

/** The UTF-8 byte-order mark Excel needs to read the file as UTF-8. */
export const BOM = '\uFEFF';

/** One field, quoted when needed. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** One line (with its CRLF). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * A whole document: BOM, header, rows.
 *
 * @example
 *   toCsv(['ma', 'ten'], [{ ma: '01', ten: 'Hà Nội, "thủ đô"' }])
 *   // '\uFEFFma,ten\r\n01,"Hà Nội, ""thủ đô"""\r\n'
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  return BOM + csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => r[c]))).join('');
}
