/**
 * What the target database holds before a run, and getting it ready: apply the schema to an
 * empty database, refuse to touch data the generator did not write, skip when the same preset
 * and seed are already complete, otherwise drop `csdl` and `synthetic` and start again.
 */
import type pg from 'pg';
import { RefusedError } from '../../lib/errors.ts';
import { applySourceSchema } from '../source/apply-schema.ts';
import { DATA_TABLES } from './columns.ts';

/** The last run recorded in synthetic.generation. */
export type Generation = { seed: number; preset: string; counts: Record<string, unknown> | null; finished: boolean };

/** What prepareDatabase did: created the schema, replaced a previous run, or found this run complete. */
export type Readiness = { action: 'created' | 'replaced' | 'skipped'; previous: Generation | null };

async function exists(client: pg.ClientBase, relation: string): Promise<boolean> {
  const { rows } = await client.query('select to_regclass($1) is not null as ok', [relation]);
  return rows[0].ok as boolean;
}

/** The last generation recorded in `synthetic.generation`, if any. */
export async function lastGeneration(client: pg.ClientBase): Promise<Generation | null> {
  if (!(await exists(client, 'synthetic.generation'))) return null;
  const { rows } = await client.query('select seed, preset, counts, finished_at from synthetic.generation order by started_at desc limit 1');
  if (!rows.length) return null;
  return { seed: Number(rows[0].seed), preset: rows[0].preset, counts: rows[0].counts, finished: rows[0].finished_at !== null };
}

async function holdsData(client: pg.ClientBase): Promise<string | null> {
  for (const table of DATA_TABLES) {
    if (!(await exists(client, `csdl.${table}`))) continue;
    const { rows } = await client.query(`select exists (select 1 from csdl.${table}) as some`);
    if (rows[0].some) return table;
  }
  return null;
}

/** Drops the generator's schemas and applies the source schema afresh. */
export async function resetSchema(client: pg.ClientBase): Promise<void> {
  await client.query('drop schema if exists csdl cascade');
  await client.query('drop schema if exists synthetic cascade');
  await applySourceSchema(client);
}

/**
 * Decides what to do with the target database; throws RefusedError when it holds CSDL data that
 * no generator run wrote.
 */
export async function prepareDatabase(client: pg.ClientBase, preset: string, seed: number, force: boolean, where: string): Promise<Readiness> {
  const schema = await client.query(`select exists (select 1 from information_schema.schemata where schema_name = 'csdl') as ok`);
  if (!schema.rows[0].ok) {
    await resetSchema(client);
    return { action: 'created', previous: null };
  }
  const previous = await lastGeneration(client);
  const table = await holdsData(client);
  if (!previous && table) {
    throw new RefusedError(
      `The database ${where} already holds CSDL data (csdl.${table} has rows) that the generator did not write ` +
        '(no synthetic.generation record). Refusing to overwrite it: point CSDL_DATABASE_URL at an empty database.',
      { table },
    );
  }
  if (previous && previous.finished && previous.preset === preset && previous.seed === seed && !force) {
    return { action: 'skipped', previous };
  }
  await resetSchema(client);
  return { action: previous || table ? 'replaced' : 'created', previous };
}
