/**
 * Whether the models the rules read (staging views and core tables) are the ones the current
 * `models/` folder defines. A warehouse last transformed by an older version of the project
 * lacks columns the rules now read (e.g. `core.fct_learners.last_change_status`); without this
 * check a rule would stop the run with DuckDB's binder error instead of saying what to do.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { discoverModels } from '../transform/index.ts';
import { columnsMatchSidecar, relationColumns } from '../transform/index.ts';
import { CsdlError } from '../../lib/errors.ts';

/** The rules' input models are missing or were built by other model definitions. */
export class StaleModelsError extends CsdlError {
  constructor(problems: string[]) {
    super(
      'MODELS_STALE',
      `the warehouse's models do not match this version's models/ (${problems.length} problem${problems.length === 1 ? '' : 's'}); run csdl transform, then csdl quality again:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { details: { problems } },
    );
  }
}

/** Layers whose relations the rules read. */
const INPUT_LAYERS = ['staging', 'core'];

/**
 * Throws StaleModelsError naming every staging or core model that is missing or whose columns
 * differ from its sidecar; does nothing when all match.
 */
export async function assertModelsCurrent(conn: DuckDBConnection): Promise<void> {
  const built = await relationColumns(conn, INPUT_LAYERS);
  const problems: string[] = [];
  for (const model of discoverModels(undefined, INPUT_LAYERS)) {
    const columns = built.get(model.id);
    if (!columns) {
      problems.push(`${model.id} does not exist`);
      continue;
    }
    const mismatch = columnsMatchSidecar(model, columns);
    if (mismatch) problems.push(`${model.id}: ${mismatch}`);
  }
  if (problems.length) throw new StaleModelsError(problems);
}
