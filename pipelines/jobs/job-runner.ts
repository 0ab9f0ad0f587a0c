/**
 * Runs the pipeline's steps in order under one run id, never two runs at once, retrying a step
 * that fails with a transient error (source down, lock held) with exponential backoff, and
 * stopping at a terminal one. Every run is recorded in meta.job_runs.
 *
 * @example
 *   const runner = new JobRunner({ warehouse, steps: pipelineSteps(config) });
 *   const { runId, done } = runner.start('manual', 'acc_123');   // throws JobRunningError if busy
 *   await done;
 */
import { CsdlError, isTransient } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { attemptRunId, newRunId } from '../../lib/meta-store/index.ts';
import { closeInterrupted, recordEnd, recordStart, recordStep } from './job-runs.ts';

/**
 * One step: gets the id its records use (the run's id, `<run id>.2` on a second attempt) and the
 * shared warehouse.
 */
export type JobStep = { name: string; run(ctx: { runId: string; warehouse: Warehouse }): Promise<void> };

/** How a run ended; a failed run says whether the step that stopped it failed in a way worth retrying later. */
export type JobResult = { runId: string; status: 'succeeded'; error: null } | { runId: string; status: 'failed'; error: string; transient: boolean };

/** Thrown when a run is asked for while one is in progress. */
export class JobRunningError extends CsdlError {
  constructor(runId: string) {
    super('JOB_RUNNING', `Một lượt chạy đang diễn ra / run ${runId} is in progress; wait for it to finish.`, { details: { runId } });
  }
}

export type JobRunnerOptions = {
  warehouse: Warehouse;
  steps: JobStep[];
  /** Tries per step for transient failures (default 3). */
  attempts?: number;
  /** First backoff in ms, doubled each retry (default 30 s). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * DuckDB threads while a run is in progress, restored after it (csdl serve: CSDL_PIPELINE_THREADS).
   * The setting is the instance's: a run's parallel tasks stay within it, and every API query
   * still runs on the thread that called it, so that a run cannot take every core from the API.
   */
  threads?: number;
};

/** Owns the pipeline's runs inside the server process. */
export class JobRunner {
  private current: { runId: string; done: Promise<JobResult> } | null = null;
  private readonly ended = new Set<(result: JobResult) => void>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: JobRunnerOptions) {
    this.attempts = opts.attempts ?? 3;
    this.backoffMs = opts.backoffMs ?? 30_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Marks runs a previous process left 'running' as interrupted. */
  async init(): Promise<void> {
    const conn = await this.opts.warehouse.connect();
    try {
      for (const runId of await closeInterrupted(conn)) log.warn('marked a pipeline run the previous process left running as interrupted', { runId });
    } finally {
      conn.closeSync();
    }
  }

  /** Calls `listener` after each run, once it no longer counts as running; returns its removal. */
  onEnd(listener: (result: JobResult) => void): () => void {
    this.ended.add(listener);
    return () => this.ended.delete(listener);
  }

  /** The run in progress, if any. */
  get running(): { runId: string; done: Promise<JobResult> } | null {
    return this.current;
  }

  /**
   * Starts a run in the background; throws JobRunningError when one is in progress. `steps`
   * replaces the pipeline's (a consumer's own schedule runs only its delivery), so that every
   * run on the warehouse, whatever its steps, waits for no other and overlaps none.
   */
  start(
    trigger: 'schedule' | 'manual' | 'api' | 'startup',
    requestedBy: string | null = null,
    steps: JobStep[] = this.opts.steps,
  ): { runId: string; done: Promise<JobResult> } {
    if (this.current) throw new JobRunningError(this.current.runId);
    const runId = newRunId();
    const done = this.execute(runId, trigger, requestedBy, steps).finally(() => {
      this.current = null;
    });
    // a run that could not even be recorded rejects `done` for its caller; listeners hear of runs that ended
    done.then(
      (result) => {
        for (const listener of this.ended) {
          try {
            listener(result);
          } catch (err) {
            log.warn('a listener of the end of a run failed', { runId, error: (err as Error).message });
          }
        }
      },
      () => undefined,
    );
    this.current = { runId, done };
    return this.current;
  }

  private async execute(runId: string, trigger: string, requestedBy: string | null, steps: JobStep[]): Promise<JobResult> {
    const conn = await this.opts.warehouse.connect();
    const restore = this.opts.threads ? await limitThreads(conn, this.opts.threads) : undefined;
    try {
      await recordStart(conn, runId, trigger, requestedBy);
      log.info('job run started', { runId, trigger });
      for (const step of steps) {
        for (let attempt = 1; ; attempt++) {
          await recordStep(conn, runId, step.name);
          try {
            await step.run({ runId: attemptRunId(runId, attempt), warehouse: this.opts.warehouse });
            break;
          } catch (err) {
            const message = `${step.name}: ${(err as Error).message}`;
            if (!isTransient(err) || attempt >= this.attempts) {
              await recordEnd(conn, runId, 'failed', message);
              log.error('job run failed', { runId, step: step.name, attempt, error: (err as Error).message });
              return { runId, status: 'failed', error: message, transient: isTransient(err) };
            }
            const wait = this.backoffMs * 2 ** (attempt - 1);
            log.warn('job step failed, retrying', { runId, step: step.name, attempt, waitMs: wait, error: (err as Error).message });
            await this.sleep(wait);
          }
        }
      }
      await recordEnd(conn, runId, 'succeeded', null);
      log.info('job run finished', { runId });
      return { runId, status: 'succeeded', error: null };
    } finally {
      await restore?.();
      conn.closeSync();
    }
  }
}

/** Sets the instance's DuckDB threads to `threads`; the returned function puts the previous value back. */
async function limitThreads(conn: DuckDBConnection, threads: number): Promise<() => Promise<void>> {
  const [{ n }] = await queryRows<{ n: number }>(conn, `select current_setting('threads')::int as n`);
  await conn.run(`set threads = ${Math.floor(threads)}`);
  return async () => {
    await conn.run(`set threads = ${Number(n)}`).catch((err: Error) => log.warn('could not restore the DuckDB threads after a run', { error: err.message }));
  };
}
