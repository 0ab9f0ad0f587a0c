/**
 * Runs async jobs one after another on a resource that takes one statement at a time (the run's
 * DuckDB connection), in the order they were submitted. A failed job does not block later ones.
 */
export class Serial<R> {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly resource: R) {}

  /** Queues `fn` behind every job submitted before it. */
  run<T>(fn: (resource: R) => Promise<T>): Promise<T> {
    const next = this.tail.then(() => fn(this.resource));
    this.tail = next.catch(() => {});
    return next;
  }
}
