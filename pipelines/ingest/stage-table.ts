/**
 * Extracts one table from the snapshot and stages it in DuckDB, fully or incrementally:
 *   full         every row, by id range (or whole for tables without ids), into raw_store.<t>__next;
 *   incremental  every (id, updated_at) into stage.<t>__keys, the exact diff with raw.<t>, then the
 *                changed rows only (`updated_at >= min(changed)` within the changed ids' span,
 *                filtered to the changed ids in DuckDB) into stage.<t>.
 * Nothing here touches raw.<t> or raw_store.<t>; publish.ts applies the staged result in one
 * transaction.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ReconciliationError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { queryRows } from '../../lib/warehouse.ts';
import { selectSql, type TableContract } from './contract/contract.ts';
import { streamIntoLoad } from './source/copy-stream.ts';
import type { FifoSupply } from './source/fifo.ts';
import { rangeCount, rangeWhere, splitIds, tableRanges, type IdRange } from './source/id-ranges.ts';
import type { WorkerPool } from './source/worker-pool.ts';
import { redactCsvError } from './warehouse/csv-read.ts';
import { changedRowsWhere, diffKeys } from './changes/key-diff.ts';
import { compareFigures, type SourceFigures } from './warehouse/reconcile.ts';
import {
  blockCountsSql,
  blockShift,
  blockKeysSql,
  blocksWithDeletes,
  changedSinceWhere,
  deletedInBlocks,
  dropHorizonStage,
  keepChanged,
  predictedFigures,
  type Horizon,
} from './changes/xmin-diff.ts';
import { createKeysTable, createRawShaped, insertFromCsvSql, insertKeysSql, nextTable, stageTable, storeTable } from './warehouse/stage.ts';
import { EtlLoadError } from './etl-errors.ts';
import type { Serial } from './serial.ts';

/** What a run shares with every table it stages. */
export type StageContext = {
  runId: string;
  loadedAt: string;
  /** The run's named pipes (in its 0700 folder), one per statement that reads the source. */
  fifos: FifoSupply;
  workers: number;
  pool: WorkerPool;
  duck: Serial<DuckDBConnection>;
  onRows: (table: string, rows: number) => void;
  /** The last run's horizon when incremental tables may be read by it (changes/xmin-diff.ts), else null. */
  horizon: Horizon | null;
  /** The snapshot's reconciliation figures of a table (computed on the coordinator). */
  figures: (table: string) => Promise<SourceFigures>;
};

/** A staged table, ready for publish. */
export type StagedTable = {
  contract: TableContract;
  mode: 'full' | 'incremental';
  /**
   * The content did not change: a full load of a table without ids found it equal (its next
   * version is dropped), or an incremental run skipped it on its content md5.
   */
  unchanged: boolean;
  rowsRead: number;
  keysRead: number;
  inserted: number;
  updated: number;
  deleted: number;
  /** How an incremental load found its changes; null for full loads and unchanged tables. */
  changeDetection: 'xmin' | 'keys' | null;
  seconds: number;
};

/**
 * Copies `table`'s ranges into one DuckDB statement through a pipe (source/copy-stream.ts): `load`
 * is the statement for the pipe's path. The statement holds the run's DuckDB connection while the
 * workers copy, so the workers serve one table at a time, and a worker is taken only once DuckDB
 * is reading (no worker waits on a pipe nobody reads).
 */
async function copyAndLoad(
  ctx: StageContext,
  table: string,
  ranges: IdRange[] | null,
  sql: (where?: string) => string,
  prefix: string,
  load: (pipe: string) => string,
): Promise<number> {
  const parts = ranges ?? [null];
  return ctx.duck.run((c) =>
    streamIntoLoad({
      pool: ctx.pool,
      sqls: parts.map((r) => sql(r ? rangeWhere(r) : undefined)),
      fifos: ctx.fifos,
      onRows: (n) => ctx.onRows(table, n),
      load: async (pipe) => {
        try {
          await c.run(load(pipe));
        } catch (err) {
          throw new EtlLoadError(ctx.runId, table, redactCsvError((err as Error).message));
        }
      },
    }),
  );
}

async function count(ctx: StageContext, sql: string): Promise<number> {
  const [r] = await ctx.duck.run((c) => queryRows<{ n: string }>(c, sql));
  return Number(r.n);
}

/** Stages every row of the table into raw_store.<t>__next. */
export async function stageFull(ctx: StageContext, contract: TableContract, rawExists: boolean): Promise<StagedTable> {
  const started = performance.now();
  const name = contract.name;
  const target = nextTable(name);
  await ctx.duck.run((c) => createRawShaped(c, target, contract));
  const ranges = contract.keyed ? (await ctx.pool.use((c) => tableRanges(c, name, ctx.workers))).ranges : null;
  const stamp = { runId: ctx.runId, loadedAt: ctx.loadedAt };
  const rowsRead =
    ranges && ranges.length === 0
      ? 0
      : await copyAndLoad(
          ctx,
          name,
          ranges,
          (w) => selectSql(contract, w),
          'f',
          (pipe) => insertFromCsvSql(target, contract, pipe, stamp),
        );
  let inserted = rowsRead;
  let deleted = 0;
  let unchanged = false;
  if (rawExists && contract.keyed) {
    inserted = await count(ctx, `select count(*)::varchar as n from ${target} n anti join ${storeTable(name)} r on r.id = n.id`);
    deleted = await count(ctx, `select count(*)::varchar as n from ${storeTable(name)} r anti join ${target} n on n.id = r.id`);
  } else if (rawExists) {
    const cols = contract.output.map((c) => `"${c.name}"`).join(', ');
    inserted = await count(ctx, `select count(*)::varchar as n from (select ${cols} from ${target} except all select ${cols} from ${storeTable(name)})`);
    deleted = await count(ctx, `select count(*)::varchar as n from (select ${cols} from ${storeTable(name)} except all select ${cols} from ${target})`);
    unchanged = inserted === 0 && deleted === 0;
  }
  const updated =
    rawExists && contract.keyed
      ? await count(
          ctx,
          `select count(*)::varchar as n from ${target} n join ${storeTable(name)} r on r.id = n.id where r.updated_at is distinct from n.updated_at`,
        )
      : 0;
  return {
    contract,
    mode: 'full',
    unchanged,
    rowsRead,
    keysRead: 0,
    inserted,
    updated,
    deleted,
    changeDetection: null,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A table without ids whose content md5 equals the one of its last load: nothing to read. */
export function unchangedTable(contract: TableContract): StagedTable {
  return { contract, mode: 'incremental', unchanged: true, rowsRead: 0, keysRead: 0, inserted: 0, updated: 0, deleted: 0, changeDetection: null, seconds: 0 };
}

/**
 * Stages the changes of an id-keyed table: by the last run's horizon when there is one and the
 * result agrees with the snapshot's figures, otherwise by reading every key.
 */
export async function stageIncremental(ctx: StageContext, contract: TableContract): Promise<StagedTable> {
  if (ctx.horizon) {
    const staged = await stageByHorizon(ctx, contract, ctx.horizon);
    if (staged) return staged;
    await ctx.duck.run((c) => dropHorizonStage(c, contract.name));
  }
  return stageByKeys(ctx, contract);
}

/**
 * Reads the rows written since the last run's horizon and the keys of the id blocks that lost
 * rows; returns null (after a warning) when the predicted result disagrees with the snapshot.
 */
async function stageByHorizon(ctx: StageContext, contract: TableContract, horizon: Horizon): Promise<StagedTable | null> {
  const started = performance.now();
  const name = contract.name;
  const target = stageTable(name);
  await ctx.duck.run((c) => createRawShaped(c, target, contract));
  // a sixteenth of the full load's ranges: each scan filters many rows and returns few
  const { ranges } = await ctx.pool.use((c) => tableRanges(c, name, ctx.workers, (full) => Math.max(ctx.workers, Math.ceil(full / 16))));
  const since = changedSinceWhere(horizon);
  const stamp = { runId: ctx.runId, loadedAt: ctx.loadedAt };
  const rowsRead =
    ranges.length === 0
      ? 0
      : await copyAndLoad(
          ctx,
          name,
          ranges,
          (w) => selectSql(contract, `${w} and ${since}`),
          'x',
          (pipe) => insertFromCsvSql(target, contract, pipe, stamp),
        );
  log.debug('horizon: rows read', { run: ctx.runId, table: name, rows: rowsRead });
  const { changed, existed } = await ctx.duck.run((c) => keepChanged(c, name));
  // hard deletes: the warehouse's rows plus the new ones, less the snapshot's rows
  const figures = await ctx.figures(name);
  log.debug('horizon: changes kept, source figures in', { run: ctx.runId, table: name, changed });
  const [held] = await ctx.duck.run((c) =>
    queryRows<{ n: string; lo: string | null; hi: string | null }>(
      c,
      `select count(*)::varchar as n, min(id)::varchar as lo, max(id)::varchar as hi from ${storeTable(name)}`,
    ),
  );
  const lost = BigInt(held.n) + BigInt(changed - existed) - BigInt(figures.rows);
  let blocks: string[] = [];
  // block size from the span of both sides: warehouse ids outside the source's span fall in blocks
  // the snapshot lacks, which count as having lost ids
  const bounds = [held.lo, held.hi, ranges[0]?.from, ranges.at(-1)?.to].filter((v): v is string => typeof v === 'string').map(BigInt);
  const shift =
    bounds.length === 0
      ? 12
      : blockShift(
          bounds.reduce((a, b) => (a < b ? a : b)),
          bounds.reduce((a, b) => (a > b ? a : b)),
        );
  if (lost !== 0n) {
    const counts = await ctx.pool.use(async (c) => (await c.query<{ b: string; n: string }>(blockCountsSql(name, shift))).rows);
    blocks = await ctx.duck.run((c) => blocksWithDeletes(c, name, shift, counts));
  }
  let keysRead = 0;
  if (blocks.length > 0) {
    await ctx.duck.run((c) => createKeysTable(c, name));
    keysRead = await copyAndLoad(
      ctx,
      name,
      null,
      () => blockKeysSql(name, shift, blocks),
      'd',
      (pipe) => insertKeysSql(name, pipe),
    );
  }
  const deleted = await ctx.duck.run((c) => deletedInBlocks(c, name, shift, blocks));
  const predicted = await ctx.duck.run((c) => predictedFigures(c, name));
  const mismatch = compareFigures(ctx.runId, name, figures, predicted);
  if (mismatch) {
    log.warn('changes found by transaction horizon disagree with the snapshot; reading every key of the table instead', {
      run: ctx.runId,
      table: name,
      detail: mismatch.message,
    });
    return null;
  }
  return {
    contract,
    mode: 'incremental',
    unchanged: false,
    rowsRead,
    keysRead,
    inserted: changed - existed,
    updated: existed,
    deleted,
    changeDetection: 'xmin',
    seconds: (performance.now() - started) / 1000,
  };
}

/** Stages every key, the exact diff and the changed rows of an id-keyed table. */
async function stageByKeys(ctx: StageContext, contract: TableContract): Promise<StagedTable> {
  const started = performance.now();
  const name = contract.name;
  const { ranges } = await ctx.pool.use((c) => tableRanges(c, name, ctx.workers));
  await ctx.duck.run((c) => createKeysTable(c, name));
  const keysSql = (w?: string) => `select id, updated_at from csdl."${name}"${w ? ` where ${w}` : ''}`;
  const keysRead = ranges.length === 0 ? 0 : await copyAndLoad(ctx, name, ranges, keysSql, 'k', (pipe) => insertKeysSql(name, pipe));
  const diff = await ctx.duck.run((c) => diffKeys(c, name));
  const target = stageTable(name);
  await ctx.duck.run((c) => createRawShaped(c, target, contract));
  let rowsRead = 0;
  if (diff.changed > 0 && diff.minId !== null && diff.maxId !== null) {
    const fetch = splitIds(BigInt(diff.minId), BigInt(diff.maxId), rangeCount(diff.changed, ctx.workers));
    const where = changedRowsWhere(diff);
    const stamp = { runId: ctx.runId, loadedAt: ctx.loadedAt };
    rowsRead = await copyAndLoad(
      ctx,
      name,
      fetch,
      (w) => selectSql(contract, `${w} and ${where}`),
      'c',
      (pipe) => insertFromCsvSql(target, contract, pipe, stamp, true),
    );
  }
  const staged = await count(ctx, `select count(*)::varchar as n from ${target}`);
  if (staged !== diff.changed) {
    throw new ReconciliationError(
      `Lần chạy ${ctx.runId}: csdl.${name} có ${diff.changed} dòng mới hoặc đã sửa trong ảnh chụp nguồn nhưng chỉ lấy được ${staged} dòng; chưa công bố gì. Hãy chạy lại; nếu lỗi lặp lại, hãy chạy \`csdl etl --full\`.`,
      { runId: ctx.runId, table: name, changed: diff.changed, fetched: staged },
    );
  }
  return {
    contract,
    mode: 'incremental',
    unchanged: false,
    rowsRead,
    keysRead,
    inserted: diff.changed - diff.existed,
    updated: diff.existed,
    deleted: diff.deleted,
    changeDetection: 'keys',
    seconds: (performance.now() - started) / 1000,
  };
}
