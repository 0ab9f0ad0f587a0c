/**
 * COPY streams into one DuckDB statement through a pipe, on a real PostgreSQL and a real DuckDB:
 * every row arrives once, and whichever side fails, the call settles with that side's error,
 * with DuckDB's statement ended, no writer left waiting and the pipe removed.
 * @module-tag slow
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../../lib/warehouse.ts';
import { streamIntoLoad } from '../../../pipelines/ingest/source/copy-stream.ts';
import { FifoSupply } from '../../../pipelines/ingest/source/fifo.ts';
import { WorkerPool } from '../../../pipelines/ingest/source/worker-pool.ts';
import { readCsvSql } from '../../../pipelines/ingest/warehouse/csv-read.ts';
import { startTestSource, type TestSource } from '../../support/source.ts';

let src: TestSource;
let clients: pg.Client[];
let duck: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  src = await startTestSource({ schema: false });
  duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  conn = await duck.connect();
});
afterAll(async () => {
  conn?.closeSync();
  duck?.closeSync();
  await src?.close();
});
beforeEach(async () => {
  for (const c of clients ?? []) await c.end().catch(() => {});
  clients = [];
  for (let i = 0; i < 3; i++) {
    const c = new pg.Client({ connectionString: src.url });
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
  }
  dir = mkdtempSync(join(tmpdir(), 'csdl-copy-stream-'));
  await conn.run('create or replace table t (id bigint, label varchar)');
});

const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'label', type: 'VARCHAR' },
];
const insert = (pipe: string) => `insert into t select * from ${readCsvSql([pipe], columns)}`;
/** Rows a..b with labels that need quoting (commas, quotes, newlines), 2 KB each to fill the pipe. */
const range = (a: number, b: number) =>
  `select g as id, case g % 3 when 0 then 'x,"' || g || '"' when 1 then E'two\\nlines ' || g else repeat('y', 2000) end as label from generate_series(${a}, ${b}) g`;

async function settle<T>(p: Promise<T>): Promise<T | Error> {
  return p.catch((e: Error) => e);
}

describe('streamIntoLoad', () => {
  it('loads the rows of every range once, however their rows interleave', async () => {
    const sqls = [range(1, 30_000), range(30_001, 60_000), range(60_001, 90_000), range(90_001, 90_000), range(90_001, 90_001)];
    const rows = await streamIntoLoad({ pool: new WorkerPool(clients), sqls, fifos: new FifoSupply(dir, 1), load: (p) => conn.run(insert(p)).then(() => {}) });
    expect(rows).toBe(90_001);
    const [r] = await queryRows<{ n: string; d: string; s: string; nl: string }>(
      conn,
      `select count(*)::varchar as n, count(distinct id)::varchar as d, sum(id)::varchar as s, count(*) filter (where label like E'two\\nlines %')::varchar as nl from t`,
    );
    expect(r).toEqual({ n: '90001', d: '90001', s: String((90_001 * 90_002) / 2), nl: '30001' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("ends with PostgreSQL's error when a COPY fails midway, after DuckDB's statement ended", async () => {
    const failing = `select g as id, (1 / (g - 40000))::text as label from generate_series(1, 60000) g`;
    const result = await settle(
      streamIntoLoad({
        pool: new WorkerPool(clients),
        sqls: [range(1, 50_000), failing, range(50_001, 100_000)],
        fifos: new FifoSupply(dir, 1),
        load: (p) => conn.run(insert(p)).then(() => {}),
      }),
    );
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/division by zero/);
    // the connection takes statements again: nothing of the load still runs on it
    expect(await queryRows(conn, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps PostgreSQL's error as the cause when the reader then fails on the pipe cut mid-row", async () => {
    // a reader that always fails once the pipe closes, as DuckDB does when the cut falls inside a row
    const failing = `select g as id, (1 / (g - 30000))::text as label from generate_series(1, 60000) g`;
    const result = await settle(
      streamIntoLoad({
        pool: new WorkerPool(clients),
        sqls: [range(1, 50_000), failing],
        fifos: new FifoSupply(dir, 1),
        load: async (p) => {
          for await (const chunk of createReadStream(p)) void chunk;
          throw new Error('CSV Error: the last row is cut');
        },
      }),
    );
    expect((result as Error).message).toMatch(/division by zero/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("ends with DuckDB's error when the statement fails while reading, and stops the copies", async () => {
    const bad = `select case when g = 20000 then 'not a number' else g::text end as id, 'z' as label from generate_series(1, 80000) g`;
    const t0 = performance.now();
    const result = await settle(
      streamIntoLoad({
        pool: new WorkerPool(clients),
        sqls: [bad, range(1, 200_000)],
        fifos: new FifoSupply(dir, 1),
        load: (p) => conn.run(insert(p)).then(() => {}),
      }),
    );
    expect((result as Error).message).toMatch(/Conversion Error|Could not convert/);
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(await queryRows(conn, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('ends at once with the error of a statement that fails before it opens the pipe', async () => {
    const result = await settle(
      streamIntoLoad({
        pool: new WorkerPool(clients),
        sqls: [range(1, 10)],
        fifos: new FifoSupply(dir, 1),
        load: (p) => conn.run(`insert into t select no_such_column from ${readCsvSql([p], columns)}`).then(() => {}),
      }),
    );
    expect((result as Error).message).toMatch(/no_such_column/);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
