/**
 * Sidecar tests compiled to SQL. Each query returns the offending rows' keys; a test passes when
 * it returns none. A run limited to some provinces tests only those provinces' rows of
 * partitioned models.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, queryRows } from '../../lib/warehouse.ts';
import type { Model, ModelTest } from './model-spec.ts';
import { transactionAborted } from './transaction-state.ts';

/** The outcome of one sidecar test, as recorded in meta.test_results. */
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

/**
 * A test as a query returning offending rows, and a cheaper way to prove it passes first, so that
 * samples are queried only on failure: `proofSql` returns one count `n`, zero when the test passes
 * (row tests count their offending rows, relationship tests the distinct missing values);
 * uniqueness tests give their columns for the bit-string and hash checks.
 */
type CompiledTest = { name: string; sql: string; proofSql?: string; uniqueColumns?: string[] };

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
        uniqueColumns: t.unique,
      });
    } else if ('not_null' in t) {
      for (const c of t.not_null)
        out.push({
          name: `not_null(${c})`,
          sql: `select ${cols(key)} from ${relation} where ${ident(c)} is null`,
          proofSql: offendingCount(relation, `${ident(c)} is null`),
        });
    } else if ('accepted_values' in t) {
      const offending = `${ident(t.column)} is not null and ${ident(t.column)} not in (${t.accepted_values.map(value).join(', ')})`;
      out.push({
        name: `accepted_values(${t.column})`,
        sql: `select ${cols(key)}, ${ident(t.column)} from ${relation} where ${offending}`,
        proofSql: offendingCount(relation, offending),
      });
    } else if ('relationships' in t) {
      const r = t.relationships;
      const fields = r.fields ?? r.columns;
      const on = r.columns.map((c, i) => `p.${ident(fields[i])} = c.${ident(c)}`).join(' and ');
      const present = r.columns.map((c) => `c.${ident(c)} is not null`).join(' and ');
      out.push({
        name: `relationships(${r.columns.join(', ')} -> ${r.to}.${fields.join(', ')})`,
        sql: `select ${key.map((k) => `c.${ident(k)}`).join(', ')} from ${relation} as c where ${present} and not exists (select 1 from ${r.to} as p where ${on})`,
        // the child's distinct values first: a few hundred thousand probes of the parent instead of
        // one per row
        proofSql: `select count(*) as n from (select distinct ${r.columns.map((c) => `c.${ident(c)}`).join(', ')} from ${relation} as c where ${present}) as c where not exists (select 1 from ${r.to} as p where ${on})`,
      });
    } else {
      const offending = `(${t.expression_is_true}) is not true${t.where ? ` and (${t.where})` : ''}`;
      out.push({
        name: `expression_is_true(${t.expression_is_true})`,
        sql: `select ${cols(key)} from ${relation} where ${offending}`,
        proofSql: offendingCount(relation, offending),
      });
    }
  }
  return out;
}

/** The columns of every relation in the given schemas, read once per run. */
export async function relationColumns(conn: DuckDBConnection, schemas: string[]): Promise<Map<string, string[]>> {
  const rows = await queryRows<{ id: string; column_name: string }>(
    conn,
    `select table_schema || '.' || table_name as id, column_name from information_schema.columns
     where table_schema in (${schemas.map(literal).join(', ')}) order by table_schema, table_name, ordinal_position`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r.column_name]);
  return out;
}

/**
 * How a relation's columns differ from its model's sidecar (undefined when they match); also read
 * by `csdl quality` to tell a model built by an older version of the models from a current one.
 */
export function columnsMatchSidecar(model: Model, actual: string[]): string | undefined {
  // A described name may be a pattern such as `*__present` for a family of flag columns.
  const patterns = model.spec.columns.map((c) => ({ name: c.name, re: new RegExp(`^${c.name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`) }));
  const undocumented = actual.filter((c) => !patterns.some((p) => p.re.test(c)));
  const missing = patterns.filter((p) => !actual.some((c) => p.re.test(c))).map((p) => p.name);
  if (undocumented.length === 0 && missing.length === 0) return undefined;
  return [
    undocumented.length ? `columns not described in the sidecar: ${undocumented.join(', ')}` : '',
    missing.length ? `described columns the model does not produce: ${missing.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * A row test's proof: its offending rows counted, without the window the sample query needs.
 * DuckDB answers a not-null count from the column statistics alone, so separate counts cost less
 * than one scan counting every test together.
 */
function offendingCount(relation: string, offending: string): string {
  return `select count(*) as n from ${relation} where ${offending}`;
}

/**
 * True when a proof query's count `n` is zero; false when it is not or the query cannot run. An
 * error that aborted the run's transaction is rethrown: nothing else can run after it, and the
 * test reports it instead of the refusals that would follow.
 */
async function countIsZero(conn: DuckDBConnection, sql: string): Promise<boolean> {
  try {
    const [row] = await queryRows<{ n: string }>(conn, sql);
    return Number(row.n) === 0;
  } catch (err) {
    if (await transactionAborted(conn)) throw err;
    return false;
  }
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);

/** Bits the bit strings of one uniqueness check may take together (2^30 bits: 128 MiB). */
const BIT_BUDGET = 2 ** 30;

/**
 * Proves `columns` unique in `relation` without hashing every key: when one of them is an integer
 * whose range (max - min + 1) times the groups of the others fits BIT_BUDGET, it sets one bit per
 * value in a bit string per group of the other columns (`bitstring_agg`, a plain aggregate that
 * DuckDB merges across threads by OR) and compares the bits set with the values counted: equal in
 * every group, and at most one null key per group when there are other columns (the group-by of
 * the test counts those as copies), means no key repeats. Returns false when it cannot prove it
 * (a repeat, no integer column, too wide a range, a check that fails to run), and the test then
 * runs its own query, which finds and names the offending keys. On a large fact this is several
 * times cheaper than the group-by.
 */
export async function provenUniqueByBits(conn: DuckDBConnection, relation: string, columns: string[]): Promise<boolean> {
  try {
    return await uniqueByBits(conn, relation, columns);
  } catch (err) {
    if (await transactionAborted(conn)) throw err;
    return false;
  }
}

/**
 * Proves `columns` unique in `relation` by counting distinct hashes of the key: as many as there
 * are rows means no two rows share a key (equal keys hash equally, nulls included, as the test's
 * group-by counts them). Fewer means a repeat or a hash collision, and the test's own query then
 * decides. Grouping one 64-bit hash costs less than grouping the key's text columns.
 */
export async function provenUniqueByHash(conn: DuckDBConnection, relation: string, columns: string[]): Promise<boolean> {
  const notNull = columns.length === 1 ? ` where ${ident(columns[0])} is not null` : '';
  return countIsZero(conn, `select count(*) - count(distinct hash(${cols(columns)})) as n from ${relation}${notNull}`);
}

async function uniqueByBits(conn: DuckDBConnection, relation: string, columns: string[]): Promise<boolean> {
  // the columns' types without running the relation (a view's query included)
  const types = (await queryRows<{ column_type: string }>(conn, `describe select ${cols(columns)} from ${relation}`)).map((r) => r.column_type);
  const at = types.findIndex((t) => INTEGER_TYPES.has(t));
  if (at < 0) return false;
  const key = ident(columns[at]);
  const type = types[at];
  const others = columns.filter((_, i) => i !== at).map(ident);
  // row(..., 0): a struct even for one other column
  const groups = others.length ? `approx_count_distinct(row(${others.join(', ')}, 0))` : '1';
  const [range] = await queryRows<{ lo: string | null; hi: string | null; groups: string }>(
    conn,
    `select min(${key})::varchar as lo, max(${key})::varchar as hi, ${groups} as groups from ${relation}`,
  );
  if (range.lo === null || range.hi === null) return others.length === 0; // every key null: no copies unless grouped
  const width = Number(BigInt(range.hi) - BigInt(range.lo) + 1n);
  // HyperLogLog may undercount the groups by a few per cent: leave twice the room
  if (width * Math.max(1, Number(range.groups)) * 2 > BIT_BUDGET) return false;
  const nulls = others.length ? ' or count(*) - count(' + key + ') > 1' : '';
  const [check] = await queryRows<{ bad: string }>(
    conn,
    `select count(*) as bad from (
       select count(${key}) as n, coalesce(bit_count(bitstring_agg(${key}, ${range.lo}::${type}, ${range.hi}::${type})), 0) as distinct_n
       from ${relation}${others.length ? ` group by ${others.join(', ')}` : ''}
       having n <> distinct_n${nulls}
     )`,
  );
  return Number(check.bad) === 0;
}

function describe(model: Model, test: string, failures: number, sample: Record<string, unknown>[]): string {
  const keys = sample
    .map((r) =>
      Object.entries(r)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    )
    .join('; ');
  return `model ${model.id}, test ${test}: ${failures} offending row(s); first keys: ${keys}`;
}

/**
 * Runs every test of a model (optionally limited to a filter on its partition column). `columns`
 * are the model's actual columns; a test queries its sample of offending rows only on failure.
 * A scoped run copies the scope's rows into a temp table first, so that its tests read a
 * province's rows once instead of filtering the whole model once per test.
 */
export async function runModelTests(conn: DuckDBConnection, model: Model, columns: string[], scope?: string): Promise<TestResult[]> {
  if (!scope) return runTestsOn(conn, model, columns, model.id);
  const scoped = `temp.${ident(`transform_scope__${model.id.replace('.', '__')}`)}`;
  await conn.run(`create or replace temp table ${scoped} as select * from ${model.id} where ${scope}`);
  try {
    return await runTestsOn(conn, model, columns, scoped);
  } finally {
    await conn.run(`drop table if exists ${scoped}`);
  }
}

async function runTestsOn(conn: DuckDBConnection, model: Model, columns: string[], relation: string): Promise<TestResult[]> {
  const mismatch = columnsMatchSidecar(model, columns);
  const results: TestResult[] = [
    {
      model: model.id,
      test: 'columns_match_sidecar',
      status: mismatch ? 'fail' : 'pass',
      failures: mismatch ? 1 : 0,
      sample: [],
      message: mismatch ? `model ${model.id}, test columns_match_sidecar: ${mismatch}` : '',
      seconds: 0,
    },
  ];
  const tests = compileTests(model, relation);
  for (const test of tests) {
    const t0 = performance.now();
    const base = { model: model.id, test: test.name };
    try {
      // a cheaper query proves most tests pass; a test it cannot prove runs its own query, which
      // counts and names the offending rows
      const proven = test.uniqueColumns
        ? (await provenUniqueByBits(conn, relation, test.uniqueColumns)) || (await provenUniqueByHash(conn, relation, test.uniqueColumns))
        : test.proofSql !== undefined && (await countIsZero(conn, test.proofSql));
      if (proven) {
        results.push({ ...base, status: 'pass', failures: 0, sample: [], message: '', seconds: (performance.now() - t0) / 1000 });
        continue;
      }
      const rows = await queryRows<Record<string, unknown>>(conn, `select count(*) over () as _failures, * from (${test.sql}) limit ${SAMPLE}`);
      const failures = rows.length ? Number(rows[0]._failures) : 0;
      const sample = rows.map(({ _failures, ...rest }) => rest);
      const message = failures ? describe(model, test.name, failures, sample) : '';
      results.push({ ...base, status: failures ? 'fail' : 'pass', failures, sample, message, seconds: (performance.now() - t0) / 1000 });
    } catch (err) {
      const message = `model ${model.id}, test ${test.name} could not run: ${(err as Error).message.split('\n')[0]}`;
      results.push({ ...base, status: 'error', failures: 0, sample: [], message, seconds: (performance.now() - t0) / 1000 });
    }
  }
  return results;
}
