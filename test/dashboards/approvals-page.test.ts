/**
 * The sign-off page in a real headless Chromium against the real server on the forms fixture:
 * Lai Châu's admin approves from the page, sees its province approved with a Vietnamese date and
 * the nation pending, downloads the package; the nation's admin sees the 34 provinces summed up
 * and, after a figure changes, the change; no console errors. Screenshots go to /tmp.
 * @module-tag browser
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsService } from '../../app/reports-service.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as approval from '../../pipelines/approval/index.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { FIXTURE_DEADLINES } from '../fixtures/fixture-warehouse.ts';
import { PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';
import { pdfText } from '../support/pdf-text.ts';
import { sheetsOf } from '../support/libreoffice.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-approvals-page-'));
let server: RunningServer;
let b: TestBrowser;

beforeAll(async () => {
  server = await startServer({ warehouse: h.fx.warehouse, port: 0, reports: reportsService({ approvalGate: PASSING_GATE, exportDir: out }) });
  b = await launchBrowser();
});
afterAll(async () => {
  await b?.close();
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('the sign-off page', () => {
  it("lets Lai Châu's admin approve its province and download the approved package", async () => {
    const page = await b.open(`${server.url}/dashboards/approvals.html?period=2025-DN#key=${h.keys.laiChau}`);
    await page.waitForSelector('#approvals tbody tr');
    expect(page.url()).not.toContain('key=');
    const row = page.locator('#approvals tbody tr[data-unit="P:12@2025"]');
    expect(await row.innerText()).toContain('Chờ duyệt');
    expect(await page.locator('#approvals tbody tr').count()).toBe(1);
    await row.locator('input.comment').fill('Sở đã rà soát');
    await row.locator('button.act[data-action="approve"]').click();
    // the approval freezes a version first: on a loaded machine that takes longer than a poll's default second
    await expect.poll(() => row.innerText(), { timeout: 20_000 }).toContain('Đã duyệt');
    const text = await row.innerText();
    expect(text).toContain('31/10/2025');
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(text).toContain('Sở GDĐT Lai Châu');
    expect(text).toContain('Sở đã rà soát');
    expect(text).toContain('Không thay đổi');
    expect(await page.locator('#nation').innerText()).toContain('Chờ duyệt');
    await page.waitForSelector('#timeline-chart svg');
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('button.download').click()]);
    expect(download.suggestedFilename()).toMatch(/^v-2025-DN-12-[0-9a-f]{12}\.hierarchy\.zip$/);
    await page.screenshot({ path: '/tmp/csdl-dashboard-approvals-province.png', fullPage: true });
    expect(b.errorsOf(page)).toEqual([]);
  });

  it("shows the nation's admin every province, and the changes of a province whose figures moved", async () => {
    // alone, this test approves Lai Châu itself; after the first test, the page did
    const { provinces } = await approval.approvalOverview(h.fx.conn, { period: '2025-DN', withChanges: false });
    if (provinces.find((p) => p.unit_key === 'P:12@2025')?.status !== 'approved') {
      await approval.approve(h.fx.conn, { period: '2025-DN', unit: '12', actor: h.laiChau, gate: PASSING_GATE });
    }
    await h.fx.conn.run(`update raw.hoc_sinh set deleted_at = '2025-10-01 00:00:00+00' where ma_hoc_sinh = 'HS-e4'`);
    await runTransform({ warehouse: h.fx.conn, deadlines: FIXTURE_DEADLINES });
    const page = await b.open(`${server.url}/dashboards/approvals.html?period=2025-DN#key=${h.keys.nation}`);
    await page.waitForSelector('#approvals tbody tr');
    const summary = await page.locator('#summary').innerText();
    expect(summary).toContain('34 tỉnh: 1 đã duyệt, 0 chờ duyệt, 0 không báo cáo');
    expect(summary).toContain('1 có thay đổi sau khi duyệt');
    expect(summary).toContain('33 tỉnh không có dữ liệu');
    const row = page.locator('#approvals tbody tr[data-unit="P:12@2025"]');
    expect(await row.innerText()).toContain('Có thay đổi');
    await row.locator('button.diff').click();
    await page.waitForSelector('#diff tbody tr');
    const diff = await page.locator('#diff').innerText();
    expect(diff).toContain('Tổng quy mô');
    expect(diff).toContain('-1');
    expect(await page.locator('#diff-summary').innerText()).toMatch(/Biểu mẫu \d+ dòng đổi/);
    // every changed row downloads, not only the 30 per part the page shows
    const diffApi = (await (
      await fetch(`${server.url}/api/approvals/diff?period=2025-DN&unit=P:12@2025`, { headers: { Authorization: `Bearer ${h.keys.nation}` } })
    ).json()) as { parts: Array<{ rows: unknown[] }> };
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator('#diff-downloads button[data-format="csv"]').click()]);
    const file = join(out, d.suggestedFilename());
    await d.saveAs(file);
    const lines = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    const head = lines.findIndex((l) => l.startsWith('Phần;Dòng;Chỉ tiêu / ô'));
    expect(lines.length - head - 1).toBe(diffApi.parts.reduce((n, p) => n + p.rows.length, 0));
    expect(lines.slice(head + 1).some((l) => l.includes('Tổng quy mô') && l.endsWith(';-1'))).toBe(true);
    await page.screenshot({ path: '/tmp/csdl-dashboard-approvals-nation.png', fullPage: true });
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('downloads the table as CSV and XLSX with what the API answers, and the chart as PNG and SVG', async () => {
    const page = await b.open(`${server.url}/dashboards/approvals.html?period=2025-DN#key=${h.keys.nation}`);
    await page.waitForSelector('#approvals-downloads button');
    const res = await fetch(`${server.url}/api/approvals?period=2025-DN`, { headers: { Authorization: `Bearer ${h.keys.nation}` } });
    const api = (await res.json()) as {
      label: string;
      nation: { unit_code: string };
      provinces: Array<{ unit_code: string; status: string; version_id: string | null }>;
    };
    const shown = api.provinces.filter((p) => p.status !== 'no_data');
    const save = async (selector: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
      const file = join(out, d.suggestedFilename());
      await d.saveAs(file);
      return { name: d.suggestedFilename(), file, bytes: readFileSync(file) };
    };
    const csv = await save('#approvals-downloads button[data-format="csv"]');
    expect(csv.name).toBe('duyet-so-lieu-2025-DN.csv');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((l) => l !== '');
    expect(lines[0]).toContain(`Tình hình duyệt số liệu · ${api.label}`);
    const header = lines.findIndex((l) => l.startsWith('Đơn vị;Mã;Trạng thái'));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 1).map((l) => l.split(';'));
    expect(rows.map((r) => r[1])).toEqual([api.nation.unit_code, ...shown.map((p) => p.unit_code)]);
    const statusVi: Record<string, string> = { approved: 'Đã duyệt', pending: 'Chờ duyệt', not_reporting: 'Không báo cáo' };
    expect(rows.slice(1).map((r) => r[2])).toEqual(shown.map((p) => statusVi[p.status]));
    expect(rows.slice(1).map((r) => r[9])).toEqual(shown.map((p) => p.version_id ?? ''));
    // the workbook as a spreadsheet program reads it holds the same rows
    const xlsx = await save('#approvals-downloads button[data-format="xlsx"]');
    const [sheet] = [...(await sheetsOf(xlsx.file)).values()];
    const at = sheet.findIndex((r) => r[0] === 'Đơn vị');
    expect(
      sheet
        .slice(at + 1)
        .filter((r) => r[1])
        .map((r) => [r[1], r[2]]),
    ).toEqual(rows.map((r) => [r[1], r[2]]));
    expect((await save('#timeline-downloads button[data-format="svg"]')).bytes.toString('utf8')).toContain('<svg');
    expect((await save('#timeline-downloads button[data-format="png"]')).bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(b.errorsOf(page)).toEqual([]);
  });

  it('shows the final period when the answer for an earlier choice arrives last', async () => {
    const page = await b.open(`${server.url}/dashboards/approvals.html?period=2025-DN#key=${h.keys.nation}`);
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN');
    const other = await page.locator('#period option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).find((v) => v !== '2025-DN'));
    expect(other).toBeTruthy();
    let started = 0;
    let settled = 0;
    const held = (url: string) => url.includes('/api/approvals?') && url.includes(`period=${other}`);
    await page.route(
      (url) => held(url.toString()),
      async (route) => {
        started += 1;
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue().catch(() => undefined);
      },
    );
    const done = (r: { url(): string }) => void (held(r.url()) && (settled += 1));
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    await page.evaluate(() => delete document.body.dataset.drawn);
    await page.locator('#period').selectOption(other!);
    await expect.poll(() => started).toBe(1);
    await page.locator('#period').selectOption('2025-DN');
    await page.waitForFunction(() => document.body.dataset.drawn === '2025-DN');
    await expect.poll(() => settled, { timeout: 5000 }).toBe(1);
    await page.waitForTimeout(500);
    const res = await fetch(`${server.url}/api/approvals?period=2025-DN`, { headers: { Authorization: `Bearer ${h.keys.nation}` } });
    const api = (await res.json()) as { label: string; provinces: Array<{ unit_key: string; status: string }> };
    expect(await page.locator('#title').innerText()).toBe(`Duyệt số liệu · ${api.label}`);
    const shown = await page.locator('#approvals tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')));
    expect(shown).toEqual(api.provinces.filter((p) => p.status !== 'no_data').map((p) => p.unit_key));
    await page.screenshot({ path: '/tmp/csdl-dashboard-approvals.png', fullPage: true });
    // printed as an A4 report: title, unit, period and date above, no navigation
    const text = pdfText(await page.pdf({ format: 'A4' }));
    expect(text).toContain(`Duyệt số liệu Đơn vị: Việt Nam · Kỳ báo cáo: ${api.label} · Ngày in: `);
    expect(text).toMatch(/Ngày in: \d{2}\/\d{2}\/\d{4}/);
    expect(text).not.toContain('Tổng quan toàn quốc');
  });
});
