/**
 * The job runner on a real DuckDB file with steps that succeed, fail transiently or fail for
 * good: order, retries with doubling backoff, one run at a time, and meta.job_runs records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsdlError, SourceUnavailableError } from '../../lib/errors.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { JobRunner, JobRunningError, type JobStep } from '../../pipelines/jobs/job-runner.ts';

describe('JobRunner', () => {
  let dir: string;
  let warehouse: Warehouse;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-jobs-'));
    warehouse = await openWarehouse(join(dir, 'w.duckdb'), { memoryLimit: '256MB' });
  });
  afterAll(() => {
    warehouse?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const runRow = async (runId: string) => {
    const conn = await warehouse.connect();
    try {
      return (
        await queryRows<{ status: string; step: string; attempts: number; error: string | null }>(
          conn,
          `select status, step, attempts, error from meta.job_runs where run_id = $1`,
          [runId],
        )
      )[0];
    } finally {
      conn.closeSync();
    }
  };

  it('runs the steps in order under one run id (a retried attempt under <id>.n), retrying transient failures with doubling waits', async () => {
    const seen: string[] = [];
    const waits: number[] = [];
    let etlTries = 0;
    const steps: JobStep[] = [
      {
        name: 'etl',
        run: async ({ runId }) => {
          seen.push(`etl ${runId}`);
          if (++etlTries < 3) throw new SourceUnavailableError('source down');
        },
      },
      { name: 'transform', run: async ({ runId }) => void seen.push(`transform ${runId}`) },
      { name: 'quality', run: async ({ runId }) => void seen.push(`quality ${runId}`) },
    ];
    const runner = new JobRunner({ warehouse, steps, attempts: 3, backoffMs: 100, sleep: async (ms) => void waits.push(ms) });
    await runner.init();
    const { runId, done } = runner.start('manual', 'tester');
    expect(await done).toEqual({ runId, status: 'succeeded', error: null });
    expect(runId).toMatch(/^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(seen).toEqual([`etl ${runId}`, `etl ${runId}.2`, `etl ${runId}.3`, `transform ${runId}`, `quality ${runId}`]);
    expect(waits).toEqual([100, 200]);
    expect(await runRow(runId)).toMatchObject({ status: 'succeeded', step: 'quality', attempts: 5, error: null });
  });

  it('stops at a terminal failure without retrying and records it', async () => {
    let tries = 0;
    const runner = new JobRunner({
      warehouse,
      steps: [
        { name: 'etl', run: async () => void tries++ },
        {
          name: 'transform',
          run: async () => {
            tries++;
            throw new CsdlError('SCHEMA_DRIFT', 'column gone');
          },
        },
        { name: 'quality', run: async () => void tries++ },
      ],
      backoffMs: 0,
    });
    const { runId, done } = runner.start('schedule');
    expect(await done).toMatchObject({ status: 'failed', error: 'transform: column gone' });
    expect(tries).toBe(2);
    expect(await runRow(runId)).toMatchObject({ status: 'failed', step: 'transform', error: 'transform: column gone' });
  });

  it('gives up after the last attempt of a transient failure', async () => {
    const runner = new JobRunner({
      warehouse,
      steps: [
        {
          name: 'etl',
          run: async () => {
            throw new SourceUnavailableError('still down');
          },
        },
      ],
      attempts: 2,
      backoffMs: 0,
    });
    const { runId, done } = runner.start('schedule');
    expect((await done).status).toBe('failed');
    expect(await runRow(runId)).toMatchObject({ attempts: 2, status: 'failed' });
  });

  it('says whether the failure that stopped a run is worth retrying later', async () => {
    const failing = (err: Error) => new JobRunner({ warehouse, steps: [{ name: 'etl', run: async () => Promise.reject(err) }], attempts: 1 });
    expect(await failing(new SourceUnavailableError('down')).start('manual').done).toMatchObject({ status: 'failed', transient: true });
    expect(await failing(new CsdlError('SCHEMA_DRIFT', 'column gone')).start('manual').done).toMatchObject({ status: 'failed', transient: false });
  });

  it('never runs two at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner = new JobRunner({ warehouse, steps: [{ name: 'etl', run: () => gate }] });
    const first = runner.start('manual');
    expect(() => runner.start('schedule')).toThrow(JobRunningError);
    release();
    await first.done;
    const second = runner.start('schedule');
    expect((await second.done).status).toBe('succeeded');
  });

  it('tells its listeners of each run that ended, succeeded or failed, once it no longer counts as running', async () => {
    const heard: Array<{ status: string; running: boolean }> = [];
    let fail = false;
    const runner = new JobRunner({
      warehouse,
      steps: [{ name: 'etl', run: async () => (fail ? Promise.reject(new CsdlError('SCHEMA_DRIFT', 'broken for good')) : undefined) }],
      attempts: 1,
    });
    const unlisten = runner.onEnd((r) => heard.push({ status: r.status, running: runner.running !== null }));
    // a listener that throws does not keep the others from hearing
    runner.onEnd(() => {
      throw new Error('listener failure');
    });
    await runner.start('manual').done;
    fail = true;
    await runner.start('manual').done;
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual([
      { status: 'succeeded', running: false },
      { status: 'failed', running: false },
    ]);
    unlisten();
    fail = false;
    await runner.start('manual').done;
    await new Promise((r) => setImmediate(r));
    expect(heard).toHaveLength(2);
  });

  it('marks runs left running by a dead process as interrupted at start', async () => {
    const conn = await warehouse.connect();
    await conn.run(`insert into meta.job_runs (run_id, trigger, started_at, status) values ('dead-run', 'schedule', current_timestamp, 'running')`);
    conn.closeSync();
    await new JobRunner({ warehouse, steps: [] }).init();
    expect(await runRow('dead-run')).toMatchObject({ status: 'interrupted' });
  });
});
