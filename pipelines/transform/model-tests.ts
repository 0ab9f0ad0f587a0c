/**
 * Sidecar tests compiled to SQL. Each query returns the offending rows' keys; a test passes when
 * it returns none. A run limited to some provinces tests only those provinces' rows of
 * partitioned models.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../../lib/warehouse.ts';
import type { Model, ModelTest } from './model-spec.ts';

export type TestResult = {
  model: string;
  test: string;
  status: 'pass' | 'fail' | 'error';
  /** Offending rows (or groups, for uniqueness). */
  failures: number;
  /** Keys of up to 10 offending rows. */
  sample: Record<string, unknown>[];
  message: string;
  seconds: number;
};

type CompiledTest = { name: string; sql: string };

const SAMPLE = 10;

function value(v: string | number | boolean): string {
  return typeof v === 'string' ? literal(v) : String(v);
}

function cols(names: string[]): string {
  return names.map(ident).join(', ');
}

/** Turns the sidecar's column and model tests into one list of named queries. */
export function compileTests(model: Model, relation: string): CompiledTest[] {
  const key = model.spec.key;
  const tests: ModelTest[] = [...model.spec.tests];
  for (const c of model.spec.columns) {
    for (const t of c.tests) {
      if (t === 'not_null') tests.push({ not_null: [c.name] });
      else if (t === 'unique') tests.push({ unique: [c.name] });
      else if ('accepted_values' in t) tests.push({ accepted_values: t.accepted_values, column: c.name });
      else tests.push({ relationships: { to: t.relationships.to, columns: [c.name], fields: [t.relationships.field ?? c.name] } });
    }
  }
  const out: CompiledTest[] = [];
  for (const t of tests) {
    if ('unique' in t) {
      const notNull = t.unique.length === 1 ? `where ${ident(t.unique[0])} is not null ` : '';
      out.push({
        name: `unique(${t.unique.join(', ')})`,
        sql: `select ${cols(t.unique)}, count(*) as copies from ${relation} ${notNull}group by all having count(*) > 1`,
      });
    } else if ('not_null' in t) {
      for (const c of t.not_null) out.push({ name: `not_null(${c})`, sql: `select ${cols(key)} from ${relation} where ${ident(c)} is null` });
    } else if ('accepted_values' in t) {
      out.push({
        name: `accepted_values(${t.column})`,
        sql: `select ${cols(key)}, ${ident(t.column)} from ${relation} where ${ident(t.column)} is not null and ${ident(t.column)} not in (${t.accepted_values.map(value).join(', ')})`,
      });
    } else if ('relationships' in t) {
      const r = t.relationships;
      const fields = r.fields ?? r.columns;
      const on = r.columns.map((c, i) => `p.${ident(fields[i])} = c.${ident(c)}`).join(' and ');
      const present = r.columns.map((c) => `c.${ident(c)} is not null`).join(' and ');
      out.push({
        name: `relationships(${r.columns.join(', ')} -> ${r.to}.${fields.join(', ')})`,
        sql: `select ${key.map((k) => `c.${ident(k)}`).join(', ')} from ${relation} as c where ${present} and not exists (select 1 from ${r.to} as p where ${on})`,
      });
    } else {
      const where = t.where ? ` and (${t.where})` : '';
      out.push({ name: `expression_is_true(${t.expression_is_true})`, sql: `select ${cols(key)} from ${relation} where (${t.expression_is_true}) is not true${where}` });
    }
  }
  return out;
}

async function columnsMatchSidecar(conn: DuckDBConnection, model: Model): Promise<string | undefined> {
  const rows = await queryRows<{ column_name: string }>(
    conn,
    `select column_name from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position`,
    [model.schema, model.name],
  );
  const actual = rows.map((r) => r.column_name);
  // A described name may be a pattern such as `*__present` for a family of flag columns.
  const patterns = model.spec.columns.map((c) => ({ name: c.name, re: new RegExp(`^${c.name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`) }));
  const undocumented = actual.filter((c) => !patterns.some((p) => p.re.test(c)));
  const missing = patterns.filter((p) => !actual.some((c) => p.re.test(c))).map((p) => p.name);
  if (undocumented.length === 0 && missing.length === 0) return undefined;
  return [
    undocumented.length ? `columns not described in the sidecar: ${undocumented.join(', ')}` : '',
    missing.length ? `described columns the model does not produce: ${missing.join(', ')}` : '',
  ].filter(Boolean).join('; ');
}

function describe(model: Model, test: string, failures: number, sample: Record<string, unknown>[]): string {
  const keys = sample.map((r) => Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ')).join('; ');
  return `model ${model.id}, test ${test}: ${failures} offending row(s); first keys: ${keys}`;
}

/** Runs every test of a model (optionally limited to a filter on its partition column). */
export async function runModelTests(conn: DuckDBConnection, model: Model, scope?: string): Promise<TestResult[]> {
  const relation = scope ? `(select * from ${model.id} where ${scope})` : model.id;
  const results: TestResult[] = [];
  const started = performance.now();
  const mismatch = await columnsMatchSidecar(conn, model);
  results.push({
    model: model.id,
    test: 'columns_match_sidecar',
    status: mismatch ? 'fail' : 'pass',
    failures: mismatch ? 1 : 0,
    sample: [],
    message: mismatch ? `model ${model.id}, test columns_match_sidecar: ${mismatch}` : '',
    seconds: (performance.now() - started) / 1000,
  });
  for (const test of compileTests(model, relation)) {
    const t0 = performance.now();
    try {
      const rows = await queryRows<Record<string, unknown>>(conn, `select count(*) over () as _failures, * from (${test.sql}) limit ${SAMPLE}`);
      const failures = rows.length ? Number(rows[0]._failures) : 0;
      const sample = rows.map(({ _failures, ...rest }) => rest);
      results.push({
        model: model.id,
        test: test.name,
        status: failures ? 'fail' : 'pass',
        failures,
        sample,
        message: failures ? describe(model, test.name, failures, sample) : '',
        seconds: (performance.now() - t0) / 1000,
      });
    } catch (err) {
      results.push({
        model: model.id,
        test: test.name,
        status: 'error',
        failures: 0,
        sample: [],
        message: `model ${model.id}, test ${test.name} could not run: ${(err as Error).message.split('\n')[0]}`,
        seconds: (performance.now() - t0) / 1000,
      });
    }
  }
  return results;
}
