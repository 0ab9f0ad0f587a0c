/**
 * The node-cron schedule drives the runner: a tick starts a run; a tick during a run is
 * skipped, never a second run at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { JobRunner } from '../../pipelines/jobs/job-runner.ts';
import { startSchedule } from '../../pipelines/jobs/scheduler.ts';

describe('startSchedule', () => {
  let dir: string;
  let warehouse: Warehouse;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-schedule-'));
    warehouse = await openWarehouse(join(dir, 'w.duckdb'), { memoryLimit: '256MB' });
  });
  afterAll(() => {
    warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts runs on its ticks and skips ticks while a run is in progress', async () => {
    let active = 0;
    let maxActive = 0;
    const runner = new JobRunner({
      warehouse,
      steps: [
        {
          name: 'etl',
          run: async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, 1600));
            active--;
          },
        },
      ],
    });
    await runner.init();
    const schedule = startSchedule(runner, '* * * * * *');
    await new Promise((r) => setTimeout(r, 3400));
    await schedule.stop();
    await runner.running?.done;
    const conn = await warehouse.connect();
    const runs = await queryRows<{ trigger: string; status: string }>(conn, `select trigger, status from meta.job_runs`);
    conn.closeSync();
    // three or four ticks, runs of 1,6 s: each run covers the tick after it, so at most two runs
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(2);
    expect(runs.every((r) => r.trigger === 'schedule' && r.status === 'succeeded')).toBe(true);
    expect(maxActive).toBe(1);
  });
});
