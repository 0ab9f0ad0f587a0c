/**
 * Opens workbooks in a real spreadsheet program: Debian's LibreOffice Calc, headless, converting
 * every sheet to CSV (raw cell values, not as displayed), read back into rows of text. Each call
 * uses its own LibreOffice profile so that test files may convert at the same time.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** RFC 4180 fields of a CSV text. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Every sheet of `xlsx` as LibreOffice reads it: sheet name -> rows (index 0 is Excel row 1) of cells (index 0 is column A). */
export async function sheetsOf(xlsx: string): Promise<Map<string, string[][]>> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-soffice-'));
  try {
    // 44 comma, 34 quote, 76 UTF-8, from line 1; token 9 false: values, not as shown; -1: every sheet
    await run(
      'soffice',
      [
        `-env:UserInstallation=file://${join(dir, 'profile')}`,
        '--headless',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
        '--outdir',
        join(dir, 'out'),
        xlsx,
      ],
      { timeout: 120_000 },
    );
    const stem = basename(xlsx, '.xlsx');
    const sheets = new Map<string, string[][]>();
    for (const f of readdirSync(join(dir, 'out'))) {
      sheets.set(f.slice(stem.length + 1, -4), parseCsv(readFileSync(join(dir, 'out', f), 'utf8')));
    }
    return sheets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a cell ('E10') of a sheet read by sheetsOf, '' when empty. */
export function cellText(rows: string[][], address: string): string {
  const m = /^([A-Z]+)(\d+)$/.exec(address)!;
  const col = [...m[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return rows[Number(m[2]) - 1]?.[col] ?? '';
}
