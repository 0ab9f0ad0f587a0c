/**
 * Missed schedules with a fake clock: the last due tick between the recorded one and now is found
 * by walking the cron expression's ticks in its time zone; a server that was down across several
 * ticks runs once at start-up, not once per tick; a schedule seen for the first time or changed
 * does not run at once; a catch-up waits for a run in progress rather than overlapping it; the
 * pipeline's missed tick is not run again when an ETL run succeeded after it (`csdl run`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleEntries } from '../../app/delivery-service.ts';
import { loadConfig } from '../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { catchUpSchedules, JobRunner, lastDueTick, type ScheduleEntry } from '../../pipelines/jobs/index.ts';

const TZ = 'Asia/Ho_Chi_Minh';

describe('lastDueTick', () => {
  it('finds the last tick in the time zone, or none', () => {
    // 02:00 in Hà Nội is 19:00 UTC the day before
    expect(lastDueTick('0 2 * * *', TZ, new Date('2026-12-01T18:00:00Z'), new Date('2026-12-04T20:00:00Z'))?.toISOString()).toBe('2026-12-04T19:00:00.000Z');
    expect(lastDueTick('0 2 * * *', TZ, new Date('2026-12-04T19:00:00Z'), new Date('2026-12-05T18:59:59Z'))).toBeNull();
    expect(lastDueTick('0 2 * * *', TZ, new Date('2026-12-04T19:00:00Z'), new Date('2026-12-05T19:00:00Z'))?.toISOString()).toBe('2026-12-05T19:00:00.000Z');
    // weekly on Mondays at 06:30 local; 2026-12-07 is a Monday
    expect(lastDueTick('30 6 * * 1', TZ, new Date('2026-11-01T00:00:00Z'), new Date('2026-12-09T00:00:00Z'))?.toISOString()).toBe('2026-12-06T23:30:00.000Z');
    // every second, missed for a year: found without walking every tick
    const t0 = performance.now();
    expect(lastDueTick('* * * * * *', TZ, new Date('2025-12-05T00:00:00Z'), new Date('2026-12-05T00:00:00.500Z'))?.toISOString()).toBe(
      '2026-12-05T00:00:00.000Z',
    );
    expect(performance.now() - t0).toBeLessThan(5000);
    // seconds
    expect(lastDueTick('*/10 * * * * *', TZ, new Date('2026-12-05T00:00:00Z'), new Date('2026-12-05T00:00:35Z'))?.toISOString()).toBe(
      '2026-12-05T00:00:30.000Z',
    );
  });
});

describe('catchUpSchedules', () => {
  let dir: string;
  let warehouse: Warehouse;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-schedules-'));
    warehouse = await openWarehouse(join(dir, 'w.duckdb'), { memoryLimit: '256MB' });
  });
  afterAll(() => {
    warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the pipeline's missed tick as covered when an ETL run succeeded after it", async () => {
    const config = loadConfig({ CSDL_SCHEDULE: '0 2 * * *', WAREHOUSE_PATH: join(dir, 'w.duckdb') });
    const [pipeline] = await scheduleEntries(config, warehouse);
    expect(pipeline.name).toBe('pipeline');
    const conn = await warehouse.connect();
    await conn.run(`insert into meta.etl_runs (run_id, kind, started_at, status) values ('run-x', 'full', '2026-11-30T20:00:00Z', 'succeeded')`);
    conn.closeSync();
    expect(await pipeline.ranSince!(new Date('2026-11-30T19:00:00Z'))).toBe(true);
    expect(await pipeline.ranSince!(new Date('2026-11-30T21:00:00Z'))).toBe(false);
    const c2 = await warehouse.connect();
    await c2.run(`delete from meta.etl_runs`);
    c2.closeSync();
  });

  it('runs a schedule missed while the server was down once, however many ticks it missed', async () => {
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    const step = {
      name: 'etl',
      run: async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 200));
        active--;
      },
    };
    const runner = new JobRunner({ warehouse, steps: [step] });
    await runner.init();
    const entries: ScheduleEntry[] = [{ name: 'pipeline', cron: '0 2 * * *', timezone: TZ }];
    let clock = new Date('2026-12-01T10:00:00Z');
    const now = () => clock;
    const ticks = async () => {
      const conn = await warehouse.connect();
      try {
        return await queryRows<{ last_tick_at: string; last_run_id: string | null }>(
          conn,
          `select strftime(last_tick_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as last_tick_at, last_run_id from meta.schedules where name = 'pipeline'`,
        );
      } finally {
        conn.closeSync();
      }
    };

    // first seen: recorded, not run
    expect(await catchUpSchedules(runner, warehouse, entries, now)).toEqual([]);
    expect((await ticks())[0].last_tick_at).toBe('2026-12-01T10:00:00Z');
    // an hour later: no tick fell due
    clock = new Date('2026-12-01T11:00:00Z');
    expect(await catchUpSchedules(runner, warehouse, entries, now)).toEqual([]);
    // down for four nights: one run, at the last missed tick
    clock = new Date('2026-12-05T08:00:00Z');
    expect(await catchUpSchedules(runner, warehouse, entries, now)).toEqual(['pipeline']);
    await runner.running?.done;
    expect(runs).toBe(1);
    const [t] = await ticks();
    expect(t.last_tick_at).toBe('2026-12-04T19:00:00Z');
    expect(t.last_run_id).toMatch(/^run-/);
    // started again the same morning: nothing more
    clock = new Date('2026-12-05T09:00:00Z');
    expect(await catchUpSchedules(runner, warehouse, entries, now)).toEqual([]);
    expect(runs).toBe(1);

    // a tick missed while a later run already did the work (csdl run before serving) is not run again
    clock = new Date('2026-12-06T09:00:00Z');
    const asked: string[] = [];
    const covered = [{ ...entries[0], ranSince: async (due: Date) => (asked.push(due.toISOString()), true) }];
    expect(await catchUpSchedules(runner, warehouse, covered, now)).toEqual([]);
    expect(asked).toEqual(['2026-12-05T19:00:00.000Z']);
    expect(runs).toBe(1);
    expect((await ticks())[0].last_tick_at).toBe('2026-12-05T19:00:00Z');

    // a changed expression starts counting anew
    clock = new Date('2026-12-09T09:00:00Z');
    expect(await catchUpSchedules(runner, warehouse, [{ ...entries[0], cron: '0 3 * * *' }], now)).toEqual([]);
    expect(runs).toBe(1);

    // a catch-up while a run is in progress waits for it: never two at once
    clock = new Date('2026-12-12T09:00:00Z');
    const busy = runner.start('manual');
    expect(await catchUpSchedules(runner, warehouse, [{ ...entries[0], cron: '0 3 * * *' }], now)).toEqual(['pipeline']);
    await busy.done;
    await runner.running?.done;
    expect(runs).toBe(3);
    expect(maxActive).toBe(1);
    const conn = await warehouse.connect();
    const jobs = await queryRows<{ trigger: string; status: string }>(conn, `select trigger, status from meta.job_runs order by started_at`);
    conn.closeSync();
    expect(jobs.map((j) => j.trigger)).toEqual(['schedule', 'manual', 'schedule']);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
  });
});
