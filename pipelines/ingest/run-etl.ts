/**
 * One ETL run: source snapshot -> schema check -> parallel COPY into staging (full or exact
 * incremental per table) -> one publish transaction with reconciliation -> records. The CLI
 * (`csdl etl`), the server's scheduler and the tests all call `runEtl`.
 *
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../lib/config.ts';
import { log } from '../../lib/log.ts';
import { redactUrl } from '../../lib/source.ts';
import { inTransaction, openWarehouse, type Warehouse } from '../../lib/warehouse.ts';
import { checkSourceSchema } from './contract/schema-check.ts';
import { asSourceError, openSnapshot, type SourceSnapshot } from './source/snapshot.ts';
import { installPgTextMacros } from './warehouse/csv-read.ts';
import { droppedCodeLists, publish } from './warehouse/publish.ts';
import { installPseudonymMacro } from './warehouse/pseudonym.ts';
import { mergePending, pendingTables } from './warehouse/merge.ts';
import { readRawState } from './warehouse/raw-state.ts';
import { hasNumericEpoch, sourceFigures, type SourceFigures } from './warehouse/reconcile.ts';
import { clearStaging, resetStage } from './warehouse/stage.ts';
import { stableNextXid, usableHorizon } from './changes/xmin-diff.ts';
import { EtlAlreadyRunningError } from './etl-errors.ts';
import { claimRun, newRunId } from '../../lib/meta-store/index.ts';
import * as records from './run-records.ts';
import { Serial } from './serial.ts';
import { stageAll, type StagePlan } from './stage-all.ts';

export { EtlAlreadyRunningError } from './etl-errors.ts';

export type EtlRunOptions = {
  config: Config;
  /** The source to read (from openSource). */
  sourceUrl: string;
  /** A warehouse already open in this process (the server's); otherwise the run opens and closes one. */
  warehouse?: Warehouse;
  /** The id to record the run under (a pipeline run's own); a fresh one when omitted. */
  runId?: string;
  /** Reload every table in full even when an incremental load is possible. */
  full?: boolean;
  onProgress?: (event: EtlProgress) => void;
  /** Injected by tests that kill a run at a known moment; a run without them never waits. */
  hooks?: EtlHooks;
};

/** Moments of a run where a test may hold it (to SIGKILL the process there). */
export type EtlPausePoint = 'after-stage' | 'before-commit' | 'before-checkpoint' | 'during-merge';

export type EtlHooks = {
  /** Awaited at each pause point. */
  pause?: (point: EtlPausePoint, runId: string) => Promise<void>;
  /** Merge slices of this many row positions instead of the default (so small tables take several). */
  mergeSliceRows?: number;
};

/** Progress of a run: its start, rows as they arrive per table, each table staged, the publish, the checkpoint after it (runs that opened the warehouse), the merge of incremental changes (warehouse/merge.ts). */
export type EtlProgress = {
  runId: string;
  phase: 'start' | 'rows' | 'staged' | 'publish' | 'checkpoint' | 'merge';
  kind?: 'full' | 'incremental';
  table?: string;
  rows?: number;
};

export type EtlRunSummary = {
  runId: string;
  kind: 'full' | 'incremental';
  snapshotId: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  tables: records.TableRunRecord[];
};

/**
 * DuckDB settings for a run that opens the warehouse itself (its memory: CSDL_ETL_MEMORY_LIMIT).
 * Beyond its buffer pool, DuckDB's allocator keeps a few hundred MB per busy thread, so one
 * thread keeps the process smaller; it costs the load nothing on a machine shared with the
 * source, where PostgreSQL's flag computation is the bottleneck. The default limit
 * (lib/config.ts) holds a national incremental run because its publish deletes the changed rows
 * after the transaction, in checkpointed slices (warehouse/merge.ts). Peaks measured:
 * bench/README.md.
 */
export const ETL_THREADS = 1;
/**
 * DuckDB hands freed memory back to the system only past these thresholds (128 MiB and 512 MiB by
 * default), so a long load keeps memory it no longer uses; lower thresholds lower a full load's
 * peak at the same speed.
 */
export const ETL_ALLOCATOR_SETTINGS = { allocator_flush_threshold: '16MB', allocator_bulk_deallocation_flush_threshold: '16MB' } as const;
/**
 * A run that opens the warehouse itself turns DuckDB's automatic checkpoints off and checkpoints
 * once at its end, with DuckDB's memory lowered to this. Checkpointing freshly loaded tables is
 * the most memory-hungry thing a run does, and its peak follows the limit it runs at, while the
 * loads and the publish stay well below it. When DuckDB cannot lower its limit (committed, not
 * yet checkpointed changes hold its table blocks), the checkpoint runs at the run's own limit.
 */
export const ETL_CHECKPOINT_MEMORY_LIMIT = '256MB';
/** No automatic checkpoint while a run loads (DuckDB's default threshold is a 16 MB WAL). */
export const ETL_NO_AUTO_CHECKPOINT = { checkpoint_threshold: '1TB' } as const;

const running = new Map<string, string>();

/**
 * Runs the ETL once and returns its summary; throws the run's error after recording it.
 *
 * @example
 *   const source = await openSource(config);
 *   const summary = await runEtl({ config, sourceUrl: source.url });
 *   console.log(summary.runId, summary.tables.map((t) => [t.table, t.rowCount]));
 */
export async function runEtl(opts: EtlRunOptions): Promise<EtlRunSummary> {
  const { config } = opts;
  const runId = opts.runId ?? newRunId();
  const path = opts.warehouse?.path ?? config.warehousePath;
  if (running.has(path)) throw new EtlAlreadyRunningError(path, running.get(path)!);
  running.set(path, runId);
  // a reader of the run records (csdl status, the server's status) tells it from a dead one
  const release = claimRun(runId);
  try {
    const owned = !opts.warehouse;
    const warehouse =
      opts.warehouse ??
      (await openWarehouse(config.warehousePath, {
        memoryLimit: config.etlMemoryLimit,
        threads: ETL_THREADS,
        settings: { ...ETL_ALLOCATOR_SETTINGS, ...ETL_NO_AUTO_CHECKPOINT },
      }));
    try {
      return await runWith(warehouse, runId, opts, owned);
    } finally {
      if (owned) warehouse.close();
    }
  } finally {
    release();
    running.delete(path);
  }
}

async function runWith(warehouse: Warehouse, runId: string, opts: EtlRunOptions, owned: boolean): Promise<EtlRunSummary> {
  const { config } = opts;
  const conn = await warehouse.connect();
  const started = performance.now();
  const startedAt = new Date().toISOString();
  try {
    for (const id of await records.markInterrupted(conn, runId)) {
      log.warn('marked an ETL run that a stopped process left running as interrupted', { run: id });
      await rm(join(config.tmpDir, id), { recursive: true, force: true });
    }
    await resetStage(conn);
    // A run killed after its COMMIT may have left its change beside a table (warehouse/merge.ts):
    // finish that before reading anything, so that every raw_store.<t> is again the whole table.
    for (const table of await mergePending(conn, { runId, sliceRows: opts.hooks?.mergeSliceRows })) {
      log.warn('finished merging the change an interrupted run had published', { run: runId, table });
    }
    const kind = opts.full || !(await records.hasSucceededRun(conn)) ? 'full' : 'incremental';
    await records.startRun(conn, { runId, kind, startedAt, source: redactUrl(opts.sourceUrl) });
    opts.onProgress?.({ runId, phase: 'start', kind });
    log.info('etl run started', { run: runId, kind });
    let published: Awaited<ReturnType<typeof extractAndPublish>>;
    try {
      published = await extractAndPublish(conn, runId, kind, startedAt, opts);
    } catch (err) {
      await records
        .failRun(conn, runId, (err as Error)?.message ?? String(err))
        .catch((e) => log.error('could not record the failed run', { run: runId, error: e }));
      log.error('etl run failed', { run: runId, error: (err as Error)?.message });
      throw err;
    } finally {
      // Before the checkpoint, so that it does not write tables about to go.
      await clearStaging(conn).catch((e) => log.warn('could not drop the staging tables; the next run will', { run: runId, error: e }));
    }
    if (owned) {
      await opts.hooks?.pause?.('before-checkpoint', runId);
      opts.onProgress?.({ runId, phase: 'checkpoint' });
      await checkpointLean(conn, runId, config.etlMemoryLimit, warehouse.path);
    }
    await mergeAfterPublish(conn, runId, owned ? config.etlMemoryLimit : null, opts);
    const { snapshotId, tables } = published;
    const finishedAt = new Date().toISOString();
    log.info('etl run succeeded', { run: runId, tables: tables.length, seconds: ((performance.now() - started) / 1000).toFixed(1) });
    return { runId, kind, snapshotId, startedAt, finishedAt, seconds: (performance.now() - started) / 1000, tables };
  } finally {
    conn.closeSync();
  }
}

type Conn = Awaited<ReturnType<Warehouse['connect']>>;

/**
 * Folds the incremental changes the publish put beside their tables into them (warehouse/merge.ts).
 * The run is committed and raw.* already shows its result, so a failure here is logged, not the
 * run's: the next run finishes the merge first. A run that opened the warehouse merges at
 * ETL_CHECKPOINT_MEMORY_LIMIT (`runLimit` is its own limit, restored after; null for the server's).
 */
async function mergeAfterPublish(conn: Conn, runId: string, runLimit: string | null, opts: EtlRunOptions): Promise<void> {
  const sliceRows = opts.hooks?.mergeSliceRows;
  const pending = await pendingTables(conn);
  if (pending.length === 0) return;
  opts.onProgress?.({ runId, phase: 'merge' });
  if (runLimit) await conn.run(`set memory_limit = '${ETL_CHECKPOINT_MEMORY_LIMIT}'`).catch(() => {});
  try {
    await mergePending(conn, {
      runId,
      sliceRows,
      afterSlice: (_t, slice) => (slice === 1 && opts.hooks?.pause ? opts.hooks.pause('during-merge', runId) : Promise.resolve()),
    });
  } catch (err) {
    log.warn('could not merge the published change into its table; raw.* is correct, and the next run merges it', {
      run: runId,
      error: (err as Error)?.message,
    });
  } finally {
    if (runLimit) await conn.run(`set memory_limit = '${runLimit}'`).catch(() => {});
  }
}

/**
 * The run's one checkpoint, at ETL_CHECKPOINT_MEMORY_LIMIT, then at the run's own limit if that is
 * too little. The run is already committed (in the WAL): a checkpoint that fails both times is
 * logged, and DuckDB checkpoints again when the warehouse closes or next opens.
 */
async function checkpointLean(conn: Conn, runId: string, runLimit: string, path: string): Promise<void> {
  const t0 = performance.now();
  const walBytes = existsSync(path + '.wal') ? statSync(path + '.wal').size : 0;
  let lowered = true;
  try {
    await conn.run(`set memory_limit = '${ETL_CHECKPOINT_MEMORY_LIMIT}'`);
    await conn.run('checkpoint');
  } catch (err) {
    // DuckDB cannot lower its limit while committed, not yet checkpointed changes hold its table
    // blocks ("could not free up enough memory").
    lowered = false;
    log.warn("could not checkpoint at the lower memory limit; checkpointing at the run's own", {
      run: runId,
      limit: ETL_CHECKPOINT_MEMORY_LIMIT,
      error: (err as Error)?.message?.split('\n')[0],
    });
  } finally {
    await conn.run(`set memory_limit = '${runLimit}'`).catch(() => {});
  }
  if (!lowered) {
    await conn
      .run('checkpoint')
      .catch((e) => log.warn('the checkpoint failed; the committed run stays in the WAL until the next one', { run: runId, error: (e as Error)?.message }));
  }
  log.info('etl checkpoint done', { run: runId, walMiB: (walBytes / 2 ** 20).toFixed(1), seconds: ((performance.now() - t0) / 1000).toFixed(1) });
}

async function extractAndPublish(conn: Conn, runId: string, kind: 'full' | 'incremental', startedAt: string, opts: EtlRunOptions) {
  const { config } = opts;
  // the run's pipes (source/fifo.ts); they hold no data on disk
  const dir = join(config.tmpDir, runId);
  mkdirSync(config.tmpDir, { recursive: true });
  mkdirSync(dir, { mode: 0o700 });
  let snapshot: SourceSnapshot | undefined;
  try {
    snapshot = await openSnapshot(opts.sourceUrl, config.etlParallelism, runId);
    await records.setSnapshot(conn, runId, snapshot);
    const contracts = await checkSourceSchema(snapshot.coordinator);
    await installPseudonymMacro(conn, config.pseudonymSecret);
    await installPgTextMacros(conn);
    // Row order in raw tables means nothing; letting DuckDB write unordered doubles its load speed.
    await conn.run('set session preserve_insertion_order = false');
    // Reconciliation figures, computed on the otherwise idle coordinator while the workers copy.
    const coordinator = new Serial(snapshot.coordinator);
    const numericEpoch = await hasNumericEpoch(snapshot.coordinator);
    const figures = new Map<string, Promise<SourceFigures>>();
    // Tables without ids first: their content md5 decides whether an incremental run reads them.
    for (const c of [...contracts.filter((c) => !c.keyed), ...contracts.filter((c) => c.keyed)]) {
      const f = coordinator.run((client) => sourceFigures(client, c, numericEpoch));
      f.catch(() => {});
      figures.set(c.name, f);
    }
    const horizon =
      kind === 'incremental' && config.etlChangeDetection === 'xmin'
        ? usableHorizon(await records.lastHorizon(conn), snapshot, await Promise.all(snapshot.workers.map(stableNextXid)))
        : null;
    const raw = await readRawState(conn);
    const previousMd5 = await records.lastContentMd5(conn);
    const plan: StagePlan = { kind, raw, unchanged: async (c) => !c.keyed && (await figures.get(c.name)!).contentMd5 === previousMd5.get(c.name) };
    // One transaction for the whole staging, so that each table's batches fill the same row
    // groups: committed batch by batch, every batch ended in a part-full row group of its own,
    // which DuckDB's checkpoints then merge a few at a time (pipelines/ingest/README.md, step 3).
    const source = snapshot;
    const staged = await inTransaction(conn, () =>
      stageAll(conn, {
        runId,
        startedAt,
        dir,
        workers: config.etlParallelism,
        snapshot: source,
        contracts,
        plan,
        horizon,
        figures: (table) => figures.get(table)!,
        onProgress: opts.onProgress,
      }),
    );
    await opts.hooks?.pause?.('after-stage', runId);
    opts.onProgress?.({ runId, phase: 'publish' });
    const tables = await publish(conn, {
      runId,
      staged,
      figures,
      dropped: droppedCodeLists([...raw.keys()], new Set(contracts.map((c) => c.name))),
      beforeCommit: async () => opts.hooks?.pause?.('before-commit', runId),
      record: (c, recs) => records.recordSuccess(c, runId, recs, new Date().toISOString()),
    });
    return { snapshotId: snapshot.snapshotId, tables };
  } catch (err) {
    throw asSourceError(err, opts.sourceUrl, `lần chạy ${runId} đang đọc ảnh chụp nguồn (snapshot)`);
  } finally {
    await snapshot?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
