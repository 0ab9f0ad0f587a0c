/**
 * The indicator explorer (the national page) in a real headless Chromium against the real server
 * over the fixture warehouse: quick successive selections end on the figures the API gives for the
 * last one (a late answer, held back on purpose, does not draw over it); a drill from the nation to
 * a school by clicks (map, table, breadcrumb); CSV and XLSX downloads read back (the workbook by
 * LibreOffice) and compared with the API's suppressed CSV; charts as PNG and SVG; search; metadata;
 * the address as the whole state; the legend at phone width; print to PDF; no console errors.
 * Screenshots: /tmp/csdl-dashboard-national.png, /tmp/csdl-dashboard-national-province.png.
 * @module-tag browser
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv as parseRows, sheetsOf } from '../support/libreoffice.ts';
import { parseCsv } from '../server/support/csv-parse.ts';
import { buildFixtureWarehouse } from '../server/support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from '../server/support/test-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

const vi = (n: number, digits = 0) => new Intl.NumberFormat('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
/** A figure of the API's CSV as the page and its CSV write it. */
const viText = (field: string, digits = 0) => (field === '' ? '' : /^-?\d/.test(field) ? vi(Number(field), digits) : field);

describe('indicator explorer in Chromium', () => {
  let s: TestServer;
  let b: TestBrowser;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse, { noise: false });
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await s?.close();
  });

  /** Waits until the page has drawn the given selection (unit|period|indicator|cell|geography). */
  const drawn = (page: Page, what: string) => page.waitForFunction((w) => document.body.dataset.drawn === w && document.body.dataset.loading === 'false', what);

  async function download(page: Page, selector: string): Promise<{ name: string; path: string }> {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
    const path = `/tmp/csdl-explorer-${process.pid}-${d.suggestedFilename()}`;
    await d.saveAs(path);
    return { name: d.suggestedFilename(), path };
  }

  it('ends quick successive selections on the API figures of the last one, whatever answers late', async () => {
    const page = await b.open(`${s.url}/dashboards/#key=${s.keys.nationAdmin}`);
    await drawn(page, 'N:VN|2025-DN|LRN|total|reported');
    // the answers for PTR come back late, after the selections that follow it
    await page.route(/indicator=PTR/, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => undefined);
    });
    await page.selectOption('#indicator', 'PTR');
    await page.selectOption('#period', '2024-DN');
    await page.selectOption('#indicator', 'LRN');
    await page.selectOption('#breakdown', 'sex');
    await page.selectOption('#period', '2025-DN');
    await drawn(page, 'N:VN|2025-DN|LRN|sex=female|reported');
    await page.waitForTimeout(2000);
    expect(await page.evaluate(() => document.body.dataset.drawn)).toBe('N:VN|2025-DN|LRN|sex=female|reported');
    expect(page.url()).toContain('indicator=LRN');
    expect(page.url()).toContain('breakdown=sex');
    expect(page.url()).toContain('cell=female');
    const api = await s.get('/api/indicators?period=2025-DN&unit=N:VN&indicator=LRN&breakdown=sex=female', s.keys.nationAdmin);
    const expected = new Map<string, string>(
      api.body.rows.filter((r: { role: string }) => r.role === 'child').map((r: { unit_key: string; value: number }) => [r.unit_key, vi(r.value)]),
    );
    const shownRows = await page
      .locator('#provinces tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.key, tr.querySelector('td.value')!.textContent]));
    expect(shownRows).toHaveLength(34);
    expect(new Map(shownRows as Array<[string, string]>)).toEqual(expected);
    const nation = api.body.rows.find((r: { role: string }) => r.role === 'unit').value;
    expect(await page.locator('#provinces tfoot').innerText()).toContain(vi(nation));
    expect(await page.locator('#summary').innerText()).toContain(`${vi(nation)} học sinh`);
    expect(await page.locator('#provinces caption').innerText()).toContain('Giới tính: Nữ');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('drills from the nation to a school by clicks, with the breadcrumb a link at each level', async () => {
    const page = await b.open(`${s.url}/dashboards/#key=${s.keys.nationAdmin}`);
    await drawn(page, 'N:VN|2025-DN|LRN|total|reported');
    await page.screenshot({ path: '/tmp/csdl-dashboard-national.png', fullPage: true });
    // a click on Đà Nẵng's shape on the map
    const shape = await page.evaluateHandle(() =>
      [...document.querySelectorAll('#map svg .mark-shape path')].find(
        (p) => (p as unknown as { __data__?: { datum?: { unit_key?: string } } }).__data__?.datum?.unit_key === 'P:48@2025',
      ),
    );
    await shape.asElement()!.dispatchEvent('click');
    await drawn(page, 'P:48@2025|2025-DN|LRN|total|reported');
    expect(await page.locator('#breadcrumb').innerText()).toMatch(/Toàn quốc\s*›?\s*Đà Nẵng/);
    expect(await page.locator('#summary').innerText()).toContain('vị trí 33/34');
    expect(await page.locator('#map-card').isHidden()).toBe(true);
    await page.waitForSelector('#bars svg');
    await page.screenshot({ path: '/tmp/csdl-dashboard-national-province.png', fullPage: true });
    await page.locator('#provinces a[data-unit="C:20194@2025"]').click();
    await drawn(page, 'C:20194@2025|2025-DN|LRN|total|reported');
    expect(await page.locator('#provinces tbody').innerText()).toContain('Trường Tiểu học Lê Lợi');
    await page.locator('#provinces a[data-unit="S:T1@2025"]').click();
    await drawn(page, 'S:T1@2025|2025-DN|LRN|total|reported');
    const crumbs = await page.locator('#breadcrumb li').allInnerTexts();
    expect(crumbs).toEqual(['Toàn quốc', 'Đà Nẵng', 'Phường Hải Châu', 'Trường Tiểu học Lê Lợi']);
    expect(await page.locator('#breadcrumb a').count()).toBe(3);
    // the school among its peers, and its series over both school years
    expect(await page.locator('#summary').innerText()).toContain('vị trí 2/2 trong 2 trường');
    expect(await page.locator('#series-table tbody').innerText()).toMatch(/Lê Lợi.*\s6\s+5/s);
    // back up by the breadcrumb, and by the browser's back button
    await page.locator('#breadcrumb a[data-unit="P:48@2025"]').click();
    await drawn(page, 'P:48@2025|2025-DN|LRN|total|reported');
    await page.goBack();
    await drawn(page, 'S:T1@2025|2025-DN|LRN|total|reported');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('downloads the table as CSV and XLSX with the filters above and the figures the API exports, and the charts as PNG and SVG', async () => {
    const page = await b.open(`${s.url}/dashboards/?unit=C:20194@2025#key=${s.keys.province48}`);
    await drawn(page, 'C:20194@2025|2025-DN|LRN|total|reported');
    const api = parseCsv((await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN&format=csv', s.keys.province48)).text);
    expect(api.map((r) => r.value)).toEqual(['x', '<10', 'x']);

    const csv = await download(page, '#table-downloads [data-download="csv"]');
    expect(csv.name).toBe('chi-so-LRN-2025-DN-C_20194_2025.csv');
    const text = readFileSync(csv.path, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = parseRows(text.slice(1));
    expect(lines[0][0]).toBe('Số học sinh · Phường Hải Châu · Đầu năm 2025-2026');
    expect(lines).toContainEqual(['Chỉ số', 'Số học sinh (LRN)']);
    expect(lines).toContainEqual(['Kỳ báo cáo', 'Đầu năm 2025-2026']);
    expect(lines).toContainEqual(['Phân tổ', 'Tổng số']);
    expect(lines.find((l) => l[0] === 'Ngày tải')![1]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    const head = lines.findIndex((l) => l[0] === 'Mã đơn vị');
    expect(lines[head]).toEqual(['Mã đơn vị', 'Đơn vị', 'Cấp', 'Nhóm', 'Tử số', 'Mẫu số', 'Số học sinh (học sinh)']);
    const body = lines.slice(head + 1).filter((l) => l.length > 1);
    expect(body.map((l) => [l[0], l[1], l[6]])).toEqual(api.map((r) => [r.unit_code, r.unit_name, viText(r.value)]));

    const xlsx = await download(page, '#table-downloads [data-download="xlsx"]');
    expect(xlsx.name).toBe('chi-so-LRN-2025-DN-C_20194_2025.xlsx');
    const sheet = (await sheetsOf(xlsx.path)).get('Số liệu')!;
    expect(sheet[0][0]).toBe('Số học sinh · Phường Hải Châu · Đầu năm 2025-2026');
    const xhead = sheet.findIndex((l) => l[0] === 'Mã đơn vị');
    expect(sheet[xhead].slice(0, 7)).toEqual(lines[head]);
    const xbody = sheet.slice(xhead + 1).filter((l) => l[0] !== '');
    expect(xbody.map((l) => [l[0], l[6]])).toEqual(api.map((r) => [r.unit_code, r.value]));

    // the series: every period of the commune, as the API's CSV of the same request
    const seriesApi = parseCsv((await s.get('/api/indicators/series?indicator=LRN&units=C:20194@2025&format=csv', s.keys.province48)).text);
    const sx = await download(page, '#series-downloads [data-download="xlsx"]');
    const srows = (await sheetsOf(sx.path)).get('Số liệu')!;
    const shead = srows.findIndex((l) => l[0] === 'Kỳ báo cáo');
    expect(srows[shead].slice(0, 8)).toEqual(['Kỳ báo cáo', 'Mã đơn vị', 'Đơn vị', 'Cấp', 'Nhóm', 'Tử số', 'Mẫu số', 'Số học sinh (học sinh)']);
    expect(
      srows
        .slice(shead + 1)
        .filter((l) => l[0] !== '')
        .map((l) => [l[0], l[1], l[7]]),
    ).toEqual(seriesApi.map((r) => [r.period_name, r.unit_code, r.value]));

    const png = await download(page, '#bars-downloads [data-download="png"]');
    expect(readFileSync(png.path).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const svg = await download(page, '#series-downloads [data-download="svg"]');
    expect(readFileSync(svg.path, 'utf8')).toMatch(/^<svg[^>]*xmlns/);
    for (const f of [csv, xlsx, sx, png, svg]) rmSync(f.path, { force: true });
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('downloads for a visitor without a key what the public API publishes, small cells suppressed', async () => {
    const page = await b.open(`${s.url}/dashboards/`);
    await drawn(page, 'N:VN|2025-DN|LRN|total|reported');
    expect(await page.locator('#breakdown').isDisabled()).toBe(true);
    const pub = (await s.get('/api/public/indicators?period=2025-DN&indicator=LRN')).body.rows as Array<{ unit_code: string; value: number | string }>;
    const csv = await download(page, '#map-downloads [data-download="csv"]');
    const lines = parseRows(readFileSync(csv.path, 'utf8').slice(1));
    const head = lines.findIndex((l) => l[0] === 'Mã đơn vị');
    const got = new Map(lines.slice(head + 1).map((l) => [l[0], l[6]]));
    expect(got.size).toBe(35);
    for (const r of pub) expect(got.get(r.unit_code), r.unit_code).toBe(typeof r.value === 'number' ? vi(r.value) : r.value);
    expect(got.get('04')).toBe('<10');
    rmSync(csv.path, { force: true });
    expect(b.errorsOf(page)).toEqual([]);
  });

  it("shows a period before the merger on today's 34 provinces when asked, and says so, in the table, the map and the download", async () => {
    const page = await b.open(`${s.url}/dashboards/?period=2024-DN&geography=2025#key=${s.keys.nationAdmin}`);
    await drawn(page, 'N:VN|2024-DN|LRN|total|2025');
    expect(await page.locator('#map-note').innerText()).toContain('tổng hợp lại theo 34 tỉnh, thành phố hiện nay');
    expect(await page.locator('#provinces tbody').innerText()).toMatch(/Đà Nẵng\s+290/);
    const api = parseCsv((await s.get(`/api/indicators/series?indicator=LRN&units=N:VN,P:48@2025&geography=2025&format=csv`, s.keys.nationAdmin)).text).filter(
      (r) => r.period === '2024-DN',
    );
    const csv = await download(page, '#map-downloads [data-download="csv"]');
    const lines = parseRows(readFileSync(csv.path, 'utf8').slice(1));
    const head = lines.findIndex((l) => l[0] === 'Mã đơn vị');
    expect(
      lines
        .slice(head + 1)
        .filter((l) => l.length > 1)
        .map((l) => [l[0], l[6]]),
    ).toEqual(api.map((r) => [r.unit_code, viText(r.value)]));
    rmSync(csv.path, { force: true });
    // as reported, the nation's children in 2024 are the old provinces: the map shows today's 34 as published and says so
    await page.selectOption('#geography', 'reported');
    await drawn(page, 'N:VN|2024-DN|LRN|total|reported');
    expect(await page.locator('#map-note').innerText()).toContain('bảng: các tỉnh như đã báo cáo');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('opens a province for a visitor without a key, with its place among the 34 as published', async () => {
    const page = await b.open(`${s.url}/dashboards/`);
    await drawn(page, 'N:VN|2025-DN|LRN|total|reported');
    await page.locator('#provinces a[data-unit="P:01@2025"]').click();
    await drawn(page, 'P:01@2025|2025-DN|LRN|total|reported');
    const pub = (await s.get('/api/public/indicators?period=2025-DN&indicator=LRN')).body.rows as Array<{
      unit_key: string;
      unit_level: string;
      value: unknown;
    }>;
    const shown = pub.filter((r) => r.unit_level === 'province' && typeof r.value === 'number') as Array<{ unit_key: string; value: number }>;
    const hanoi = shown.find((r) => r.unit_key === 'P:01@2025')!.value;
    const rank = 1 + shown.filter((r) => r.value > hanoi).length;
    expect(await page.locator('#summary').innerText()).toContain(`${vi(hanoi)} học sinh`);
    expect(await page.locator('#rank').innerText()).toBe(`${rank}/${shown.length}`);
    expect(await page.locator('#provinces tr.current').innerText()).toContain('Hà Nội');
    await page.locator('#search').fill('ca mau');
    await page.locator('#search-results button[data-unit="P:96@2025"]').click();
    await drawn(page, 'P:96@2025|2025-DN|LRN|total|reported');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('opens a commune office on its schools and a school on itself, each within its scope', async () => {
    const commune = await b.open(`${s.url}/dashboards/#key=${s.keys.communeAdmin}`);
    await drawn(commune, 'C:20194@2025|2025-DN|LRN|total|reported');
    expect(await commune.locator('#breadcrumb a').count()).toBe(0);
    expect(await commune.locator('#breadcrumb li').allInnerTexts()).toEqual(['Toàn quốc', 'Đà Nẵng', 'Phường Hải Châu']);
    const api = await s.get('/api/indicators?period=2025-DN&unit=C:20194@2025&indicator=LRN', s.keys.communeAdmin);
    const schools = api.body.rows.filter((r: { role: string }) => r.role === 'child');
    expect(await commune.locator('#provinces tbody tr').count()).toBe(schools.length);
    for (const r of schools) expect(await commune.locator(`#provinces tr[data-key="${r.unit_key}"] td.value`).innerText()).toBe(vi(r.value));
    await commune.waitForSelector('#bars svg');
    expect(b.errorsOf(commune)).toEqual([]);

    const school = await b.open(`${s.url}/dashboards/#key=${s.keys.school1}`);
    await drawn(school, 'S:T1@2025|2025-DN|LRN|total|reported');
    expect(await school.locator('#summary').innerText()).toContain('5 học sinh');
    // its own series over its two school years; its commune's other schools are outside its scope
    expect(await school.locator('#series-table tbody').innerText()).toMatch(/Lê Lợi.*\s6\s+5/s);
    expect(await school.locator('#provinces tbody tr').count()).toBe(1);
    await school.locator('#search').fill('nguyen hue');
    await expect.poll(() => school.locator('#search-results').innerText()).toContain('Không tìm thấy');
    expect(b.errorsOf(school)).toEqual([]);
  });

  it('finds a unit without diacritics, shows the metadata, and restores the whole state from the address', async () => {
    const page = await b.open(`${s.url}/dashboards/#key=${s.keys.province48}`);
    await drawn(page, 'P:48@2025|2025-DN|LRN|total|reported');
    await page.locator('#search').fill('hai chau');
    await page.locator('#search-results button[data-unit="C:20194@2025"]').click();
    await drawn(page, 'C:20194@2025|2025-DN|LRN|total|reported');
    await page.locator('#meta summary').click();
    const meta = await page.locator('#meta-body').innerText();
    expect(meta).toContain('Học sinh đang học vào ngày chốt số liệu');
    expect(meta).toContain('count(học sinh)');
    expect(meta).toContain('Giới tính');

    const shared = `${s.url}/dashboards/?unit=P:48@2025&period=2025-DN&indicator=LRN&breakdown=sex&cell=male&geography=2025&compare=C:20194@2025`;
    const again = await b.open(`${shared}#key=${s.keys.province48}`);
    await drawn(again, 'P:48@2025|2025-DN|LRN|sex=male|2025');
    expect(await again.locator('#breakdown').inputValue()).toBe('sex');
    expect(await again.locator('#cell').inputValue()).toBe('male');
    expect(await again.locator('#geography').inputValue()).toBe('2025');
    expect(await again.locator('#series-note').innerText()).toContain('34 tỉnh, thành phố hiện nay');
    const lines = await again.locator('#series-table tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.key));
    expect(lines).toEqual(['P:48@2025', 'C:20194@2025']);
    expect(await again.locator('#provinces input[data-compare="C:20194@2025"]').isChecked()).toBe(true);
    expect(b.errorsOf(page)).toEqual([]);
    expect(b.errorsOf(again)).toEqual([]);
  });

  it('keeps the legend inside the map at phone width, names the indicator and unit in the tooltip, and prints to PDF', async () => {
    const page = await b.open(`${s.url}/dashboards/?indicator=LPC`);
    await drawn(page, 'N:VN|2025-DN|LPC|total|reported');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await drawn(page, 'N:VN|2025-DN|LPC|total|reported');
    const fit = await page.evaluate(() => {
      const legend = document.querySelector('#map svg .role-legend')!.getBoundingClientRect();
      const map = document.getElementById('map')!.getBoundingClientRect();
      const svg = document.querySelector('#map svg')!.getBoundingClientRect();
      return { legendRight: legend.right, legendLeft: legend.left, mapRight: map.right, svgRight: svg.right, width: window.innerWidth };
    });
    expect(fit.legendLeft).toBeGreaterThanOrEqual(0);
    expect(fit.legendRight).toBeLessThanOrEqual(Math.min(fit.mapRight, fit.width) + 1);
    expect(fit.svgRight).toBeLessThanOrEqual(Math.min(fit.mapRight, fit.width) + 1);
    await page.locator('#map svg .mark-shape path').nth(10).hover({ force: true });
    await expect.poll(() => page.locator('#vg-tooltip-element').innerText(), { timeout: 5000 }).toContain('Số học sinh bình quân một lớp (học sinh/lớp)');
    await page.setViewportSize({ width: 1280, height: 1000 });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    expect(b.errorsOf(page)).toEqual([]);
  });
});
