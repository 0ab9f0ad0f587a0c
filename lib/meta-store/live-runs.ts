/**
 * The runs this process is executing now. DuckDB lets one process at a time open a warehouse
 * for writing, and every run writes; so a run record still `running` that no live run of the
 * process holding the warehouse claims was left by a process that died. The next start of its
 * stage marks it `interrupted`, and `csdl status` shows it so at once.
 *
 * @example
 *   const release = claimRun(runId);
 *   try { ... } finally { release(); }
 *   isLiveRun(runId); // true between the two
 */
const live = new Set<string>();

/** Claims `runId` as executing in this process; returns the function that releases it. */
export function claimRun(runId: string): () => void {
  live.add(runId);
  return () => {
    live.delete(runId);
  };
}

/** True while `runId` is claimed in this process. */
export function isLiveRun(runId: string): boolean {
  return live.has(runId);
}
