/**
 * Finds the SQL models under `models/`: every `<layer>/.../<name>.sql` with its sidecar
 * `<name>.json`. The model's schema is its top folder (staging, core, indicators, quality) and its
 * name the file name, so `models/core/dim_units.sql` becomes `core.dim_units`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelSpecSchema, type Model } from './model-spec.ts';
import { ModelDefinitionError } from './transform-errors.ts';

/**
 * Folders of `models/` that hold SQL read by a stage rather than models: the quality rules
 * (models/quality/rules/, loaded by pipelines/quality).
 */
const NOT_MODELS = new Set(['rules']);

/** The repository's `models/` folder. */
export const defaultModelsDir = fileURLToPath(new URL('../../models/', import.meta.url));

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_MODELS.has(entry.name)) out.push(...sqlFiles(path));
    } else if (entry.name.endsWith('.sql')) out.push(path);
  }
  return out.sort();
}

/** Every model's `schema.name` under the folder, read from file names only. */
export function listModelIds(modelsDir: string = defaultModelsDir): Set<string> {
  return new Set(
    sqlFiles(modelsDir)
      .map((p) => relative(modelsDir, p).split(sep))
      .filter((parts) => parts.length >= 2)
      .map((parts) => `${parts[0]}.${basename(parts[parts.length - 1], '.sql')}`),
  );
}

/**
 * Reads the models of the given layers (all layers when omitted). Every problem (missing or
 * invalid sidecar, duplicate name, a sidecar column that is not unique) is reported at once.
 */
export function discoverModels(modelsDir: string = defaultModelsDir, layers?: string[]): Model[] {
  const problems: string[] = [];
  const models: Model[] = [];
  for (const sqlPath of sqlFiles(modelsDir)) {
    const parts = relative(modelsDir, sqlPath).split(sep);
    if (parts.length < 2) {
      problems.push(`${sqlPath}: a model must sit in a layer folder (models/<layer>/<name>.sql)`);
      continue;
    }
    const schema = parts[0];
    if (layers && !layers.includes(schema)) continue;
    const name = basename(sqlPath, '.sql');
    const sidecarPath = sqlPath.replace(/\.sql$/, '.json');
    if (!existsSync(sidecarPath)) {
      problems.push(`${schema}.${name}: sidecar ${relative(modelsDir, sidecarPath)} is missing (grain, columns, tests)`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(sidecarPath, 'utf8'));
    } catch (err) {
      problems.push(`${schema}.${name}: sidecar is not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = modelSpecSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${schema}.${name}: sidecar ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      continue;
    }
    const names = parsed.data.columns.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) problems.push(`${schema}.${name}: column ${dup} is described twice in the sidecar`);
    const id = `${schema}.${name}`;
    if (models.some((m) => m.id === id)) problems.push(`${id}: defined twice (${sqlPath})`);
    const sql = readFileSync(sqlPath, 'utf8').trim().replace(/;\s*$/, '');
    models.push({ id, schema, name, sqlPath, sql, spec: parsed.data, dependsOn: [] });
  }
  if (problems.length > 0) throw new ModelDefinitionError(problems);
  return models;
}
