/**
 * Plain-text reports of the ETL for the terminal: the summary `csdl etl` prints after a run, the
 * progress lines of a long run, and `csdl status`. The many small code lists are folded into one
 * line so that the tables people look at stay readable.
 */
import { SOURCE_TABLES } from './contract/tables.ts';
import type { RunStatus, TableFreshness } from '../../lib/meta-store/index.ts';
import type { EtlProgress, EtlRunSummary } from './run-etl.ts';
import type { TableRunRecord } from './run-records.ts';

const order = new Map(SOURCE_TABLES.map((t, i) => [t.name, i]));
const listed = { has: (name: string) => order.has(name) };
const byListing = <T extends { table: string }>(a: T, b: T) => order.get(a.table)! - order.get(b.table)!;
const n = (v: number) => v.toLocaleString('en-US');

/** Left-aligns text columns and right-aligns numeric ones. */
export function formatTable(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A duration as "850 ms", "12.3 s", "4 min 05 s", "3 h 02 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const iso = (ms: number | null) =>
  ms === null
    ? '-'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

function foldCodeLists(tables: TableRunRecord[]): TableRunRecord[] {
  const main = tables.filter((t) => listed.has(t.table));
  const lists = tables.filter((t) => !listed.has(t.table));
  if (lists.length === 0) return main;
  const sum = (k: 'rowsRead' | 'inserted' | 'updated' | 'deleted' | 'rowCount') => lists.reduce((a, t) => a + t[k], 0);
  const folded: TableRunRecord = {
    table: `code lists (${lists.length} dm_* tables)`,
    mode: 'full',
    rowsRead: sum('rowsRead'),
    keysRead: 0,
    inserted: sum('inserted'),
    updated: sum('updated'),
    deleted: sum('deleted'),
    rowCount: sum('rowCount'),
    watermark: null,
    contentMd5: null,
    changeDetection: null,
    seconds: Math.max(...lists.map((t) => t.seconds)),
  };
  return [...main, folded];
}

/** The per-table summary of a finished run. */
export function formatSummary(s: EtlRunSummary): string {
  const rows = foldCodeLists(s.tables).map((t) => [
    t.table,
    t.changeDetection ? `${t.mode} (${t.changeDetection})` : t.mode,
    n(t.rowsRead),
    n(t.inserted),
    n(t.updated),
    n(t.deleted),
    n(t.rowCount),
    t.watermark ?? '-',
    t.seconds.toFixed(1),
  ]);
  const head = `Run ${s.runId} (${s.kind}) succeeded in ${formatDuration(s.seconds * 1000)}; snapshot ${s.snapshotId}`;
  const table = formatTable(['table', 'mode', 'read', 'inserted', 'updated', 'deleted', 'rows', 'watermark', 'seconds'], rows, [
    false,
    false,
    true,
    true,
    true,
    true,
    true,
    false,
    true,
  ]);
  return `${head}\n\n${table}\n`;
}

/** `csdl status`: the last runs, then each table's freshness at `now`. */
export function formatStatus(runs: RunStatus[], fresh: TableFreshness[], now = Date.now()): string {
  if (runs.length === 0) return 'No ETL run yet: run `csdl etl` to load the warehouse.\n';
  const runRows = runs.map((r) => [
    r.runId,
    r.kind,
    r.status,
    iso(r.startedAt),
    r.finishedAt === null ? (r.status === 'running' ? 'running' : '-') : formatDuration(r.finishedAt - r.startedAt),
    n(r.rowsRead),
    `+${n(r.inserted)} ~${n(r.updated)} -${n(r.deleted)}`,
    r.error ? r.error.split('\n')[0].slice(0, 100) : '',
  ]);
  const runsTable = formatTable(['run', 'kind', 'status', 'started', 'duration', 'read', 'changes', 'error'], runRows, [
    false,
    false,
    false,
    false,
    true,
    true,
    false,
    false,
  ]);
  const lists = fresh.filter((f) => !listed.has(f.table));
  const main = fresh.filter((f) => listed.has(f.table)).sort(byListing);
  const freshRows = main.map((f) => [
    f.table,
    f.runId,
    iso(f.finishedAt),
    formatDuration(now - f.finishedAt),
    f.watermark === null ? '-' : iso(f.watermark),
    n(f.rowCount),
  ]);
  if (lists.length > 0) {
    const oldest = Math.min(...lists.map((f) => f.finishedAt));
    freshRows.push([
      `code lists (${lists.length} dm_* tables)`,
      '',
      iso(oldest),
      formatDuration(now - oldest),
      '-',
      n(lists.reduce((a, f) => a + f.rowCount, 0)),
    ]);
  }
  const freshTable = formatTable(['table', 'last successful run', 'loaded', 'age', 'source watermark', 'rows'], freshRows, [
    false,
    false,
    false,
    true,
    false,
    true,
  ]);
  return `Last runs\n\n${runsTable}\n\nFreshness of the warehouse (raw tables)\n\n${freshTable}\n`;
}

/**
 * A progress reporter for long runs: at most one line every `everyMs` (rows read so far per
 * table still reading), the start of the publish, of the checkpoint and of the merge, written with `write` (stderr).
 */
export function progressPrinter(write: (line: string) => void, everyMs = 5000): (e: EtlProgress) => void {
  const started = Date.now();
  let last = started;
  const reading = new Map<string, number>();
  return (e) => {
    if (e.phase === 'rows' && e.table) reading.set(e.table, e.rows ?? 0);
    if (e.phase === 'staged' && e.table) reading.delete(e.table);
    const now = Date.now();
    if (e.phase === 'publish' && now - started > everyMs) write(`[${formatDuration(now - started)}] publishing (one transaction, then reconciliation)`);
    if (e.phase === 'checkpoint' && now - started > everyMs) write(`[${formatDuration(now - started)}] published; writing the warehouse file (checkpoint)`);
    if (e.phase === 'merge' && now - started > everyMs) write(`[${formatDuration(now - started)}] published; merging the changed rows into their tables`);
    if (e.phase !== 'rows' || now - last < everyMs) return;
    last = now;
    const parts = [...reading]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([t, r]) => `${t} ${n(r)}`);
    write(`[${formatDuration(now - started)}] reading: ${parts.join(', ')} rows`);
  };
}
