/**
 * The server's connection pool on a real DuckDB file: a connection goes back to the pool only
 * outside any transaction, so a request cut off between its `begin` and its `rollback` hands the
 * next request neither an aborted transaction nor its uncommitted writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { ConnectionPool } from '../../server/db/connection-pool.ts';

let dir: string;
let warehouse: Warehouse;
let pool: ConnectionPool;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csdl-pool-'));
  warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'));
  // one connection, so the next lease is given the very connection the last one left
  pool = new ConnectionPool(warehouse, { size: 1, queueTimeoutMs: 5000, maxQueue: 10 });
});
afterAll(async () => {
  await pool?.close();
  warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ConnectionPool', () => {
  it('rolls back the aborted transaction a lease left, before the next request reads', async () => {
    const left = await pool.acquire();
    await left.conn.run('begin transaction');
    await expect(left.conn.run("select error('the query of a request that then went away')")).rejects.toThrow();
    left.end();
    const next = await pool.acquire();
    const rows = await next.snapshot(() => queryRows<{ x: number }>(next.conn, 'select 42 as x'));
    next.end();
    expect(rows).toEqual([{ x: 42 }]);
  });

  it('drops the uncommitted writes of a transaction a lease left open', async () => {
    const left = await pool.acquire();
    await left.conn.run('begin transaction');
    await left.conn.run('create table left_open as select 1 as x');
    left.end();
    const next = await pool.acquire();
    await next.conn.run('create table committed as select 2 as x');
    const tables = await queryRows<{ name: string }>(
      next.conn,
      `select table_name as name from duckdb_tables() where table_name in ('left_open', 'committed') order by 1`,
    );
    next.end();
    expect(tables).toEqual([{ name: 'committed' }]);
    expect(pool.stats()).toMatchObject({ open: 1 });
  });
});
