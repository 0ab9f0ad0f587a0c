/**
 * The one owner of the warehouse's durable state (schema `meta`): accounts, the audit log, run
 * history of every stage, the quality history, and what later stages keep (approvals, frozen
 * versions, consumers, deliveries). Numbered migrations create and change these tables, applied
 * when a warehouse is opened for writing; queries on them are typed with Kysely.
 *
 * @example
 *   const db = metaDb(conn);
 *   const runs = await db.selectFrom('meta.job_runs').selectAll().orderBy('started_at', 'desc').limit(10).execute();
 */
export { metaDb } from './meta-db.ts';
export { migrate } from './migrate.ts';
export { newRunId, attemptRunId, partRunId, isRunId } from './run-id.ts';
export { claimRun, isLiveRun } from './live-runs.ts';
export { hasRunRecords, lastRuns, tableFreshness, type RunStatus, type TableFreshness } from './etl-status.ts';
export type * from './schema.ts';
export * from './consumers.ts';
