/**
 * The schedule (node-cron) of pipeline runs inside `csdl serve`: at each tick it asks the
 * runner for a run; a tick that finds a run still in progress is skipped and logged.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { log } from '../../lib/log.ts';
import { JobRunningError, type JobRunner } from './job-runner.ts';

/** Starts the schedule; `stop()` ends it (a run in progress goes on; await runner.running.done). */
export function startSchedule(runner: JobRunner, expression: string, timezone = 'Asia/Ho_Chi_Minh'): { stop(): Promise<void> } {
  const task: ScheduledTask = cron.schedule(
    expression,
    () => {
      try {
        const { runId, done } = runner.start('schedule');
        log.info('scheduled run', { runId, schedule: expression });
        void done;
      } catch (err) {
        if (err instanceof JobRunningError) log.warn('scheduled run skipped: one is in progress', { runId: err.details.runId });
        else log.error('scheduled run could not start', { error: (err as Error).message });
      }
    },
    { timezone, name: 'csdl-pipeline' },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
