/**
 * `csdl etl` for the kill tests: runs the ETL in this process with pause points injected, set by
 * environment variables, so the test can SIGKILL it at a known moment:
 *   CSDL_ETL_TEST_PAUSE_AFTER_STAGE=<ms>       after every table is staged, before the publish begins
 *   CSDL_ETL_TEST_PAUSE_BEFORE_COMMIT=<ms>     inside the publish transaction, just before COMMIT
 *   CSDL_ETL_TEST_PAUSE_BEFORE_CHECKPOINT=<ms> after COMMIT, before the run's checkpoint (the run is
 *                                              then in the WAL only)
 *   CSDL_ETL_TEST_PAUSE_DURING_MERGE=<ms>      after the first committed slice of a merge
 *   CSDL_ETL_TEST_MERGE_SLICE_ROWS=<n>         merge slices of n row positions, so that small tables take several
 *   CSDL_ETL_TEST_FULL=1                       load every table in full (`csdl etl --full`)
 * On reaching one, it writes `csdl-etl: test pause <point> run=<id>` to stderr and waits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../../lib/config.ts';
import { runEtl, type EtlPausePoint } from '../../../pipelines/ingest/run-etl.ts';

const variables: Record<EtlPausePoint, string> = {
  'after-stage': 'CSDL_ETL_TEST_PAUSE_AFTER_STAGE',
  'before-commit': 'CSDL_ETL_TEST_PAUSE_BEFORE_COMMIT',
  'before-checkpoint': 'CSDL_ETL_TEST_PAUSE_BEFORE_CHECKPOINT',
  'during-merge': 'CSDL_ETL_TEST_PAUSE_DURING_MERGE',
};

const config = loadConfig();
const slice = Number(process.env.CSDL_ETL_TEST_MERGE_SLICE_ROWS ?? '');
await runEtl({
  config,
  sourceUrl: config.databaseUrl!,
  full: process.env.CSDL_ETL_TEST_FULL === '1',
  hooks: {
    mergeSliceRows: Number.isInteger(slice) && slice > 0 ? slice : undefined,
    async pause(point, runId) {
      const ms = Number(process.env[variables[point]] ?? '');
      if (!Number.isFinite(ms) || ms <= 0) return;
      process.stderr.write(`csdl-etl: test pause ${point} run=${runId}\n`);
      await sleep(ms);
    },
  },
});
