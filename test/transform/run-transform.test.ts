/**
 * The model runner on small models written for each test in a temporary models folder, over a
 * real DuckDB file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { provenUniqueByBits, provenUniqueByHash } from '../../pipelines/transform/model-tests.ts';
import { runTransform } from '../../pipelines/transform/run-transform.ts';

const deadlines = { deadlines: {}, defaultDeadline: { dn: '10-31', cn: '06-30' } };
let dir: string;
let warehouse: Warehouse;

type Spec = {
  key?: string[];
  columns: string[];
  tests?: unknown[];
  partition_by?: string;
  materialized?: 'table' | 'view';
  columnTests?: Record<string, unknown[]>;
};

function model(id: string, sql: string, spec?: Spec): void {
  const [layer, name] = id.split('.');
  const path = join(dir, 'models', layer, `${name}.sql`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, sql);
  if (!spec) return;
  const sidecar = {
    description: `test model ${id}`,
    grain: 'one row per thing',
    materialized: spec.materialized ?? 'table',
    ...(spec.partition_by ? { partition_by: spec.partition_by } : {}),
    key: spec.key ?? [spec.columns[0]],
    columns: spec.columns.map((c) => ({ name: c, description: c, tests: spec.columnTests?.[c] ?? [] })),
    tests: spec.tests ?? [],
  };
  writeFileSync(path.replace(/\.sql$/, '.json'), JSON.stringify(sidecar));
}

async function run(opts: { select?: string[]; provinces?: string[] } = {}) {
  return runTransform({
    warehouse,
    modelsDir: join(dir, 'models'),
    deadlines,
    select: opts.select ?? ['staging', 'core', 'indicators'],
    provinces: opts.provinces,
  });
}

async function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const conn = await warehouse.connect();
  try {
    return await queryRows<T>(conn, sql);
  } finally {
    conn.closeSync();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csdl-runner-'));
  warehouse = await openWarehouse(join(dir, 'w.duckdb'), { memoryLimit: '512MB' });
  const conn = await warehouse.connect();
  await conn.run(`create schema raw; create table raw.things as select * from (values (1, '01', 10), (2, '01', 20), (3, '02', 30)) t(id, province, amount)`);
  conn.closeSync();
});

afterEach(() => {
  warehouse.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runTransform', () => {
  it('builds models in the order their references require, whatever the file names', async () => {
    model('indicators.a_totals', 'select sum(b.amount) as total from core.b_things as b join staging.z_things as z on z.id = b.id', { columns: ['total'] });
    model('core.b_things', 'select id, amount * 2 as amount from staging.z_things', { columns: ['id', 'amount'] });
    model('staging.z_things', "-- reads core.nothing only in a comment\nselect id, amount, 'core.nothing' as note from raw.things", {
      columns: ['id', 'amount', 'note'],
    });
    const summary = await run();
    expect(summary.errors).toEqual([]);
    expect(summary.models.map((m) => m.model)).toEqual(['staging.z_things', 'core.b_things', 'indicators.a_totals']);
    expect(await rows('select total from indicators.a_totals')).toEqual([{ total: '120' }]);
  });

  it('refuses a cycle and names it', async () => {
    model('core.x', 'select * from core.y', { columns: ['id'] });
    model('core.y', 'select * from core.x', { columns: ['id'] });
    await expect(run()).rejects.toThrow(/core\.x -> core\.y -> core\.x|core\.y -> core\.x -> core\.y/);
  });

  it('refuses a reference to a model that does not exist, and a model without a sidecar', async () => {
    model('core.x', 'select * from staging.missing', { columns: ['id'] });
    model('core.y', 'select 1 as id');
    await expect(run()).rejects.toThrow(/core\.x: reads staging\.missing, which is not a model[\s\S]*|core\.y: sidecar/);
    await expect(run()).rejects.toThrow(/core\.y: sidecar core\/y\.json is missing/);
  });

  it('names the model, the test and up to 10 offending keys when a test fails', async () => {
    model('core.numbers', 'select n as id, case when n > 3 then null else n end as value from range(1, 16) t(n)', {
      columns: ['id', 'value'],
      columnTests: { value: ['not_null'], id: ['unique'] },
      tests: [{ expression_is_true: 'id < 14' }, { accepted_values: [1, 2], column: 'value' }],
    });
    const summary = await run();
    expect(summary.status).toBe('failed');
    const notNull = summary.tests.find((t) => t.test === 'not_null(value)')!;
    expect(notNull).toMatchObject({ status: 'fail', failures: 12 });
    expect(notNull.sample).toHaveLength(10);
    expect(notNull.message).toMatch(/^model core\.numbers, test not_null\(value\): 12 offending row\(s\); first keys: id=\d+/);
    expect(summary.tests.find((t) => t.test === 'expression_is_true(id < 14)')).toMatchObject({ status: 'fail', failures: 2 });
    expect(summary.tests.find((t) => t.test === 'accepted_values(value)')).toMatchObject({ status: 'fail', failures: 1, sample: [{ id: '3', value: '3' }] }); // range() yields BIGINT, read back as text
    expect(summary.tests.find((t) => t.test === 'unique(id)')).toMatchObject({ status: 'pass' });
    const recorded = await rows<{ test: string; failures: number }>(`select test, failures from meta.test_results where status = 'fail' order by test`);
    expect(recorded.map((r) => r.test)).toEqual(['accepted_values(value)', 'expression_is_true(id < 14)', 'not_null(value)']);
  });

  it('proves integer keys unique with bit strings, and leaves every repeat to the test query that names it', async () => {
    const conn = await warehouse.connect();
    try {
      await conn.run(`create table main.keys as select * from (values (1, 'a'), (2, 'a'), (null, 'a'), (null, 'b'), (1, 'b'), (3000000, 'b')) t(k, g);
                      create table main.texts as select * from (values ('x'), ('y')) t(s);
                      create table main.nulls as select null::integer as k from range(3)`);
      expect(await provenUniqueByBits(conn, 'main.keys', ['k', 'g'])).toBe(true);
      expect(await provenUniqueByBits(conn, 'main.keys', ['k'])).toBe(false); // 1 twice
      expect(await provenUniqueByBits(conn, 'main.keys', ['g', 'k'])).toBe(true);
      expect(await provenUniqueByBits(conn, 'main.nulls', ['k'])).toBe(true); // nulls are not copies of one column
      expect(await provenUniqueByBits(conn, 'main.texts', ['s'])).toBe(false); // no integer: the group-by decides
      await conn.run(`insert into main.keys values (null, 'a')`);
      expect(await provenUniqueByBits(conn, 'main.keys', ['k', 'g'])).toBe(false); // (null, 'a') twice, a copy for the group-by
    } finally {
      conn.closeSync();
    }
    model('core.pairs', `select k, g from main.keys`, {
      key: ['k', 'g'],
      columns: ['k', 'g'],
      tests: [{ unique: ['k', 'g'] }],
      columnTests: { k: ['unique'] },
    });
    const summary = await run();
    expect(summary.tests.find((t) => t.test === 'unique(k, g)')).toMatchObject({ status: 'fail', failures: 1, sample: [{ k: null, g: 'a', copies: '2' }] });
    expect(summary.tests.find((t) => t.test === 'unique(k)')).toMatchObject({ status: 'fail', failures: 1, sample: [{ k: 1, copies: '2' }] });
  });

  it('proves text keys unique by their hashes, and leaves every repeat to the test query that names it', async () => {
    const conn = await warehouse.connect();
    try {
      await conn.run(`create table main.codes as select * from (values ('a', 'x'), ('a', 'y'), ('b', 'x'), (null, 'x'), (null, 'y'), (null, null)) t(s, u)`);
      expect(await provenUniqueByHash(conn, 'main.codes', ['s', 'u'])).toBe(true);
      expect(await provenUniqueByHash(conn, 'main.codes', ['s'])).toBe(false); // 'a' twice
      expect(await provenUniqueByHash(conn, 'main.codes', ['u'])).toBe(false); // 'x' three times
      expect(await provenUniqueByHash(conn, 'main.codes', ['no_such_column'])).toBe(false); // cannot run: the test query reports it
      await conn.run(`delete from main.codes where s = 'a' and u = 'y'; delete from main.codes where s is null`);
      expect(await provenUniqueByHash(conn, 'main.codes', ['s'])).toBe(true); // nulls are not copies of one column
      await conn.run(`insert into main.codes values (null, 'x'), (null, 'x')`);
      expect(await provenUniqueByHash(conn, 'main.codes', ['s', 'u'])).toBe(false); // (null, 'x') twice, a copy for the group-by
    } finally {
      conn.closeSync();
    }
    model('core.codes', `select s, u from main.codes`, {
      key: ['s', 'u'],
      columns: ['s', 'u'],
      tests: [{ unique: ['s', 'u'] }],
      columnTests: { s: ['unique'] },
    });
    const summary = await run();
    expect(summary.tests.find((t) => t.test === 'unique(s, u)')).toMatchObject({ status: 'fail', failures: 1, sample: [{ s: null, u: 'x', copies: '2' }] });
    expect(summary.tests.find((t) => t.test === 'unique(s)')).toMatchObject({ status: 'pass', failures: 0 });
  });

  it('passes a relationship whose values all exist in the parent, and names the rows of one that does not', async () => {
    model('staging.provinces', `select * from (values ('01'), ('03')) t(province)`, { columns: ['province'] });
    model('core.things', 'select id, province, amount from raw.things', {
      columns: ['id', 'province', 'amount'],
      columnTests: { province: [{ relationships: { to: 'staging.provinces', field: 'province' } }] },
    });
    model('core.amounts', 'select id, amount from raw.things', {
      columns: ['id', 'amount'],
      columnTests: { id: [{ relationships: { to: 'core.things', field: 'id' } }] },
    });
    const summary = await run();
    const name = 'relationships(province -> staging.provinces.province)';
    expect(summary.tests.find((t) => t.test === name)).toMatchObject({ status: 'fail', failures: 1, sample: [{ id: 3 }] });
    expect(summary.tests.find((t) => t.test === name)!.message).toBe(`model core.things, test ${name}: 1 offending row(s); first keys: id=3`);
    expect(summary.tests.find((t) => t.test === 'relationships(id -> core.things.id)')).toMatchObject({ status: 'pass', failures: 0 });
    const conn = await warehouse.connect();
    try {
      await conn.run(`insert into raw.things values (4, '05', 40), (5, '05', 50)`);
    } finally {
      conn.closeSync();
    }
    const again = await run();
    expect(again.tests.find((t) => t.test === name)).toMatchObject({ status: 'fail', failures: 3 });
  });

  it('writes models without FSST string compression, and puts the setting back as it was', async () => {
    model('core.setting', `select current_setting('disabled_compression_methods') as methods`, { columns: ['methods'] });
    await run();
    expect(await rows(`select lower(methods) as methods from core.setting`)).toEqual([{ methods: 'fsst' }]);
    expect(await rows(`select current_setting('disabled_compression_methods') as methods`)).toEqual([{ methods: '' }]);
    const conn = await warehouse.connect();
    try {
      await conn.run(`set disabled_compression_methods = 'chimp'`);
    } finally {
      conn.closeSync();
    }
    await run();
    expect(await rows(`select list_sort(string_split(lower(methods), ',')) as methods from core.setting`)).toEqual([{ methods: ['chimp', 'fsst'] }]);
    expect(await rows(`select lower(current_setting('disabled_compression_methods')) as methods`)).toEqual([{ methods: 'chimp' }]);
  });

  it('names a failing model and skips the models that read it, building the others', async () => {
    model('staging.good', 'select id from raw.things', { columns: ['id'] });
    model('core.broken', 'select id, no_such_column from staging.good', { columns: ['id'] });
    model('indicators.downstream', 'select count(*) as n from core.broken', { columns: ['n'] });
    model('indicators.independent', 'select count(*) as n from staging.good', { columns: ['n'] });
    const summary = await run();
    expect(summary.status).toBe('failed');
    const byModel = Object.fromEntries(summary.models.map((m) => [m.model, m.status]));
    expect(byModel).toEqual({
      'staging.good': 'succeeded',
      'core.broken': 'failed',
      'indicators.downstream': 'skipped',
      'indicators.independent': 'succeeded',
    });
    expect(summary.errors[0]).toMatch(/^model core\.broken failed \(.*broken\.sql\): .*no_such_column/);
    const [run1] = await rows<{ status: string; models_failed: number; models_skipped: number }>(
      'select status, models_failed, models_skipped from meta.transform_runs',
    );
    expect(run1).toEqual({ status: 'failed', models_failed: 1, models_skipped: 1 });
  });

  it('fails a model whose columns differ from its sidecar', async () => {
    model('core.things', 'select id, amount from raw.things', { columns: ['id', 'province'] });
    const summary = await run();
    expect(summary.errors).toEqual([
      'model core.things, test columns_match_sidecar: columns not described in the sidecar: amount; described columns the model does not produce: province',
    ]);
  });

  it('rebuilds only the asked provinces of a partitioned model, and the nation', async () => {
    const sql = `select province, sum(amount) as amount from raw.things group by 1
                 union all select 'VN', sum(amount) from raw.things`;
    model('core.by_province', sql, { columns: ['province', 'amount'], partition_by: 'province' });
    await run();
    const conn = await warehouse.connect();
    await conn.run(`update raw.things set amount = amount + 1`);
    conn.closeSync();
    const summary = await run({ provinces: ['01'] });
    expect(summary.models[0]).toMatchObject({ mode: 'partitions', rows: 2 });
    // 01 and the nation are recomputed (10+1 + 20+1, 63); 02 keeps its old value 30
    expect(await rows('select province, amount from core.by_province order by 1')).toEqual([
      { province: '01', amount: '32' },
      { province: '02', amount: '30' },
      { province: 'VN', amount: '63' },
    ]);
  });

  it('selects by layer or by model name', async () => {
    model('staging.a', 'select 1 as id', { columns: ['id'] });
    model('core.b', 'select * from staging.a', { columns: ['id'] });
    const first = await run({ select: ['b'] });
    // only core.b runs; its input staging.a was never built
    expect(first.models.map((m) => m.model)).toEqual(['core.b']);
    expect(first.errors[0]).toMatch(/^model core\.b failed .*staging\.a/);
    await run({ select: ['staging'] });
    expect((await run({ select: ['core.b'] })).status).toBe('succeeded');
    await expect(run({ select: ['nothing'] })).rejects.toThrow(/--select nothing: không có mô hình hoặc tầng nào tên này/);
  });
});
