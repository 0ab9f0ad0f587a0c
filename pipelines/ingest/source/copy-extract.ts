/**
 * Streams `COPY (<select>) TO STDOUT WITH (FORMAT csv)` results into temporary CSV files, one per
 * id range, on the snapshot's worker connections, and hands finished files to a loader in batches
 * while the next ranges are still being read. Nothing is parsed in JavaScript: bytes go from the
 * socket to the file, and DuckDB reads the files. Files are deleted as soon as they are loaded, and
 * at most `maxPendingFiles` wait on disk, so disk use stays bounded whatever the table size.
 */
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { WorkerPool } from './worker-pool.ts';

/** One COPY into one file. */
export type CopyTask = { sql: string; file: string };

/** Copies the result of `sql` as CSV into `file` (mode 0600) and returns the number of rows. */
export async function copyToFile(client: pg.ClientBase, sql: string, file: string): Promise<number> {
  return copyToStream(client, sql, createWriteStream(file, { mode: 0o600, highWaterMark: 1 << 20 }));
}

/** Copies the result of `sql` as CSV into any writable (the benchmark's floor uses a discarding one). */
export async function copyToStream(client: pg.ClientBase, sql: string, out: Writable): Promise<number> {
  const stream = client.query(copyTo(`copy (${sql}) to stdout with (format csv)`));
  await pipeline(stream, out);
  return stream.rowCount;
}

/** A counting gate: at most `limit` holders at once; failing it rejects every waiter. */
class Gate {
  private held = 0;
  private readonly waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private failure: unknown;
  constructor(private readonly limit: number) {}
  acquire(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.held < this.limit) {
      this.held++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  release(n: number): void {
    for (let i = 0; i < n; i++) {
      const next = this.waiting.shift();
      if (next) next.resolve();
      else this.held--;
    }
  }
  fail(err: unknown): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

export type ExtractOptions = {
  pool: WorkerPool;
  tasks: CopyTask[];
  /** Loads a batch of finished files (e.g. one DuckDB `insert ... from read_csv([...])`). */
  load: (files: string[]) => Promise<void>;
  batchFiles: number;
  maxPendingFiles: number;
  /** Called after each file with the rows it held. */
  onRows?: (rows: number) => void;
};

/**
 * Runs every task on the pool and loads the files in batches; resolves with the rows copied once
 * everything is loaded. The first failure (read or load) stops the rest and is rethrown.
 */
export async function extractAndLoad(opts: ExtractOptions): Promise<number> {
  const { pool, tasks, load, batchFiles, maxPendingFiles } = opts;
  const gate = new Gate(Math.max(maxPendingFiles, batchFiles));
  const ready: string[] = [];
  let rows = 0;
  let failure: unknown;
  let loading: Promise<void> = Promise.resolve();
  const fail = (err: unknown) => {
    failure ??= err;
    gate.fail(err);
  };
  const flush = (all: boolean) => {
    if (failure !== undefined || ready.length === 0 || (!all && ready.length < batchFiles)) return;
    const batch = ready.splice(0);
    loading = loading.then(async () => {
      if (failure !== undefined) return;
      await load(batch);
      await Promise.all(batch.map((f) => unlink(f)));
      gate.release(batch.length);
    });
    loading.catch(fail);
  };
  await Promise.all(
    tasks.map(async (task) => {
      await gate.acquire();
      if (failure !== undefined) throw failure;
      try {
        const n = await pool.use((client) => copyToFile(client, task.sql, task.file));
        rows += n;
        opts.onRows?.(n);
        ready.push(task.file);
        flush(false);
      } catch (err) {
        fail(err);
        throw err;
      }
    }),
  );
  flush(true);
  await loading;
  if (failure !== undefined) throw failure;
  return rows;
}
