/**
 * Real cron ticks end to end: a consumer's own schedule (node-cron, every second) delivers its
 * package to a real receiver under the run id of the scheduled run; the pipeline's schedule runs
 * transform -> quality -> delivery under one run id, which the transform, quality and delivery
 * records all carry.
 * @module-tag slow
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleEntries } from '../../app/delivery-service.ts';
import { loadConfig } from '../../lib/config.ts';
import * as approval from '../../pipelines/approval/index.ts';
import { approveConsumer, deliveryStep, registerConsumer } from '../../pipelines/delivery/index.ts';
import { JobRunner, startSchedules } from '../../pipelines/jobs/index.ts';
import { qualityStep, transformStep } from '../../pipelines/jobs/pipeline-steps.ts';
import { FIXTURE_DEADLINES } from '../fixtures/fixture-warehouse.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { approveLaiChauAndNation, reportsFixture } from '../support/reports-fixture.ts';

const SECRET = 'shared-secret-of-the-receiver';
const h = reportsFixture();
const dir = mkdtempSync(join(tmpdir(), 'csdl-schedule-delivery-'));
let receiver: Receiver;
let config: ReturnType<typeof loadConfig>;

beforeAll(async () => {
  await approveLaiChauAndNation(h, approval);
  receiver = await startReceiver({ secret: SECRET });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(FIXTURE_DEADLINES));
  config = loadConfig({
    CSDL_CONFIG_FILE: join(dir, 'config.json'),
    CSDL_EXPORT_DIR: join(dir, 'exports'),
    CSDL_DELIVERY_KEY: 'schedule-test-delivery-key',
    CSDL_SCHEDULE: 'off',
  });
}, 180_000);
afterAll(async () => {
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function consumer(name: string, path: string, schedule?: string) {
  const c = await registerConsumer(
    h.fx.conn,
    {
      name,
      owner_org: 'Bộ GDĐT',
      contact: 'Cục CNTT',
      purpose: 'Báo cáo định kỳ',
      legal_basis_number: '1/QĐ',
      legal_basis_date: '2025-01-01',
      scope_unit: '12',
      method: 'push',
      endpoint: receiver.url + path,
      secret: SECRET,
      formats: ['csv'],
      ...(schedule ? { schedule } : {}),
    },
    { deliveryKey: config.delivery.key, requestedBy: null },
  );
  return approveConsumer(h.fx.conn, c.consumer_id, { actor: h.laiChau, until: '2099-12-31' });
}

async function waitFor(check: () => boolean, ms = 90_000) {
  const started = Date.now();
  while (!check() && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 100));
  expect(check()).toBe(true);
}

describe('scheduled deliveries on real cron ticks', () => {
  it('a consumer’s own schedule delivers under the scheduled run’s id', async () => {
    const weekly = await consumer('Nguồn cấp hằng tuần', '/weekly', '* * * * * *');
    const runner = new JobRunner({ warehouse: h.fx.warehouse, steps: [] });
    const entries = await scheduleEntries(config, h.fx.warehouse);
    expect(entries.map((e) => e.name)).toEqual([`consumer:${weekly.consumer_id}`]);
    const schedules = startSchedules(runner, h.fx.warehouse, entries);
    try {
      await waitFor(() => receiver.requests.some((r) => r.path === '/weekly'));
    } finally {
      await schedules.stop();
    }
    await runner.running?.done;
    const [row] = await h.fx.rows<{ run_id: string; state: string }>(`select run_id, state from meta.deliveries where consumer_id = $1`, [weekly.consumer_id]);
    expect(row.state).toBe('accepted');
    const [job] = await h.fx.rows<{ trigger: string; status: string }>(`select trigger, status from meta.job_runs where run_id = $1`, [row.run_id]);
    expect(job).toEqual({ trigger: 'schedule', status: 'succeeded' });
    const [tick] = await h.fx.rows<{ last_run_id: string }>(`select last_run_id from meta.schedules where name = $1`, [`consumer:${weekly.consumer_id}`]);
    expect(tick.last_run_id).toMatch(/^run-/);
    expect(receiver.accepted.size).toBe(1);
  }, 120_000);

  it('schedules a consumer on its province’s reporting deadlines', async () => {
    const c = await registerConsumer(
      h.fx.conn,
      {
        name: 'Gói của Lào Cai đúng hạn',
        owner_org: 'Bộ GDĐT',
        contact: 'Cục CNTT',
        purpose: 'Báo cáo định kỳ',
        legal_basis_number: '1/QĐ',
        legal_basis_date: '2025-01-01',
        scope_unit: '15',
        method: 'folder',
        endpoint: join(dir, 'lao-cai'),
        schedule: 'deadline',
      },
      { deliveryKey: config.delivery.key, requestedBy: null },
    );
    await approveConsumer(h.fx.conn, c.consumer_id, { actor: h.laoCai, until: '2099-12-31' });
    const entries = (await scheduleEntries(config, h.fx.warehouse)).filter((e) => e.name.startsWith(`consumer:${c.consumer_id}`));
    // Lào Cai's own deadlines in the fixture's configuration: 15/10 and 15/06
    expect(entries.map((e) => [e.name, e.cron])).toEqual([
      [`consumer:${c.consumer_id}:dn`, '0 6 15 10 *'],
      [`consumer:${c.consumer_id}:cn`, '0 6 15 6 *'],
    ]);
    const bad = {
      name: 'x',
      owner_org: 'x',
      contact: 'x',
      purpose: 'x',
      legal_basis_number: '1',
      legal_basis_date: '2025-01-01',
      scope_unit: '15',
      method: 'pull',
    };
    await expect(registerConsumer(h.fx.conn, { ...bad, schedule: 'hằng tuần' }, { deliveryKey: null, requestedBy: null })).rejects.toThrow(
      /schedule: phải là biểu thức cron/,
    );
  });

  it('the pipeline’s schedule carries one run id from the transform to the delivery', async () => {
    const nightly = await consumer('Hệ thống sau mỗi lượt', '/nightly');
    const runner = new JobRunner({ warehouse: h.fx.warehouse, steps: [] });
    const schedules = startSchedules(runner, h.fx.warehouse, [
      { name: 'pipeline', cron: '* * * * * *', timezone: config.schedule.timezone, steps: [transformStep(config), qualityStep(config), deliveryStep(config)] },
    ]);
    try {
      await waitFor(() => receiver.requests.some((r) => r.path === '/nightly'), 150_000);
    } finally {
      await schedules.stop();
    }
    await runner.running?.done;
    const [row] = await h.fx.rows<{ run_id: string; state: string }>(`select run_id, state from meta.deliveries where consumer_id = $1`, [nightly.consumer_id]);
    expect(row.state).toBe('accepted');
    expect((await h.fx.rows(`select 1 from meta.transform_runs where run_id = $1`, [row.run_id])).length).toBe(1);
    expect((await h.fx.rows(`select 1 from meta.quality_runs where run_id = $1`, [row.run_id])).length).toBe(1);
    const jobs = await h.fx.rows<{ run_id: string }>(
      `select run_id from meta.job_runs where trigger = 'schedule' and status = 'succeeded' and step = 'delivery'`,
    );
    expect(jobs.map((j) => j.run_id)).toContain(row.run_id);
  }, 200_000);
});
