/**
 * The atomic publish: ONE DuckDB transaction applies every staged table to raw.* (a full load
 * renames its new table in; an incremental one publishes its change beside the table, merge.ts),
 * checks the result against the source snapshot (reconcile.ts), writes the run's records and
 * commits. Until
 * COMMIT nobody sees any of it; a failure, a mismatch or a kill before COMMIT leaves raw.* exactly
 * as the last successful run left it (DuckDB's WAL makes the commit itself all-or-nothing).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../../lib/log.ts';
import { ident, inTransaction } from '../../../lib/warehouse.ts';
import type { TableRunRecord } from '../run-records.ts';
import type { StagedTable } from '../stage-table.ts';
import { dropPending, publishPending } from './merge.ts';
import { compareFigures, warehouseFigures, type SourceFigures } from './reconcile.ts';
import { nextTable, NEXT_SUFFIX, rawView, stageTable, storeTable } from './stage.ts';

export type PublishInput = {
  runId: string;
  staged: StagedTable[];
  figures: Map<string, Promise<SourceFigures>>;
  /** Code lists (raw.dm_*) that left the source: dropped in the same transaction. */
  dropped: string[];
  /** Inside the transaction, after the checks, before COMMIT (the tests' kill point). */
  beforeCommit?: () => Promise<void>;
  /** Writes the run's records inside the transaction. */
  record: (conn: DuckDBConnection, tables: TableRunRecord[]) => Promise<void>;
};

async function apply(conn: DuckDBConnection, t: StagedTable): Promise<void> {
  const name = t.contract.name;
  if (t.mode === 'incremental' && t.unchanged) return;
  if (t.mode === 'full') {
    if (t.unchanged) {
      await conn.run(`drop table ${nextTable(name)}`);
      return;
    }
    await dropPending(conn, name);
    await conn.run(`drop table if exists ${storeTable(name)}`);
    await conn.run(`alter table ${nextTable(name)} rename to ${ident(name)}`);
    await conn.run(`create or replace view ${rawView(name)} as select * from ${storeTable(name)}`);
    return;
  }
  // Published beside raw_store.<t>, merged into it after COMMIT (merge.ts says why).
  await publishPending(
    conn,
    name,
    `select id from ${stageTable(name, '__deleted')} union all select id from ${stageTable(name, '__changed')} where existed`,
    `select * from ${stageTable(name)}`,
  );
}

/**
 * Applies, reconciles, records and commits; returns the per-table records. Throws (after
 * ROLLBACK) ReconciliationError on the first table that disagrees with the snapshot.
 */
export async function publish(conn: DuckDBConnection, input: PublishInput): Promise<TableRunRecord[]> {
  const figures = new Map<string, SourceFigures>();
  for (const [name, f] of input.figures) figures.set(name, await f);
  const published = await inTransaction(conn, async () => {
    for (const t of input.staged) {
      await apply(conn, t);
      log.debug('publish: table applied', { run: input.runId, table: t.contract.name, mode: t.mode });
    }
    for (const name of input.dropped) {
      await conn.run(`drop view if exists ${rawView(name)}; drop table if exists ${storeTable(name)}`);
      await dropPending(conn, name);
    }
    const records: TableRunRecord[] = [];
    const counted = await warehouseFigures(
      conn,
      input.staged.map((t) => t.contract),
    );
    log.debug('publish: warehouse figures computed', { run: input.runId });
    for (const t of input.staged) {
      const source = figures.get(t.contract.name)!;
      const warehouse = counted.get(t.contract.name)!;
      const mismatch = compareFigures(input.runId, t.contract.name, source, warehouse);
      if (mismatch) throw mismatch;
      records.push({
        table: t.contract.name,
        mode: t.mode,
        rowsRead: t.rowsRead,
        keysRead: t.keysRead,
        inserted: t.inserted,
        updated: t.updated,
        deleted: t.deleted,
        rowCount: Number(warehouse.rows),
        watermark: source.watermark,
        contentMd5: source.contentMd5,
        changeDetection: t.changeDetection,
        seconds: t.seconds,
      });
    }
    await input.record(conn, records);
    await input.beforeCommit?.();
    return records;
  });
  log.debug('publish: committed', { run: input.runId });
  return published;
}

/** raw.dm_* tables (code lists) that the current contract no longer lists. */
export function droppedCodeLists(existingRaw: string[], current: Set<string>): string[] {
  return existingRaw.filter((n) => n.startsWith('dm_') && !n.endsWith(NEXT_SUFFIX) && !current.has(n));
}
