/**
 * Downloads from the quality and school pages in a real headless Chromium against the real
 * server: the ranking and the school's indicators as CSV (UTF-8 with BOM, ';', vi-VN numbers, the
 * page's title and filters above the table) and XLSX (read back by LibreOffice Calc), each equal
 * to the API's own CSV of the same selection, small cells suppressed exactly as there; the charts
 * as PNG and SVG.
 * @module-tag browser
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, sheetsOf } from '../support/libreoffice.ts';
import { buildFixtureWarehouse } from '../server/support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from '../server/support/test-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

/** Fields of a CSV with ';' between them (quotes as RFC 4180). */
function parseSemicolons(text: string): string[][] {
  return parseCsv(
    text
      .split(/\r\n/)
      .map((line) => {
        // re-separate by ';' outside quotes, then write as ',' CSV for the shared parser
        const out: string[] = [];
        let field = '';
        let quoted = false;
        for (let i = 0; i < line.length; i++) {
          const ch = line[i];
          if (ch === '"') quoted = !quoted;
          if (ch === ';' && !quoted) {
            out.push(field);
            field = '';
          } else field += ch;
        }
        out.push(field);
        return out.map((f) => (f.startsWith('"') ? f : /[,"]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
      })
      .join('\n'),
  ).filter((r) => r.length > 0);
}

const vi = (n: number, digits: number) => new Intl.NumberFormat('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const floor1 = (v: string) => Math.floor(Number(v) * 10 + 1e-9) / 10;

async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const file = `/tmp/csdl-download-${process.pid}-${d.suggestedFilename()}`;
  await d.saveAs(file);
  const bytes = readFileSync(file);
  rmSync(file, { force: true });
  return { name: d.suggestedFilename(), bytes };
}

describe('downloads of the quality and school pages', () => {
  let s: TestServer;
  let b: TestBrowser;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  /** The API's CSV of a path as objects by column. */
  async function apiCsv(path: string, key: string): Promise<Array<Record<string, string>>> {
    const r = await s.get(`${path}&format=csv`, key);
    expect(r.status).toBe(200);
    const [header, ...rows] = parseCsv(r.text.replace(/^\uFEFF/, '')).filter((x) => x.length > 1);
    return rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]])));
  }

  it('downloads the ranking as CSV for Excel: BOM, title and filters above, the API’s figures in vi-VN', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|C:20194@2025');
    const { name, bytes } = await download(page, '#ranking-downloads button[data-format="csv"]');
    expect(name).toBe('xep-hang-chat-luong-2025-DN-C_20194_2025.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseSemicolons(bytes.toString('utf8').slice(1));
    expect(rows[0]).toEqual(['Xếp hạng chất lượng dữ liệu · Phường Hải Châu']);
    expect(rows[1]).toEqual(['Đơn vị', 'Phường Hải Châu (C:20194@2025)']);
    expect(rows[2]).toEqual(['Kỳ báo cáo', 'Đầu năm 2025-2026']);
    expect(rows.find((r) => r[0] === 'Che số liệu nhỏ')?.[1]).toContain('<10');
    const head = rows.findIndex((r) => r[0] === 'Hạng');
    expect(rows[head]).toEqual([
      'Hạng',
      'Số đơn vị được xếp hạng',
      'Đơn vị',
      'Mã đơn vị',
      'Điểm tổng hợp',
      'Xếp loại',
      'Bản ghi được kiểm tra',
      'Bản ghi cần sửa',
      'So với kỳ trước',
      'Đầy đủ',
      'Hợp lệ',
      'Duy nhất',
      'Nhất quán',
      'Kịp thời',
      'Hạn báo cáo',
      'Tình trạng',
    ]);
    const api = (await apiCsv('/api/quality/scores?period=2025-DN&unit=C:20194@2025', s.keys.communeAdmin)).filter((r) => r.score !== '');
    const data = rows.slice(head + 1);
    expect(data).toHaveLength(api.length);
    api.forEach((a, i) => {
      const got = data[i];
      expect(got[0]).toBe(String(i + 1));
      expect(got[2]).toBe(a.unit_name);
      expect(got[4]).toBe(vi(floor1(a.score), 1));
      // counts as the API's CSV gives them: a hidden count stays hidden ('<10' or 'x')
      for (const [col, at] of [
        ['checked', 6],
        ['failed', 7],
      ] as const) {
        expect(got[at]).toBe(/^\d+$/.test(a[col]) ? vi(Number(a[col]), 0) : a[col]);
      }
      expect(got[10]).toBe(a.validity === '' ? '' : vi(floor1(a.validity), 1));
      expect(got[14]).toBe('31/10/2025');
    });
    expect(data[0][2]).toBe('Trường THCS Nguyễn Huệ, "cơ sở 2"');
    expect(data[0][4]).toBe('62,5');
    // T1 has 7 records checked: fewer than 10, suppressed in every file that leaves the system
    expect(data[1][6]).toBe('<10');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('downloads the ranking as XLSX with Vietnamese headers and typed numbers (read by LibreOffice)', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|C:20194@2025');
    const { name, bytes } = await download(page, '#ranking-downloads button[data-format="xlsx"]');
    expect(name).toBe('xep-hang-chat-luong-2025-DN-C_20194_2025.xlsx');
    const file = `/tmp/csdl-download-${process.pid}.xlsx`;
    (await import('node:fs')).writeFileSync(file, bytes);
    const sheets = await sheetsOf(file);
    rmSync(file, { force: true });
    const sheet = sheets.get('Xếp hạng')!;
    expect(sheet[0][0]).toBe('Xếp hạng chất lượng dữ liệu · Phường Hải Châu');
    expect(sheet[1].slice(0, 2)).toEqual(['Đơn vị', 'Phường Hải Châu (C:20194@2025)']);
    const head = sheet.findIndex((r) => r[0] === 'Hạng');
    expect(sheet[head].slice(0, 5)).toEqual(['Hạng', 'Số đơn vị được xếp hạng', 'Đơn vị', 'Mã đơn vị', 'Điểm tổng hợp']);
    const api = (await apiCsv('/api/quality/scores?period=2025-DN&unit=C:20194@2025', s.keys.communeAdmin)).filter((r) => r.score !== '');
    api.forEach((a, i) => {
      const row = sheet[head + 1 + i];
      expect(row[2]).toBe(a.unit_name);
      expect(Number(row[4])).toBe(floor1(a.score));
      expect(row[6]).toBe(a.checked);
    });
  });

  it('downloads the charts as PNG and SVG', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|C:20194@2025');
    const png = await download(page, '#overall-chart-downloads button[data-format="png"]');
    expect(png.name).toBe('bieu-do-diem-tong-hop-2025-DN-C_20194_2025.png');
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = await download(page, '#dimension-chart-downloads button[data-format="svg"]');
    expect(svg.name).toBe('bieu-do-diem-tieu-chi-2025-DN-C_20194_2025.svg');
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg/);
    expect(text).toContain('Trường Tiểu học Lê Lợi');
  });

  it("downloads a school's indicators suppressed as the API's CSV, and its rules chart", async () => {
    const page = await b.open(`${s.url}/dashboards/school.html#key=${s.keys.school1}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN|S:T1@2025');
    // the page shows the school its own exact figure
    expect(await page.locator('#indicators tbody').innerText()).toMatch(/Số học sinh\s+5\b/);
    const { name, bytes } = await download(page, '#indicators-downloads button[data-format="csv"]');
    expect(name).toBe('chi-so-truong-2025-DN-S_T1_2025.csv');
    const rows = parseSemicolons(bytes.toString('utf8').slice(1));
    expect(rows[1]).toEqual(['Đơn vị', 'Trường Tiểu học Lê Lợi (mã T1)']);
    const head = rows.findIndex((r) => r[0] === 'Mã chỉ số');
    const api = (await apiCsv('/api/indicators?period=2025-DN&unit=S:T1@2025', s.keys.school1)).filter((r) => r.role === 'unit');
    const data = rows.slice(head + 1);
    expect(data.map((r) => r[0]).sort()).toEqual(api.map((a) => a.indicator).sort());
    const lrn = data.find((r) => r[0] === 'LRN')!;
    expect(lrn[2]).toBe(api.find((a) => a.indicator === 'LRN')!.value);
    expect(lrn[2]).toBe('<10');
    const xlsx = await download(page, '#indicators-downloads button[data-format="xlsx"]');
    expect(xlsx.name).toBe('chi-so-truong-2025-DN-S_T1_2025.xlsx');
    const svg = await download(page, '#rules-chart-downloads button[data-format="svg"]');
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg/);
    // the records to fix: the API's list, record for record
    const fix = await download(page, '#failures-downloads button[data-format="csv"]');
    expect(fix.name).toBe('ban-ghi-can-sua-2025-DN-S_T1_2025.csv');
    const fixRows = parseSemicolons(fix.bytes.toString('utf8').slice(1));
    const fixHead = fixRows.findIndex((r) => r[0] === 'Mã bản ghi');
    const failures = await apiCsv('/api/quality/failures?period=2025-DN&unit=S:T1@2025&limit=10000', s.keys.school1);
    expect(failures.length).toBeGreaterThan(0);
    expect(fixRows.slice(fixHead + 1).map((r) => [r[0], r[4], r[7]])).toEqual(failures.map((f) => [f.record_key, f.rule_id, f.detail]));
    await page.screenshot({ path: '/tmp/csdl-dashboard-school.png', fullPage: true });
    expect(b.errorsOf(page)).toEqual([]);
  });
});
