/**
 * A bounded pool of warehouse connections shared by the requests of one server. A request leases
 * one connection; the lease is given back only once the request no longer needs it AND no query
 * runs on it, because closing or reusing a DuckDB connection while a query still executes on it
 * crashes the process (a client that hangs up early must never do that). A lease whose request is
 * gone refuses new queries and interrupts the running one, which DuckDB supports safely.
 *
 * When every connection is leased, requests wait in a queue of bounded length for a bounded time;
 * past either bound `acquire` throws PoolSaturatedError (answered 503 with Retry-After).
 *
 * A connection goes back to the pool only outside any transaction: a request interrupted between
 * its `begin` and its `rollback` (a hang-up at the wrong moment) would otherwise hand the next
 * request an aborted transaction, failing every query of it. The pool rolls back whatever a lease
 * left open, and closes a connection it cannot bring back to a clean state.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsdlError } from '../../lib/errors.ts';
import type { Warehouse } from '../../lib/warehouse.ts';

export type PoolOptions = {
  /** Connections open at most (queries running at once). */
  size: number;
  /** How long a request waits for a connection before 503. */
  queueTimeoutMs: number;
  /** How many requests may wait at once; the next one gets 503 immediately. */
  maxQueue: number;
};

/** Every connection is busy and the wait is over (or the queue is full); worth retrying. */
export class PoolSaturatedError extends CsdlError {
  constructor(
    readonly retryAfterSeconds: number,
    reason: string,
  ) {
    super('SERVER_BUSY', `Máy chủ đang bận (SERVER_BUSY: ${reason}); hãy thử lại sau ${retryAfterSeconds} giây`, {
      transient: true,
      details: { retryAfterSeconds },
    });
  }
}

/** Thrown by a query started on a lease whose request has ended (the client went away). */
export class LeaseEndedError extends CsdlError {
  constructor() {
    super('REQUEST_ENDED', 'the request has ended; its connection takes no new queries');
  }
}

/** Methods of DuckDBConnection that run SQL and resolve when it has finished. */
const QUERY_METHODS = new Set([
  'run',
  'runAndRead',
  'runAndReadAll',
  'runAndReadUntil',
  'extractStatements',
  'prepare',
  'start',
  'startStream',
  'stream',
  'streamAndRead',
  'streamAndReadAll',
  'streamAndReadUntil',
]);
/** Methods a lease never passes through: its connection belongs to the pool. */
const FORBIDDEN = new Set(['close', 'closeSync', 'disconnect', 'disconnectSync']);

/**
 * One request's hold on a connection. `conn` behaves as a DuckDBConnection while the lease is
 * open; `end()` says the request is done with it (normally or because the client left).
 */
export class Lease {
  private inFlight = 0;
  private ended = false;
  private returned = false;
  private holds = 0;
  private inSnapshot = false;
  readonly conn: DuckDBConnection;

  constructor(
    private readonly raw: DuckDBConnection,
    private readonly giveBack: (raw: DuckDBConnection) => void,
  ) {
    this.conn = new Proxy(raw, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (FORBIDDEN.has(String(prop))) return () => {};
        if (!QUERY_METHODS.has(String(prop))) return value.bind(target);
        return (...args: unknown[]) => this.track(() => value.apply(target, args));
      },
    });
  }

  /** True once the request has ended; queries then throw LeaseEndedError. */
  get isEnded(): boolean {
    return this.ended;
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.ended) throw new LeaseEndedError();
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.maybeReturn();
    }
  }

  /**
   * Keeps the connection leased until `work` settles, for work that reads from the connection
   * outside the query methods (a streaming result read chunk by chunk).
   */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    if (this.ended) throw new LeaseEndedError();
    this.holds++;
    try {
      return await work();
    } finally {
      this.holds--;
      this.maybeReturn();
    }
  }

  /**
   * Runs `work` inside one transaction, so that every query it makes reads the same snapshot of
   * the warehouse (a response and the suppression it applies agree even while a pipeline run
   * publishes). The transaction is rolled back (it writes nothing) on the connection itself, even
   * when the request has ended meanwhile, before the connection can return to the pool.
   */
  async snapshot<T>(work: () => Promise<T>): Promise<T> {
    // inside a snapshot already: the same one
    if (this.inSnapshot) return work();
    return this.hold(async () => {
      await this.conn.run('begin transaction');
      this.inSnapshot = true;
      try {
        return await work();
      } finally {
        this.inSnapshot = false;
        await this.raw.run('rollback').catch(() => {});
      }
    });
  }

  /**
   * The request is over. With `interrupt` (the client left before its answer), a running query is
   * interrupted; the connection goes back to the pool when that query has returned.
   */
  end(opts: { interrupt?: boolean } = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (opts.interrupt && this.inFlight > 0) {
      try {
        this.raw.interrupt();
      } catch {
        // nothing runs any more
      }
    }
    this.maybeReturn();
  }

  private maybeReturn(): void {
    if (!this.ended || this.returned || this.inFlight > 0 || this.holds > 0) return;
    this.returned = true;
    this.giveBack(this.raw);
  }
}

type Waiter = { resolve: (lease: Lease) => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

/** The pool; see the module comment. */
export class ConnectionPool {
  private idle: DuckDBConnection[] = [];
  private open = 0;
  private queue: Waiter[] = [];
  private closing = false;
  private drained: (() => void) | null = null;

  constructor(
    private readonly warehouse: Warehouse,
    readonly options: PoolOptions,
  ) {}

  /** Connections leased right now and requests waiting for one (for health and benchmarks). */
  stats(): { size: number; open: number; idle: number; leased: number; waiting: number } {
    return { size: this.options.size, open: this.open, idle: this.idle.length, leased: this.open - this.idle.length, waiting: this.queue.length };
  }

  /**
   * A lease on a connection: at once when one is free, else after waiting (or PoolSaturatedError);
   * `signal` withdraws a waiting request (LeaseEndedError) when its client has left.
   */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closing) throw new PoolSaturatedError(5, 'đang dừng');
    if (signal?.aborted) throw new LeaseEndedError();
    const free = this.idle.pop();
    if (free) return this.lease(free);
    if (this.open < this.options.size) {
      this.open++;
      try {
        return this.lease(await this.warehouse.connect());
      } catch (err) {
        this.open--;
        throw err;
      }
    }
    if (this.queue.length >= this.options.maxQueue) throw new PoolSaturatedError(this.retryAfter(), `đã có ${this.queue.length} yêu cầu đang chờ`);
    return new Promise<Lease>((resolve, reject) => {
      const leave = () => {
        this.queue = this.queue.filter((w) => w !== waiter);
        signal?.removeEventListener('abort', gone);
      };
      // a client that leaves while waiting gives its place up at once (hang-ups must not fill the queue)
      const gone = () => {
        clearTimeout(waiter.timer);
        leave();
        reject(new LeaseEndedError());
      };
      const waiter: Waiter = {
        resolve: (lease) => {
          signal?.removeEventListener('abort', gone);
          resolve(lease);
        },
        reject,
        timer: setTimeout(() => {
          leave();
          reject(new PoolSaturatedError(this.retryAfter(), `không có kết nối rảnh trong ${this.options.queueTimeoutMs} ms`));
        }, this.options.queueTimeoutMs),
      };
      signal?.addEventListener('abort', gone, { once: true });
      this.queue.push(waiter);
    });
  }

  private retryAfter(): number {
    return Math.max(1, Math.ceil(this.options.queueTimeoutMs / 1000));
  }

  private lease(raw: DuckDBConnection): Lease {
    return new Lease(raw, (back) => this.giveBack(back));
  }

  /** Ends any transaction the lease left open; false when the connection cannot be trusted. */
  private async reset(raw: DuckDBConnection): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // it rolled back a transaction left open (or an interrupt meant for the last query): check again
        await raw.run('rollback');
      } catch (err) {
        if (/no transaction is active/i.test((err as Error).message)) return true;
      }
    }
    return false;
  }

  private giveBack(raw: DuckDBConnection): void {
    void this.reset(raw).then(
      (clean) => (clean ? this.release(raw) : this.replace(raw)),
      () => this.replace(raw),
    );
  }

  /** Closes a connection that stays in a transaction, and opens another for a waiting request. */
  private replace(raw: DuckDBConnection): void {
    try {
      raw.closeSync();
    } catch {
      // already unusable; it is dropped either way
    }
    this.open--;
    if (this.closing) {
      if (this.idle.length === this.open) this.drained?.();
      return;
    }
    const next = this.queue.shift();
    if (!next) return;
    clearTimeout(next.timer);
    this.open++;
    this.warehouse.connect().then(
      (fresh) => next.resolve(this.lease(fresh)),
      (err: Error) => {
        this.open--;
        next.reject(err);
      },
    );
  }

  private release(raw: DuckDBConnection): void {
    const next = this.queue.shift();
    if (next && !this.closing) {
      clearTimeout(next.timer);
      next.resolve(this.lease(raw));
      return;
    }
    this.idle.push(raw);
    if (this.closing && this.idle.length === this.open) this.drained?.();
  }

  /** Refuses new leases, waits for every leased connection to come back, and closes them all. */
  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new PoolSaturatedError(5, 'đang dừng'));
    }
    if (this.idle.length < this.open) await new Promise<void>((resolve) => (this.drained = resolve));
    for (const c of this.idle.splice(0)) c.closeSync();
    this.open = 0;
  }
}
