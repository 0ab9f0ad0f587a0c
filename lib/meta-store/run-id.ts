/**
 * One run-id format for every durable record: `run-20261204T170000Z-1a2b3c`. A pipeline run
 * started by the scheduler or the API passes its id to every step (ingest, transform, quality,
 * export, delivery), so one id follows it from the source to the receiver; a step run on its own
 * (`csdl etl`) makes its own. A retried step records its attempt as `<run id>.2`, `.3`...; a step
 * that runs parts under records of their own names them `<run id>.<part>`.
 */
import { randomBytes } from 'node:crypto';

const RUN_ID = /^run-\d{8}T\d{6}Z-[0-9a-f]{6}(\.[a-z0-9-]+)*$/;

/** A fresh run id (UTC time of the start, six random hex digits). */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The id a step records for its `attempt` (1-based) of run `runId`. */
export function attemptRunId(runId: string, attempt: number): string {
  return attempt <= 1 ? runId : `${runId}.${attempt}`;
}

/** The id of a part of run `runId` that keeps records of its own (`run-...-1a2b3c.quality-inputs`). */
export function partRunId(runId: string, part: string): string {
  return `${runId}.${part}`;
}

/** True for ids this module makes. */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/**
 * The status words of every run record: a run is `running` until it `succeeded` or `failed`;
 * one found `running` by the next start (its process died) becomes `interrupted`.
 */
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'interrupted'] as const;
export type RunStatusWord = (typeof RUN_STATUSES)[number];
