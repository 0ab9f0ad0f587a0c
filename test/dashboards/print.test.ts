/**
 * Pages print as A4 reports: Chromium's own PDF (page.pdf, print media) of the quality and school
 * pages starts with the page's title, the unit, the period and the date of printing (dd/mm/yyyy),
 * and carries no navigation, login or buttons. The PDF's text is read back from the file.
 * @module-tag browser
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureWarehouse } from '../server/support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from '../server/support/test-server.ts';
import { pdfText } from '../support/pdf-text.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

/** Today in Vietnam as dd/mm/yyyy. */
const today = () => {
  const [y, m, d] = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
};

describe('printing a page', () => {
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

  async function printed(path: string): Promise<{ pdf: Buffer; text: string; screen: string }> {
    const page = await b.open(`${s.url}${path}`);
    await page.waitForFunction(() => document.body.dataset.drawn);
    const screen = await page.locator('body').innerText();
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(b.errorsOf(page)).toEqual([]);
    return { pdf, text: pdfText(pdf), screen };
  }

  it('prints the quality ranking as an A4 report with title, unit, period and date, without navigation', async () => {
    const { pdf, text, screen } = await printed(`/dashboards/quality.html#key=${s.keys.communeAdmin}`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 is 210 x 297 mm, 595 x 842 points (Chromium rounds to whole CSS pixels)
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))!;
    expect(Math.abs(Number(box[1]) - 595.3)).toBeLessThan(1.5);
    expect(Math.abs(Number(box[2]) - 841.9)).toBeLessThan(1.5);
    expect(text.startsWith('Bộ Giáo dục và Đào tạo · Kho dữ liệu ngành giáo dục Xếp hạng chất lượng dữ liệu')).toBe(true);
    expect(text).toContain('Đơn vị: Phường Hải Châu');
    expect(text).toContain('Kỳ báo cáo: Đầu năm 2025-2026');
    expect(text).toContain(`Ngày in: ${today()}`);
    // the whole table, its last column included, and the figures as the screen shows them
    expect(text).toContain('Tình trạng');
    expect(text).toContain('Trường THCS Nguyễn Huệ, "cơ sở 2" 62,5 Kém 26 / 301');
    for (const gone of ['Tổng quan toàn quốc', 'Duyệt số liệu', 'Đăng xuất', 'Tải danh sách bản ghi cần sửa', 'Kỳ báo cáo Đầu năm'])
      expect(text).not.toContain(gone);
    // on screen the navigation is there and the print heading is not
    expect(screen).toContain('Tổng quan toàn quốc');
    expect(screen).not.toContain('Ngày in:');
  });

  it('prints the school page with the school, its code and the period', async () => {
    const { text } = await printed(`/dashboards/school.html#key=${s.keys.school1}`);
    expect(text).toContain('Trường học · Trường Tiểu học Lê Lợi');
    expect(text).toContain('Đơn vị: Trường Tiểu học Lê Lợi (T1)');
    expect(text).toContain(`Ngày in: ${today()}`);
    expect(text).toContain('hoc_sinh:101');
    expect(text).not.toContain('Xem thêm');
    expect(text).not.toContain('Chất lượng dữ liệu Trường học');
  });
});
