/**
 * Which models a run builds: layers (`core`), qualified names (`core.dim_units`) or bare names
 * (`dim_units`), defaulting to the layers this runner owns.
 */
import { ModelDefinitionError } from './transform-errors.ts';

/** The layers `csdl transform` builds when nothing is selected. */
export const DEFAULT_LAYERS = ['staging', 'core', 'indicators', 'forms', 'serving'];

/**
 * What each serving table is derived from: a run that rebuilds one of those rebuilds the table too.
 * A serving table not listed follows the indicators.
 */
const DERIVED_FROM: Record<string, (id: string) => boolean> = {
  'serving.unit_children': (id) => id === 'core.dim_units' || id === 'core.dim_periods',
};
const fromIndicators = (id: string) => id.startsWith('indicators.');

/** Resolves a selection to model ids; an unknown name or layer is an error listing them all. */
export function selectModelIds(allIds: Set<string>, select?: string[]): Set<string> {
  const wanted = select?.length ? select : DEFAULT_LAYERS;
  const out = new Set<string>();
  const unknown: string[] = [];
  for (const item of wanted) {
    const matches = [...allIds].filter((id) => id === item || id.startsWith(`${item}.`) || id.split('.')[1] === item);
    if (matches.length === 0 && !DEFAULT_LAYERS.includes(item)) unknown.push(item);
    for (const id of matches) out.add(id);
  }
  if (unknown.length) throw new ModelDefinitionError(unknown.map((u) => `--select ${u}: không có mô hình hoặc tầng nào tên này`));
  // the serving tables must never lag the contract they are derived from
  for (const id of allIds) if (id.startsWith('serving.') && [...out].some(DERIVED_FROM[id] ?? fromIndicators)) out.add(id);
  return out;
}
