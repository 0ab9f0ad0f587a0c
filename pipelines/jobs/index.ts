/**
 * The jobs stage: pipeline runs (ingest -> transform -> quality) one at a time under one run id,
 * on request or on a node-cron schedule. What the entry points may use of it.
 */
export { JobRunner, type JobStep } from './job-runner.ts';
export { pipelineSteps } from './pipeline-steps.ts';
export { startSchedules, catchUpSchedules, lastDueTick, type ScheduleEntry } from './scheduler.ts';
