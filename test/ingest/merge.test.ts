import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { mergePending, pendingTables, publishPending } from '../../pipelines/ingest/warehouse/merge.ts';

type Conn = Awaited<ReturnType<Warehouse['connect']>>;

const N = 20_000;

/** Every row of `sql` as "id:v:updated_at µs", sorted. */
async function rowsOf(conn: Conn, sql: string): Promise<string[]> {
  const rows = await queryRows<{ r: string }>(conn, `select id::varchar || ':' || v || ':' || epoch_us(updated_at)::varchar as r from (${sql}) order by id, v`);
  return rows.map((r) => r.r);
}

describe('an incremental change published beside its table and merged in slices', () => {
  let dir: string;
  let wh: Warehouse;
  let conn: Conn;
  const expected: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csdl-merge-'));
    wh = await openWarehouse(join(dir, 'w.duckdb'));
    conn = await wh.connect();
    await conn.run(`create schema raw; create schema raw_store; create schema stage`);
    await conn.run(
      `create table raw_store.t as select range as id, 'v0' as v, timestamptz '2025-01-01 00:00:00+00' + to_seconds(range) as updated_at from range(${N})`,
    );
    await conn.run(`create view raw.t as select * from raw_store.t`);
    // 1 in 7 rows changed, 1 in 11 deleted, 50 new ids
    await conn.run(`create table stage.t as
      select id, 'v1' as v, timestamptz '2026-01-01 00:00:00+00' + to_seconds(id) as updated_at from range(${N}) r(id) where id % 7 = 3 and id % 11 <> 5
      union all select id, 'new', timestamptz '2026-02-01 00:00:00+00' from range(${N}, ${N + 50}) r(id)`);
    await conn.run(`create table stage.gone as select id from range(${N}) r(id) where id % 7 = 3 or id % 11 = 5`);
    for (let id = 0; id < N; id++) {
      if (id % 11 === 5) continue;
      if (id % 7 === 3) expected.push(`${id}:v1:${(Date.UTC(2026, 0, 1) / 1000 + id) * 1e6}`);
      else expected.push(`${id}:v0:${(Date.UTC(2025, 0, 1) / 1000 + id) * 1e6}`);
    }
    for (let id = N; id < N + 50; id++) expected.push(`${id}:new:${(Date.UTC(2026, 1, 1) / 1000) * 1e6}`);
    expected.sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0]));
  });
  afterAll(() => {
    conn?.closeSync();
    wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the new content through raw.<t> from the publish on, and leaves raw_store.<t> untouched', async () => {
    await conn.run('begin transaction');
    await publishPending(conn, 't', 'select id from stage.gone', 'select * from stage.t');
    await conn.run('commit');
    expect(await rowsOf(conn, 'select * from raw.t')).toEqual(expected);
    const [{ n }] = await queryRows<{ n: string }>(conn, `select count(*)::varchar as n from raw_store.t where v = 'v0'`);
    expect(Number(n)).toBe(N);
    expect(await pendingTables(conn)).toEqual(['t']);
    // A second publish over an unmerged one would lose it: refused.
    await expect(publishPending(conn, 't', 'select id from stage.gone', 'select * from stage.t')).rejects.toThrow(/t__gone/);
  });

  it('merges slice by slice, each slice committed on its own, without changing what raw.<t> returns', async () => {
    const seen: string[][] = [];
    const stale: number[] = [];
    const merged = await mergePending(conn, {
      runId: 'test',
      sliceRows: 3000,
      afterSlice: async () => {
        seen.push(await rowsOf(conn, 'select * from raw.t'));
        const [{ n }] = await queryRows<{ n: string }>(conn, `select count(*)::varchar as n from raw_store.t where id in (select id from raw_store.t__gone)`);
        stale.push(Number(n));
      },
    });
    expect(merged).toEqual(['t']);
    expect(seen).toHaveLength(Math.ceil(N / 3000));
    for (const s of seen) expect(s).toEqual(expected);
    // each slice removed its share of the superseded rows, the last one the rest
    const superseded = Array.from({ length: N }, (_, id) => id).filter((id) => id % 7 === 3 || id % 11 === 5).length;
    expect(stale[0]).toBe(superseded - Array.from({ length: 3000 }, (_, id) => id).filter((id) => id % 7 === 3 || id % 11 === 5).length);
    for (let i = 1; i < stale.length; i++) expect(stale[i]).toBeLessThan(stale[i - 1]);
    expect(stale.at(-1)).toBe(0);
    // The table itself now holds exactly the content; the view is the table again.
    expect(await rowsOf(conn, 'select * from raw_store.t')).toEqual(expected);
    expect(await rowsOf(conn, 'select * from raw.t')).toEqual(expected);
    expect(await pendingTables(conn)).toEqual([]);
    const [{ sql }] = await queryRows<{ sql: string }>(conn, `select sql from duckdb_views() where schema_name = 'raw' and view_name = 't'`);
    expect(sql).not.toMatch(/__gone|__delta/);
  });

  it('merges nothing when nothing is pending', async () => {
    expect(await mergePending(conn, { runId: 'test' })).toEqual([]);
  });

  it('publishes an empty change as nothing: no side tables, the plain view, nothing to merge', async () => {
    await conn.run('begin transaction');
    expect(await publishPending(conn, 't', 'select id from stage.gone where false', 'select * from stage.t where false')).toBe(false);
    await conn.run('commit');
    expect(await pendingTables(conn)).toEqual([]);
    const side = await queryRows<{ n: string }>(
      conn,
      `select count(*)::varchar as n from duckdb_tables() where schema_name = 'raw_store' and table_name like 't\_\_%' escape '\\'`,
    );
    expect(side[0].n).toBe('0');
    expect(await rowsOf(conn, 'select * from raw.t')).toEqual(expected);
    // a change of deletes only is still published
    await conn.run('begin transaction');
    expect(await publishPending(conn, 't', 'select 1::bigint as id', 'select * from stage.t where false')).toBe(true);
    await conn.run('commit');
    expect(await pendingTables(conn)).toEqual(['t']);
    expect(await rowsOf(conn, 'select * from raw.t')).toEqual(expected.filter((r) => !r.startsWith('1:')));
  });
});
