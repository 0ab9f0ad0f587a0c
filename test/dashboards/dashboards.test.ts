/**
 * The dashboard pages in a real headless Chromium against the real server over the fixture
 * warehouse: the map draws the 34 provinces, numbers and dates read the Vietnamese way, the key
 * given once in the fragment (#key=, never sent to the server) is kept for the session and leaves
 * the address bar, a key in the query string is not used, no console errors.
 * Every test opens the pages it checks, so that each passes on its own (`vitest run -t`).
 * Screenshots go to /tmp/csdl-dashboard-*.png.
 * @module-tag browser
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetsOf } from '../support/libreoffice.ts';
import { buildFixtureWarehouse, PROVINCES, provinceLearners } from '../server/support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from '../server/support/test-server.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

describe('dashboards in Chromium', () => {
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

  it('draws the 34 provinces on the national map with vi-VN numbers and no key', async () => {
    const page = await b.open(`${s.url}/dashboards/`);
    await page.waitForSelector('#map svg .mark-shape path');
    await page.waitForFunction(() => document.querySelectorAll('#provinces tbody tr').length === 34);
    expect(await page.locator('#map svg .mark-shape path').count()).toBe(34);
    // the same through the vega view: one scenegraph item per province shape
    const items = await page.evaluate(() => {
      const view = (window as unknown as { csdlMapView: { scenegraph(): { root: unknown } } }).csdlMapView;
      let n = 0;
      const walk = (node: { marktype?: string; items?: unknown[] }) => {
        if (node.marktype === 'shape') n += node.items?.length ?? 0;
        for (const child of node.items ?? []) walk(child as { marktype?: string; items?: unknown[] });
      };
      walk(view.scenegraph().root as { items?: unknown[] });
      return n;
    });
    expect(items).toBe(34);
    const nation = PROVINCES.reduce((sum, p, i) => sum + provinceLearners(p.code, i), 0);
    const expected = new Intl.NumberFormat('vi-VN').format(nation);
    expect(expected).toMatch(/^\d{2}\.\d{3}$/);
    await expect.poll(() => page.locator('#provinces tfoot').innerText()).toContain(expected);
    const table = await page.locator('#provinces tbody').innerText();
    expect(table).toContain('1.330');
    expect(table).toContain('<10');
    expect(await page.locator('#period option').first().innerText()).toBe('Đầu năm 2025-2026');
    await page.screenshot({ path: '/tmp/csdl-dashboard-national.png', fullPage: true });
  });

  it("ranks the commune's schools for its admin, keeping the key for the session only", async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForSelector('#dimension-chart svg');
    expect(page.url()).not.toContain('key=');
    expect(page.url()).not.toContain(s.keys.communeAdmin);
    expect(await page.evaluate(() => sessionStorage.getItem('csdl-api-key'))).toBe(s.keys.communeAdmin);
    const rows = await page.locator('#ranking tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Nguyễn Huệ');
    expect(rows[0]).toContain('62,5');
    expect(rows[0]).toContain('▲ 12,5');
    expect(rows[0]).toContain('31/10/2025');
    expect(rows[1]).toContain('Đúng hạn');
    await page.waitForFunction(() => document.body.dataset.drawn);
    await page.screenshot({ path: '/tmp/csdl-dashboard-quality.png', fullPage: true });
  });

  it('shows each rank among how many, the band in its colour with the records to fix, and no decrease of 0,0', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForSelector('#overall-chart svg');
    const cells = async (row: number) => page.locator(`#ranking tbody tr:nth-child(${row}) td`).allInnerTexts();
    const [t2, t1] = [await cells(1), await cells(2)];
    expect(t2.slice(0, 5)).toEqual(['1/2', 'Trường THCS Nguyễn Huệ, "cơ sở 2"', '62,5', 'Kém', '26 / 301']);
    expect(t1.slice(0, 5)).toEqual(['2/2', 'Trường Tiểu học Lê Lợi', '55,0', 'Kém', '3 / 7']);
    // T1 moved from 55,03 to 55: both show 55,0, no change; T2's validity 91,666... shows 91,6
    expect(t1[5]).toBe('0,0');
    expect(await page.locator('#ranking tbody tr:nth-child(2) td:nth-child(6) .down').count()).toBe(0);
    expect(t2[6]).toBe('–');
    expect(t2[7]).toBe('91,6');
    const badge = page.locator('#ranking tbody tr:nth-child(1) .badge.band');
    expect(await badge.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(201, 42, 42)');
    expect(await page.locator('#legend').innerText()).toBe('Xếp loại theo điểm: Tốt ≥ 98 · Cần cải thiện 90–98 · Kém < 90');
    await page.locator('#formula summary').click();
    const formula = await page.locator('#formula').innerText();
    expect(formula).toContain('tỉ lệ bản ghi của đơn vị không có lỗi nào');
    expect(formula).toContain('học sinh 0,50; cán bộ 0,20');
    // the chart's marks take the band colours
    const fills = await page.locator('#overall-chart svg .mark-symbol.role-mark path').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(fills).toEqual(['#c92a2a', '#c92a2a']);
  });

  it('downloads the workbook of records to fix with the key in a header', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    await page.waitForSelector('#overall-chart svg');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#workbook').click()]);
    expect(download.suggestedFilename()).toBe('quality-failures-2025-DN-C_20194_2025.xlsx');
    const file = `/tmp/csdl-dashboard-workbook-${process.pid}.xlsx`;
    await download.saveAs(file);
    const sheets = await sheetsOf(file);
    expect(sheets.get('Cần sửa')!.filter((r) => r.some((c) => c !== '')).length).toBe(30);
    rmSync(file, { force: true });
  });

  it('shows a school its indicators, its score and every record key to fix', async () => {
    const page = await b.open(`${s.url}/dashboards/school.html#key=${s.keys.school1}`);
    await page.waitForSelector('#rules-chart svg');
    await page.waitForFunction(() => document.getElementById('quality-score')?.textContent?.includes('bản ghi cần sửa'));
    const failures = await page.locator('#failures tbody').innerText();
    expect(failures).toContain('hoc_sinh:101');
    expect(failures).toContain('lop_hoc:7');
    expect(failures).toContain('Ngày sinh sau ngày điều tra (ngày chốt số liệu 30/09/2025)');
    expect(await page.locator('#failures tbody tr:first-child td:nth-child(2)').innerText()).toContain('1A');
    expect(await page.locator('#failures tfoot').innerText()).toBe('Đang hiện 4 / 4 lỗi cần sửa.');
    expect(await page.locator('#quality-score').innerText()).toContain('55,0 Kém · 3 bản ghi cần sửa trên 7 bản ghi · hạng 2/2');
    expect(await page.locator('#indicators tbody').innerText()).toContain('Số học sinh');
    await page.waitForFunction(() => document.body.dataset.drawn);
    await page.screenshot({ path: '/tmp/csdl-dashboard-school.png', fullPage: true });
  });

  it('says a period the quality step has not checked is unchecked, not free of errors', async () => {
    // the fixture scores 2025-DN only
    const page = await b.open(`${s.url}/dashboards/school.html?period=2024-DN#key=${s.keys.school1}`);
    await page.waitForFunction(() => document.body.dataset.drawn?.startsWith('2024-DN|'));
    expect(await page.locator('#quality-score').innerText()).toBe('Điểm chất lượng dữ liệu: chưa có (kỳ này chưa được kiểm tra chất lượng dữ liệu).');
    expect(await page.locator('#status').innerText()).not.toMatch(/quy tắc chưa đạt|lỗi cần sửa/);
    expect(await page.locator('#rules-chart').innerText()).toBe('Chưa kiểm tra.');
    expect(await page.locator('#failures tfoot').innerText()).toBe('Kỳ này chưa được kiểm tra.');
    expect(await page.locator('#workbook').isVisible()).toBe(false);
    expect(await page.locator('#failures-downloads button').count()).toBe(0);
    expect(await page.locator('#indicators tbody').innerText()).toContain('Số học sinh');
    await page.screenshot({ path: '/tmp/csdl-dashboard-school-unchecked.png', fullPage: true });
    // a checked period offers the workbook again
    await page.selectOption('#period', '2025-DN');
    await page.waitForFunction(() => document.body.dataset.drawn?.startsWith('2025-DN|'));
    expect(await page.locator('#workbook').isVisible()).toBe(true);
    expect(await page.locator('#failures-downloads button').allInnerTexts()).toEqual(['Tải CSV (Excel)', 'Tải XLSX']);
    const league = await b.open(`${s.url}/dashboards/quality.html?period=2024-DN#key=${s.keys.communeAdmin}`);
    await league.waitForFunction(() => document.body.dataset.drawn?.startsWith('2024-DN|'));
    expect(await league.locator('#status').innerText()).toBe('Kỳ này chưa được kiểm tra chất lượng dữ liệu.');
  });

  it('shows the reason when a key may not see a unit', async () => {
    const page = await b.open(`${s.url}/dashboards/school.html?unit=S:T2@2025#key=${s.keys.school1}`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.kind === 'error');
    expect(await page.locator('#status').innerText()).toContain('phạm vi');
    // the refused request itself is the one error the page may log
    expect(b.errorsOf(page).filter((e) => !/status of 403/.test(e))).toEqual([]);
  });

  it('does not use a key given in the query string, which the server has already seen, and removes it', async () => {
    const page = await b.open(`${s.url}/dashboards/quality.html?key=${s.keys.province48}`);
    await expect.poll(() => page.locator('#who').innerText()).toContain('?key=');
    expect(page.url()).not.toContain(s.keys.province48);
    expect(await page.evaluate(() => sessionStorage.getItem('csdl-api-key'))).toBeNull();
  });

  it('logs no console errors on any page once it has drawn', async () => {
    const pages: Array<[string, string]> = [
      ['/dashboards/', '#map svg .mark-shape path'],
      [`/dashboards/quality.html#key=${s.keys.communeAdmin}`, '#dimension-chart svg'],
      [`/dashboards/school.html#key=${s.keys.school1}`, '#rules-chart svg'],
    ];
    for (const [path, drawn] of pages) {
      const page = await b.open(`${s.url}${path}`);
      await page.waitForSelector(drawn);
      await page.waitForLoadState('networkidle');
      expect(b.errorsOf(page), path).toEqual([]);
    }
  });
});
