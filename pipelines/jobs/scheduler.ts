/**
 * The schedules (node-cron) of `csdl serve`: the pipeline's, and each consumer's own. At each tick
 * a schedule asks the one runner for a run of its steps, so no two runs on the warehouse ever
 * overlap; a tick that finds a run in progress is skipped and logged. Each tick is recorded in
 * meta.schedules; at start-up a schedule whose due tick passed while the server was down runs
 * once, however many ticks it missed (the last due tick is found by walking the expression's
 * ticks from the recorded one up to now).
 */
import cron, { type ScheduledTask } from 'node-cron';
import { log } from '../../lib/log.ts';
import { recordScheduleTick, scheduleState } from '../../lib/meta-store/index.ts';
import type { Warehouse } from '../../lib/warehouse.ts';
import { JobRunningError, type JobRunner, type JobStep } from './job-runner.ts';

/**
 * A named schedule; without `steps` it runs the pipeline's. `ranSince(due)` tells a catch-up that
 * a run doing the same work started after the missed tick (e.g. `csdl run` ran the pipeline
 * before serving), so the tick is not run again.
 */
export type ScheduleEntry = { name: string; cron: string; timezone: string; steps?: JobStep[]; ranSince?: (due: Date) => Promise<boolean> };

type Walker = { getNextMatch(d: Date): Date };

/** The first tick of `task` strictly after `from`. */
function nextTick(task: ScheduledTask, from: Date, secondly: boolean): Date {
  // node-cron's own walker jumps field by field; its task keeps it as `timeMatcher`
  const walker = (task as unknown as { timeMatcher?: Walker }).timeMatcher;
  if (walker && typeof walker.getNextMatch === 'function') return walker.getNextMatch(from);
  const step = secondly ? 1000 : 60_000;
  let t = Math.floor(from.getTime() / step) * step + step;
  for (let i = 0; i < 600_000; i++, t += step) if (task.match(new Date(t))) return new Date(t);
  return new Date(8.64e15);
}

/**
 * The last tick of `expression` in (`after`, `now`], or null when none fell due: what a server
 * that was down from `after` to `now` missed, counted once.
 */
export function lastDueTick(expression: string, timezone: string, after: Date, now: Date): Date | null {
  const task = cron.createTask(expression, () => {}, { timezone, name: 'csdl-due-tick' });
  try {
    const secondly = expression.trim().split(/\s+/).length === 6;
    // walk from the latest of a few windows back from now that holds a tick, so that a frequent
    // schedule missed for long walks an hour or a day of ticks, not all of them
    for (const window of [3600e3, 86_400e3, 31 * 86_400e3, 366 * 86_400e3, Infinity]) {
      const from = new Date(Math.max(after.getTime(), now.getTime() - window));
      let t = nextTick(task, from, secondly);
      if (t.getTime() > now.getTime()) {
        if (from.getTime() === after.getTime()) return null;
        continue;
      }
      let last = t;
      for (t = nextTick(task, t, secondly); t.getTime() <= now.getTime(); t = nextTick(task, t, secondly)) last = t;
      return last;
    }
    return null;
  } finally {
    void task.destroy();
  }
}

function startRun(runner: JobRunner, entry: ScheduleEntry, why: string): string | null {
  try {
    const { runId } = runner.start('schedule', null, entry.steps);
    log.info('scheduled run', { runId, schedule: entry.name, cron: entry.cron, why });
    return runId;
  } catch (err) {
    if (err instanceof JobRunningError) log.warn('scheduled run skipped: one is in progress', { schedule: entry.name, runId: err.details.runId });
    else log.error('scheduled run could not start', { schedule: entry.name, error: (err as Error).message });
    return null;
  }
}

async function record(warehouse: Warehouse, entry: ScheduleEntry, tick: Date, runId: string | null): Promise<void> {
  const conn = await warehouse.connect();
  try {
    await recordScheduleTick(conn, { name: entry.name, cron: entry.cron, timezone: entry.timezone, tick, runId });
  } finally {
    conn.closeSync();
  }
}

/**
 * Runs, once each, the schedules whose due tick passed since their recorded one (a schedule seen
 * for the first time, or whose expression changed, starts counting now). Waits for a run in
 * progress before each; returns the names run.
 */
export async function catchUpSchedules(
  runner: JobRunner,
  warehouse: Warehouse,
  entries: ScheduleEntry[],
  now: () => Date = () => new Date(),
): Promise<string[]> {
  const ran: string[] = [];
  for (const entry of entries) {
    const conn = await warehouse.connect();
    let state;
    try {
      state = await scheduleState(conn, entry.name);
    } finally {
      conn.closeSync();
    }
    const at = now();
    const due = state?.last_tick_at && state.cron === entry.cron ? lastDueTick(entry.cron, entry.timezone, new Date(state.last_tick_at), at) : null;
    if (!due) {
      if (!state || state.cron !== entry.cron) await record(warehouse, entry, at, null);
      continue;
    }
    await runner.running?.done;
    if (await entry.ranSince?.(due)) {
      log.info('missed tick already covered by a later run', { schedule: entry.name, tick: due.toISOString() });
      await record(warehouse, entry, due, null);
      continue;
    }
    const runId = startRun(runner, entry, `missed tick ${due.toISOString()}`);
    await record(warehouse, entry, due, runId);
    if (runId) ran.push(entry.name);
  }
  return ran;
}

/** Starts the schedules' cron tasks; `stop()` ends them (a run in progress goes on). */
export function startSchedules(runner: JobRunner, warehouse: Warehouse, entries: ScheduleEntry[]): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = entries.map((entry) =>
    cron.schedule(
      entry.cron,
      async (ctx) => {
        const runId = startRun(runner, entry, 'tick');
        await record(warehouse, entry, ctx.date ?? new Date(), runId).catch((err: Error) =>
          log.warn('schedule tick not recorded', { schedule: entry.name, error: err.message }),
        );
      },
      { timezone: entry.timezone, name: `csdl-${entry.name}` },
    ),
  );
  return {
    async stop() {
      for (const task of tasks) {
        await task.stop();
        await task.destroy();
      }
    },
  };
}

/** The pipeline's schedule alone, unrecorded (kept for callers without a warehouse of schedules). */
export function startSchedule(runner: JobRunner, expression: string, timezone = 'Asia/Ho_Chi_Minh'): { stop(): Promise<void> } {
  const entry: ScheduleEntry = { name: 'pipeline', cron: expression, timezone };
  const task = cron.schedule(expression, () => void startRun(runner, entry, 'tick'), { timezone, name: 'csdl-pipeline' });
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
