/**
 * The steps of a scheduled run, in order: ETL (source -> warehouse), transform (staging, core,
 * indicators) and quality (rules, scores, ranks). Each runs on the server's one warehouse
 * instance under the job's run id.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../lib/config.ts';
import { CsdlError } from '../../lib/errors.ts';
import { openSource } from '../../lib/source.ts';
import { runEtl } from '../ingest/index.ts';
import { runQuality } from '../quality/index.ts';
import { runTransform } from '../transform/index.ts';
import type { JobStep } from './job-runner.ts';

/** A step that ran but reported failure (failed models or tests, failed rules). */
export class StepFailedError extends CsdlError {
  constructor(step: string, runId: string, errors: string[]) {
    super(
      'STEP_FAILED',
      `${step} of run ${runId} failed:\n${errors
        .slice(0, 10)
        .map((e) => `  - ${e}`)
        .join('\n')}`,
      { details: { step, runId } },
    );
  }
}

/** The ETL step: opens the configured (or embedded) source for the run, loads, closes it. */
export function etlStep(config: Config): JobStep {
  return {
    name: 'etl',
    async run({ runId, warehouse }) {
      const source = await openSource(config);
      try {
        await runEtl({ config, sourceUrl: source.url, warehouse, runId });
      } finally {
        await source.close();
      }
    },
  };
}

/** What app/ publishes with the indicators (runTransform's `beforeCommit`: the suppression decisions). */
export type PublishWith = { beforeCommit?: (conn: DuckDBConnection) => Promise<unknown> };

/** The transform step: every default layer (staging, core, indicators). */
export function transformStep(config: Config, publish: PublishWith = {}): JobStep {
  return {
    name: 'transform',
    async run({ runId, warehouse }) {
      const summary = await runTransform({ warehouse, runId, deadlines: config, beforeCommit: publish.beforeCommit });
      if (summary.status !== 'succeeded') throw new StepFailedError('transform', runId, summary.errors);
    },
  };
}

/** The quality step: every rule for every period, scores and ranks published. */
export function qualityStep(config: Config): JobStep {
  return {
    name: 'quality',
    async run({ runId, warehouse }) {
      await runQuality({ warehouse, runId, deadlines: config, bands: config.qualityBands });
    },
  };
}

/** ETL -> transform -> quality. */
export function pipelineSteps(config: Config, publish: PublishWith = {}): JobStep[] {
  return [etlStep(config), transformStep(config, publish), qualityStep(config)];
}
