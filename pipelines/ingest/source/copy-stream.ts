/**
 * Streams `COPY (<select>) TO STDOUT WITH (FORMAT csv)` results straight into a DuckDB statement
 * that reads them with `read_csv` from a named pipe: the id ranges of a table are copied on the
 * snapshot's workers at once, their rows interleaved whole into the one pipe (csv-rows.ts), and
 * DuckDB pseudonymises the keys as it reads. Nothing touches a file's blocks: the raw values of
 * the personal keys exist only in the socket, the pipe and the process memory, never on a disk,
 * not even for the instant a killed run would leave behind. Back-pressure runs from DuckDB's reads
 * through the pipe to the sockets, so memory stays bounded whatever the table's size.
 */
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { CsvRowCutter } from './csv-rows.ts';
import { openFifoWriter, type FifoSink, type FifoSupply } from './fifo.ts';
import type { WorkerPool } from './worker-pool.ts';

const copySql = (sql: string) => `copy (${sql}) to stdout with (format csv)`;

/** Copies the result of `sql` as CSV into any writable (the benchmark's floor uses a discarding one). */
export async function copyToStream(client: pg.ClientBase, sql: string, out: Writable): Promise<number> {
  const stream = client.query(copyTo(copySql(sql)));
  await pipeline(stream, out);
  return stream.rowCount;
}

export type StreamOptions = {
  pool: WorkerPool;
  /** One SELECT per id range; their rows all go to the one statement. */
  sqls: string[];
  /** Where the pipe comes from (the run's 0700 folder); it is removed afterwards. */
  fifos: FifoSupply;
  /** Runs the DuckDB statement that reads the pipe (e.g. `insert ... from read_csv(fifo)`). */
  load: (fifo: string) => Promise<void>;
  /** Called after each SELECT with the rows it gave. */
  onRows?: (rows: number) => void;
};

/**
 * One COPY into the sink, whole rows at a time; returns the rows it held, counted as they pass
 * (PostgreSQL's own count arrives after the stream ends, sometimes after its consumer is done).
 */
async function copyInto(client: pg.ClientBase, sql: string, sink: FifoSink): Promise<number> {
  const failed = sink.failed;
  if (failed) throw failed;
  const stream = client.query(copyTo(copySql(sql)));
  const rows = new CsvRowCutter();
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const complete = rows.push(chunk);
    if (complete.length) await sink.write(complete);
  }
  if (rows.pending) throw new Error(`đầu ra COPY kết thúc giữa một dòng (${rows.pending} byte sau cuối dòng cuối cùng)`);
  return rows.rows;
}

/**
 * Runs `load` on a fresh pipe and every SELECT into it; resolves with the rows copied once DuckDB
 * has read them all. Whatever fails, DuckDB's statement has ended before this settles, so nothing
 * still runs on its connection. The error thrown is the first cause: a COPY that fails on its own
 * (PostgreSQL's error) closes the pipe mid-row, so DuckDB's parse error that follows is only its
 * consequence; a statement that fails while reading fails the COPYs only through the pipe.
 */
export async function streamIntoLoad(opts: StreamOptions): Promise<number> {
  const fifo = await opts.fifos.take();
  try {
    let cause: unknown;
    let loadEnded = false;
    const loading = opts.load(fifo).finally(() => {
      loadEnded = true;
    });
    const loadError = loading.then(
      () => undefined,
      (err: unknown) => {
        cause ??= err;
        return err;
      },
    );
    const sink = await openFifoWriter(fifo, () => loadEnded);
    if (!sink) {
      const err = await loadError;
      throw err ?? new Error(`DuckDB kết thúc câu lệnh mà không đọc ${fifo}`);
    }
    // a statement that ends early (it failed) must not leave writers waiting on a full pipe
    void loading.then(
      () => sink.fail(new Error('DuckDB ngừng đọc đường ống (pipe)')),
      (err: Error) => sink.fail(err),
    );
    let rows = 0;
    const copies = await Promise.allSettled(
      opts.sqls.map((sql) =>
        opts.pool
          .use(async (client) => {
            const n = await copyInto(client, sql, sink);
            rows += n;
            opts.onRows?.(n);
          })
          .catch((err: unknown) => {
            // a COPY that fails while the pipe is still open failed on its own
            if (!sink.failed) cause ??= err;
            throw err;
          }),
      ),
    );
    const copyFailure = copies.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (copyFailure) sink.fail(copyFailure.reason as Error);
    else await sink.end().catch(() => {});
    const loadFailure = await loadError;
    if (cause) throw cause;
    if (loadFailure) throw loadFailure;
    if (copyFailure) throw copyFailure.reason;
    return rows;
  } finally {
    await rm(fifo, { force: true });
  }
}
