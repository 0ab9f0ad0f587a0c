/**
 * A worker thread running a TypeScript module (lib/ts-worker-boot.mjs registers the loader
 * first), answering one message at a time: `run` posts a task and resolves with the module's
 * answer, or rejects with its error or with the thread's exit.
 *
 * The module answers with `serveTasks`.
 *
 * @example
 *   const worker = new TsWorker<Job, Result>(new URL('./my-worker.ts', import.meta.url));
 *   try { console.log(await worker.run(job)); } finally { await worker.close(); }
 */
import { parentPort, Worker } from 'node:worker_threads';

type Reply<R> = { ok: true; value: R } | { ok: false; message: string };

export class TsWorker<T, R> {
  private readonly worker: Worker;
  private waiting?: { resolve: (r: R) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(entry: URL) {
    this.worker = new Worker(new URL('./ts-worker-boot.mjs', import.meta.url), { workerData: { entry: entry.href } });
    this.worker.on('message', (reply: Reply<R>) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (reply.ok) w?.resolve(reply.value);
      else w?.reject(new Error(reply.message));
    });
    const fail = (err: Error) => {
      this.failure = err;
      this.waiting?.reject(err);
      this.waiting = undefined;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`worker thread ${entry.pathname} exited (code ${code})`)));
  }

  /** The answer to one task; a worker runs one task at a time. */
  run(task: T): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('TsWorker.run: the worker is busy'));
    return new Promise<R>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** In a worker's module: answers each task posted by TsWorker.run with `handle`'s result. */
export function serveTasks<T, R>(handle: (task: T) => Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks: not in a worker thread');
  port.on('message', (task: T) => {
    handle(task).then(
      (value) => port.postMessage({ ok: true, value } satisfies Reply<R>),
      (err: unknown) => port.postMessage({ ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Reply<R>),
    );
  });
}
