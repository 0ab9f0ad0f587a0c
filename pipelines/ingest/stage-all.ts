/**
 * Stages every table of a run concurrently over the snapshot's workers, each in the way its plan
 * says: incremental when the warehouse already holds it in the current shape, skipped when a
 * code list's content md5 did not change, full otherwise. On the first failure the reads are cut
 * off (pool stopped, connections closed) and every table's work is let settle before the error
 * is rethrown, so no statement is still running on the DuckDB connection afterwards.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { log } from '../../lib/log.ts';
import type { TableContract } from './contract/contract.ts';
import type { SourceSnapshot } from './source/snapshot.ts';
import { FifoSupply } from './source/fifo.ts';
import { WorkerPool } from './source/worker-pool.ts';
import { matchesContract, type RawState } from './warehouse/raw-state.ts';
import type { SourceFigures } from './warehouse/reconcile.ts';
import type { Horizon } from './changes/xmin-diff.ts';
import type { EtlProgress } from './run-etl.ts';
import { Serial } from './serial.ts';
import { stageFull, stageIncremental, unchangedTable, type StageContext, type StagedTable } from './stage-table.ts';

/** How each table is staged: the run's kind, what the warehouse holds, which code lists are unchanged. */
export type StagePlan = { kind: 'full' | 'incremental'; raw: RawState; unchanged: (c: TableContract) => Promise<boolean> };

export type StageAllInput = {
  runId: string;
  startedAt: string;
  dir: string;
  workers: number;
  snapshot: SourceSnapshot;
  contracts: TableContract[];
  plan: StagePlan;
  /** The last run's horizon, for incremental tables (null: read every key). */
  horizon: Horizon | null;
  figures: (table: string) => Promise<SourceFigures>;
  onProgress?: (event: EtlProgress) => void;
};

async function stageOne(ctx: StageContext, c: TableContract, plan: StagePlan): Promise<StagedTable> {
  const current = plan.kind === 'incremental' && matchesContract(plan.raw, c);
  if (current && c.keyed) return stageIncremental(ctx, c);
  if (current && (await plan.unchanged(c))) return unchangedTable(c);
  return stageFull(ctx, c, plan.raw.has(c.name));
}

/** Stages every table; resolves once all are staged, or rejects with the first failure. */
export async function stageAll(conn: DuckDBConnection, input: StageAllInput): Promise<StagedTable[]> {
  const { runId, snapshot, plan, onProgress } = input;
  const pool = new WorkerPool(snapshot.workers);
  const rowsSoFar = new Map<string, number>();
  const ctx: StageContext = {
    runId,
    loadedAt: input.startedAt,
    fifos: new FifoSupply(input.dir),
    workers: input.workers,
    pool,
    duck: new Serial(conn),
    onRows: (table, rows) => {
      const total = (rowsSoFar.get(table) ?? 0) + rows;
      rowsSoFar.set(table, total);
      onProgress?.({ runId, phase: 'rows', table, rows: total });
    },
    horizon: input.horizon,
    figures: input.figures,
  };
  let failure: { err: unknown } | undefined;
  const jobs = input.contracts.map(async (c) => {
    try {
      const t = await stageOne(ctx, c, plan);
      onProgress?.({ runId, phase: 'staged', table: c.name, rows: t.rowsRead });
      log.debug('table staged', {
        run: runId,
        table: c.name,
        mode: t.mode,
        read: t.rowsRead,
        keys: t.keysRead,
        ins: t.inserted,
        upd: t.updated,
        del: t.deleted,
      });
      return t;
    } catch (err) {
      if (!failure) {
        failure = { err };
        pool.stop(err);
        await snapshot.close();
      }
      throw err;
    }
  });
  const settled = await Promise.allSettled(jobs);
  if (failure) throw failure.err;
  return settled.map((s) => (s as PromiseFulfilledResult<StagedTable>).value);
}
