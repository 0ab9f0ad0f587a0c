/**
 * The snapshot's worker connections as a first-come, first-served pool: a task waits for a free
 * connection, uses it alone, then hands it on. Once the pool is stopped (a task failed), waiting
 * tasks are refused instead of starting more reads.
 */
import type pg from 'pg';

/** A pool over already connected clients (the snapshot's workers). */
export class WorkerPool {
  private readonly free: pg.Client[];
  private readonly waiting: Array<{ resolve: (c: pg.Client) => void; reject: (e: unknown) => void }> = [];
  private stoppedBy: unknown;

  constructor(clients: pg.Client[]) {
    this.free = [...clients];
  }

  /** Runs `fn` on a free connection. */
  async use<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.acquire();
    try {
      return await fn(client);
    } finally {
      this.release(client);
    }
  }

  /** Refuses every waiting and future task with `reason`. */
  stop(reason: unknown): void {
    if (this.stoppedBy !== undefined) return;
    this.stoppedBy = reason;
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }

  private acquire(): Promise<pg.Client> {
    if (this.stoppedBy !== undefined) return Promise.reject(this.stoppedBy);
    const c = this.free.pop();
    if (c) return Promise.resolve(c);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(client: pg.Client): void {
    const next = this.waiting.shift();
    if (next) next.resolve(client);
    else this.free.push(client);
  }
}
