/**
 * The order models are built in. A model depends on every other model it names as
 * `schema.name` in its SQL; the references are read by DuckDB's own parser (so comments, string
 * literals and CTE names never count), then the models are sorted topologically.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Model } from './model-spec.ts';
import { DependencyCycleError, ModelDefinitionError } from './transform-errors.ts';

const layerOrder = ['staging', 'core', 'indicators', 'forms', 'quality'];

/** `schema.name` references of a query, as DuckDB's parser sees them. */
export function tableReferences(conn: DuckDBConnection, sql: string): string[] {
  const refs = new Set<string>();
  for (const raw of conn.getTableNames(sql, true)) {
    const name = raw
      .replace(/\s+as\s+.*$/i, '')
      .replace(/"/g, '')
      .toLowerCase();
    const parts = name.split('.');
    if (parts.length >= 2) refs.add(parts.slice(-2).join('.'));
  }
  return [...refs].sort();
}

/**
 * Fills each model's `dependsOn` and returns the models in build order. A reference to a model
 * layer (`core.x`) that names no model is an error; references to other schemas (raw, input,
 * meta) are inputs the runner does not build.
 */
export function orderModels(conn: DuckDBConnection, models: Model[], allModelIds: Set<string>): Model[] {
  const problems: string[] = [];
  const layers = new Set([...allModelIds].map((id) => id.split('.')[0]));
  for (const m of models) {
    let refs: string[];
    try {
      refs = tableReferences(conn, m.sql);
    } catch (err) {
      problems.push(`${m.id}: SQL does not parse (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    for (const ref of refs) {
      if (ref === m.id) problems.push(`${m.id}: reads itself`);
      else if (layers.has(ref.split('.')[0]) && !allModelIds.has(ref)) problems.push(`${m.id}: reads ${ref}, which is not a model`);
    }
    m.dependsOn = refs.filter((r) => allModelIds.has(r) && r !== m.id);
  }
  if (problems.length > 0) throw new ModelDefinitionError(problems);
  return topologicalSort(models);
}

function rank(m: Model): string {
  const i = layerOrder.indexOf(m.schema);
  return `${String(i < 0 ? layerOrder.length : i).padStart(2, '0')}:${m.id}`;
}

/** Kahn's algorithm with a stable tie-break (layer, then name); a cycle throws naming it. */
export function topologicalSort(models: Model[]): Model[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const pending = new Map(models.map((m) => [m.id, m.dependsOn.filter((d) => byId.has(d)).length]));
  const ready = models.filter((m) => pending.get(m.id) === 0);
  const out: Model[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a).localeCompare(rank(b)));
    const next = ready.shift()!;
    out.push(next);
    for (const m of models) {
      if (!m.dependsOn.includes(next.id)) continue;
      const left = pending.get(m.id)! - 1;
      pending.set(m.id, left);
      if (left === 0) ready.push(m);
    }
  }
  if (out.length < models.length)
    throw new DependencyCycleError(
      findCycle(
        models.filter((m) => !out.includes(m)),
        byId,
      ),
    );
  return out;
}

function findCycle(stuck: Model[], byId: Map<string, Model>): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  let current: Model | undefined = stuck[0];
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current.id);
    current = current.dependsOn.map((d) => byId.get(d)).find((d) => d && stuck.includes(d));
  }
  if (!current) return path;
  return [...path.slice(path.indexOf(current.id)), current.id];
}
