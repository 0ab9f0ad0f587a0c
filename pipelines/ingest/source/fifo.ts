/**
 * A named pipe (FIFO) between the COPY streams and DuckDB's `read_csv`: the bytes pass through
 * the kernel's pipe buffer, never a file's blocks, so the raw values of the pseudonymised keys
 * are on no disk at any moment. DuckDB opens the pipe for reading when its statement starts; the
 * writer end is opened without blocking (a blocking open would hold a libuv thread until then,
 * forever if the statement fails first) and written through a libuv pipe handle, so a full pipe
 * parks no thread either.
 */
import { execFile } from 'node:child_process';
import { constants, open } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Bytes the writer queues before it waits for DuckDB. DuckDB reads a pipe a large buffer at a
 * time and parses that buffer before it reads again; a queue of about one such buffer lets the
 * COPY streams go on while it parses, instead of the two taking turns.
 */
const QUEUE_BYTES = 32 << 20;
const openFd = promisify(open);

/**
 * Named pipes made ahead, a batch per `mkfifo` (readable and writable by this user only): a
 * process spawn costs CPU that grows with this process's memory (page tables copied), too much
 * to pay for each of a run's statements. Each pipe is taken once; the caller removes it after use,
 * and the run removes its folder, with any pipe left, at its end.
 */
export class FifoSupply {
  private readonly ready: string[] = [];
  private made = 0;
  private making: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly batch = 64,
  ) {}

  /** A fresh pipe's path. */
  async take(): Promise<string> {
    while (this.ready.length === 0) {
      this.making ??= this.make().finally(() => {
        this.making = undefined;
      });
      await this.making;
    }
    return this.ready.shift()!;
  }

  private async make(): Promise<void> {
    const paths = Array.from({ length: this.batch }, () => join(this.dir, `pipe-${++this.made}`));
    await run('mkfifo', ['-m', '600', ...paths]);
    this.ready.push(...paths);
  }
}

/**
 * Opens the writer end of the FIFO once a reader has it open. Returns null when `gaveUp()` turns
 * true first (the reading statement ended without opening it, e.g. a binder error).
 */
export async function openFifoWriter(path: string, gaveUp: () => boolean): Promise<FifoSink | null> {
  // a statement opens its pipe within milliseconds; a failed open (ENXIO) costs one system call
  for (;;) {
    try {
      const fd = await openFd(path, constants.O_WRONLY | constants.O_NONBLOCK);
      return new FifoSink(new net.Socket({ fd, readable: false, writable: true }));
    } catch (err) {
      // ENXIO: no reader yet
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
    }
    if (gaveUp()) return null;
    await sleep(1);
  }
}

/** The writer end: whole rows written in order, with back-pressure, until ended or failed. */
export class FifoSink {
  private failure: Error | undefined;
  private readonly closed: Promise<void>;

  constructor(private readonly socket: net.Socket) {
    socket.on('error', (err) => {
      this.failure ??= err;
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Why the sink stopped taking rows (the reader went away, or `fail` was called), if it did. */
  get failed(): Error | undefined {
    return this.failure ?? (this.socket.destroyed && !this.socket.writableFinished ? new Error('đường ống (pipe) sang DuckDB đã đóng') : undefined);
  }

  /**
   * Writes `parts` one after another (no other writer's bytes come between them: they are queued
   * in the same tick), and resolves when the pipe can take more.
   */
  async write(parts: Buffer[]): Promise<void> {
    const failed = this.failed;
    if (failed) throw failed;
    for (const part of parts) this.socket.write(part);
    if (this.socket.writableLength < QUEUE_BYTES) return;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        const failure = this.failed;
        if (failure) reject(failure);
        else resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Ends the stream (the reader sees end of file) and resolves once the pipe is closed. */
  async end(): Promise<void> {
    if (!this.socket.destroyed) this.socket.end();
    await this.closed;
    const failed = this.failure;
    if (failed) throw failed;
  }

  /** Closes the pipe at once; writers waiting for room are refused with `reason`. */
  fail(reason: Error): void {
    this.failure ??= reason;
    this.socket.destroy();
  }
}
