/**
 * The consumers page in a real headless Chromium against the real server: Lai Châu's admin sees
 * its province's consumers only, with Vietnamese states and dd/mm/yyyy dates, approves one from
 * the page, sends it its package to a real receiver and sees the delivery as the last one, with
 * the usage report below; no console errors. Screenshot: /tmp/csdl-dashboard-consumers.png.
 * @module-tag browser
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryService } from '../../app/delivery-service.ts';
import { reportsService } from '../../app/reports-service.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { registerConsumer } from '../../pipelines/delivery/index.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { sheetsOf } from '../support/libreoffice.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { approveLaiChauAndNation, PASSING_GATE, reportsFixture } from '../support/reports-fixture.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';

const SECRET = 'shared-secret-of-the-receiver';
const KEY = 'page-test-delivery-key-0123';
const h = reportsFixture();
const out = mkdtempSync(join(tmpdir(), 'csdl-consumers-page-'));
let server: RunningServer;
let receiver: Receiver;
let b: TestBrowser;

const base = {
  owner_org: 'Bộ GDĐT',
  contact: 'Cục CNTT',
  purpose: 'Báo cáo định kỳ',
  legal_basis_number: '123/QĐ-BGDĐT',
  legal_basis_date: '2025-09-01',
  figures: 'exact',
  formats: ['csv'],
};

beforeAll(async () => {
  await approveLaiChauAndNation(h, approval);
  receiver = await startReceiver({ secret: SECRET });
  await registerConsumer(
    h.fx.conn,
    { ...base, name: 'Hệ thống thông tin báo cáo quốc gia', scope_unit: '12', method: 'push', endpoint: receiver.url + '/in', secret: SECRET },
    { deliveryKey: KEY, requestedBy: null },
  );
  await registerConsumer(h.fx.conn, { ...base, name: 'Cổng Lào Cai', scope_unit: '15', method: 'pull' }, { deliveryKey: KEY, requestedBy: null });
  server = await startServer({
    warehouse: h.fx.warehouse,
    port: 0,
    reports: reportsService({ approvalGate: PASSING_GATE, exportDir: out }),
    deliveries: deliveryService({ exportDir: out, delivery: { key: KEY, attempts: 2, timeoutMs: 5000 } }),
  });
  b = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await b?.close();
  await server?.close();
  await receiver?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('the consumers page', () => {
  it("lets Lai Châu's admin approve its consumer, send it its package and see the delivery", async () => {
    const page = await b.open(`${server.url}/dashboards/consumers.html#key=${h.keys.laiChau}`);
    await page.waitForSelector('#consumers tbody tr');
    expect(await page.locator('#consumers tbody tr').count()).toBe(1);
    const row = page.locator('#consumers tbody tr').first();
    let text = await row.innerText();
    expect(text).toContain('Hệ thống thông tin báo cáo quốc gia');
    expect(text).toContain('Chờ duyệt');
    expect(text).toContain('ngày 01/09/2025');
    expect(text).toContain('Đẩy qua HTTPS');
    expect(text).not.toContain('Cổng Lào Cai');
    await row.locator('input.until').fill('31/13/2099');
    await row.locator('button.act[data-action="approve"]').click();
    await expect.poll(() => page.locator('#status').innerText()).toContain('dd/mm/yyyy');
    await row.locator('input.until').fill('31/12/2099');
    await row.locator('button.act[data-action="approve"]').click();
    await expect.poll(() => row.innerText()).toContain('Đã duyệt');
    text = await row.innerText();
    expect(text).toContain('31/12/2099');
    expect(text).toContain('Sở GDĐT Lai Châu');
    await row.locator('button.act[data-action="deliver"]').click();
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain('đã nhận');
    text = await row.innerText();
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · đã nhận · v-2025-DN-12-[0-9a-f]{12} · biên nhận rcpt-1/);
    await expect.poll(() => page.locator('#status').innerText()).toContain('Đã gửi 1/1 gói');
    expect(receiver.accepted.size).toBe(1);
    const usage = await page.locator('#usage tbody').innerText();
    expect(usage).toContain('Hệ thống thông tin báo cáo quốc gia');
    expect(usage).toContain('đã nhận');
    // both tables download as the page shows them: CSV for Excel and a workbook LibreOffice reads
    const save = async (selector: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
      const file = join(out, d.suggestedFilename());
      await d.saveAs(file);
      return file;
    };
    const registry = readFileSync(await save('#consumers-downloads button[data-format="csv"]'), 'utf8');
    expect(registry.startsWith('\uFEFFHệ thống nhận dữ liệu trong phạm vi quản lý')).toBe(true);
    expect(registry).toContain('Hệ thống;Cơ quan;Mục đích;Căn cứ pháp lý');
    expect(registry).toMatch(/Hệ thống thông tin báo cáo quốc gia;.*;Đã duyệt;\d{2}\/\d{2}\/\d{4};\d{2}\/\d{2}\/\d{4} \d{2}:\d{2};đã nhận/);
    const [sheet] = [...(await sheetsOf(await save('#usage-downloads button[data-format="xlsx"]'))).values()];
    const header = sheet.findIndex((r) => r[0] === 'Hệ thống');
    const row1 = sheet[header + 1];
    expect(row1.slice(0, 4)).toEqual(['Hệ thống thông tin báo cáo quốc gia', 'Đẩy qua HTTPS', 'đã nhận', '1']);
    await page.screenshot({ path: '/tmp/csdl-dashboard-consumers.png', fullPage: true });
    expect(b.errorsOf(page)).toEqual([]);
  }, 120_000);

  it("shows the nation's admin every province's consumers, and a reading key none", async () => {
    const page = await b.open(`${server.url}/dashboards/consumers.html#key=${h.keys.nation}`);
    await page.waitForSelector('#consumers tbody tr');
    expect(await page.locator('#consumers tbody tr').count()).toBe(2);
    expect(await page.locator('#consumers').innerText()).toContain('Cổng Lào Cai');
    const reader = await b.open(`${server.url}/dashboards/consumers.html#key=${h.keys.laiChauReader}`);
    await expect.poll(() => reader.locator('#status').innerText()).toContain('quản trị');
    expect(await reader.locator('#consumers tbody tr').count()).toBe(0);
  }, 60_000);
});
