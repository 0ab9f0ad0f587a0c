/**
 * Pause points for the kill tests, inert unless their environment variable is set:
 *   CSDL_ETL_TEST_PAUSE_AFTER_STAGE=<ms>   after every table is staged, before the publish begins
 *   CSDL_ETL_TEST_PAUSE_BEFORE_COMMIT=<ms> inside the publish transaction, just before COMMIT
 *   CSDL_ETL_TEST_PAUSE_BEFORE_CHECKPOINT=<ms> after COMMIT, before the run's checkpoint (the run
 *                                          is then in the WAL only)
 *   CSDL_ETL_TEST_PAUSE_DURING_MERGE=<ms>  after the first committed slice of a merge (load/merge.ts)
 *   CSDL_ETL_TEST_MERGE_SLICE_ROWS=<n>     merge slices of n row positions instead of MERGE_SLICE_ROWS,
 *                                          so that a test's small tables take several
 * On reaching one, the run writes `csdl-etl: test pause <point> run=<id>` to stderr and waits, so a
 * test can SIGKILL the process at a known moment and check that the warehouse kept its state.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type PausePoint = 'after-stage' | 'before-commit' | 'before-checkpoint' | 'during-merge';

const variables: Record<PausePoint, string> = {
  'after-stage': 'CSDL_ETL_TEST_PAUSE_AFTER_STAGE',
  'before-commit': 'CSDL_ETL_TEST_PAUSE_BEFORE_COMMIT',
  'before-checkpoint': 'CSDL_ETL_TEST_PAUSE_BEFORE_CHECKPOINT',
  'during-merge': 'CSDL_ETL_TEST_PAUSE_DURING_MERGE',
};

/** The merge's slice size a test asked for, else undefined. */
export function testMergeSliceRows(): number | undefined {
  const n = Number(process.env.CSDL_ETL_TEST_MERGE_SLICE_ROWS ?? '');
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Waits at `point` when its variable names a duration in milliseconds. */
export async function testPause(point: PausePoint, runId: string): Promise<void> {
  const ms = Number(process.env[variables[point]] ?? '');
  if (!Number.isFinite(ms) || ms <= 0) return;
  process.stderr.write(`csdl-etl: test pause ${point} run=${runId}\n`);
  await sleep(ms);
}
