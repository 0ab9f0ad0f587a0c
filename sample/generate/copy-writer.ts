/**
 * Streams rows into one table with `COPY ... FROM STDIN` (text format) on its own connection,
 * batching lines into chunks and honouring back-pressure, so memory stays bounded however many
 * rows go through.
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import { copyLine, type Row } from './columns.ts';
import { skipTriggers } from './indexes.ts';

const CHUNK = 1 << 18;

/** One table's COPY stream; `open`, `writeAll`, then `end` (or `abort`). */
export class CopyWriter {
  private buffer = '';
  private rows = 0;
  private failure: Error | undefined;
  private finished: Promise<void>;

  private constructor(
    private readonly client: pg.Client,
    private readonly stream: Writable,
    private readonly columns: readonly string[],
  ) {
    this.finished = new Promise((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', (err) => {
        this.failure = err;
        reject(err);
      });
    });
    this.finished.catch(() => {});
  }

  /** Opens a connection and starts `COPY table (columns) FROM STDIN`. */
  static async open(url: string, table: string, columns: readonly string[]): Promise<CopyWriter> {
    const client = new pg.Client({ connectionString: url });
    // a connection the server ends (stopped, interrupted) fails the stream and the next write
    client.on('error', () => {});
    await client.connect();
    await client.query('set synchronous_commit = off');
    await skipTriggers(client);
    const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    return new CopyWriter(client, stream, columns);
  }

  /** Number of rows written so far. */
  get count(): number {
    return this.rows;
  }

  /** Queues one row; resolves at once unless the server is behind (back-pressure). */
  async write(row: Row): Promise<void> {
    this.buffer += copyLine(this.columns, row);
    this.rows++;
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  /** Queues many rows. */
  async writeAll(rows: Row[]): Promise<void> {
    for (const row of rows) {
      this.buffer += copyLine(this.columns, row);
      this.rows++;
    }
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          this.stream.off('drain', onDrain);
          reject(err);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }

  /** Sends what is left, ends the COPY and closes the connection. */
  async end(): Promise<number> {
    try {
      await this.flush();
      this.stream.end();
      await this.finished;
    } finally {
      await this.client.end().catch(() => {});
    }
    return this.rows;
  }

  /** Abandons the COPY (on failure elsewhere) and closes the connection. */
  async abort(): Promise<void> {
    this.stream.destroy(new Error('generation aborted'));
    await this.client.end().catch(() => {});
  }
}
