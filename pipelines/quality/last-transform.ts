/**
 * Whether the models the rules read come from a transform that completed. A transform publishes
 * all its models at its COMMIT or none, but one that did not complete (killed, or still running)
 * means the warehouse's models are older than what its user meant to evaluate: quality refuses
 * until a transform completes, rather than score data the user did not ask about.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsdlError } from '../../lib/errors.ts';
import { isLiveRun, metaDb, partRunId } from '../../lib/meta-store/index.ts';
import { markInterruptedTransforms } from '../transform/index.ts';

/** The last transform did not complete: names the run, its status and what to do. */
export class TransformIncompleteError extends CsdlError {
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    const live = status === 'running';
    super(
      'TRANSFORM_INCOMPLETE',
      live
        ? `Lượt tính mô hình ${runId} đang chạy; chờ lượt đó xong rồi chạy lại csdl quality / ` +
            `transform run ${runId} is still running; wait for it to finish, then run csdl quality again.`
        : `Lượt tính mô hình gần nhất ${runId} chưa hoàn tất (${status}); hãy chạy csdl transform rồi chạy lại csdl quality / ` +
            `the last transform run ${runId} did not complete (${status}): the warehouse still holds the models of the run before it, ` +
            `which may not match the loaded data. Run \`csdl transform\`, then \`csdl quality\` again.`,
      { details: { runId, status }, transient: live },
    );
  }
}

/** The model runs a quality run makes for itself (their ids end so); they do not count here. */
const OWN_PARTS = ['quality-inputs', 'quality-outputs'].map((p) => partRunId('', p));

/**
 * Marks transforms a stopped process left `running` as interrupted (`by` names who noticed), then
 * throws TransformIncompleteError when the last transform outside quality's own did not complete.
 * A warehouse no transform ran on passes (the check of the models themselves follows).
 */
export async function assertLastTransformComplete(conn: DuckDBConnection, by: string): Promise<void> {
  await markInterruptedTransforms(conn, by);
  const runs = await metaDb(conn).selectFrom('meta.transform_runs').select(['run_id', 'status']).orderBy('started_at', 'desc').limit(50).execute();
  const last = runs.find((r) => !OWN_PARTS.some((suffix) => r.run_id.endsWith(suffix)));
  if (!last) return;
  if (last.status === 'interrupted' || (last.status === 'running' && isLiveRun(last.run_id))) {
    throw new TransformIncompleteError(last.run_id, last.status);
  }
}
