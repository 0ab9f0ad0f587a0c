/**
 * Plain-text reports of the ETL for the terminal, in Vietnamese (the technical word beside it
 * where people search for it): the summary `csdl etl` prints after a run, the progress lines of a
 * long run, and `csdl status`. Numbers read 1.234.567, times dd/mm/yyyy hh:mm:ss in Vietnam's
 * time (UTC+7). The many small code lists are folded into one line so that the tables people look
 * at stay readable.
 */
import { SOURCE_TABLES } from './contract/tables.ts';
import type { RunStatus, TableFreshness } from '../../lib/meta-store/index.ts';
import type { EtlProgress, EtlRunSummary } from './run-etl.ts';
import type { TableRunRecord } from './run-records.ts';

const order = new Map(SOURCE_TABLES.map((t, i) => [t.name, i]));
const listed = { has: (name: string) => order.has(name) };
const byListing = <T extends { table: string }>(a: T, b: T) => order.get(a.table)! - order.get(b.table)!;
const n = (v: number) => v.toLocaleString('vi-VN');
const decimal = (v: number) => v.toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Run kinds, load modes and run statuses in Vietnamese, the stored word beside them. */
const WORDS: Record<string, string> = {
  full: 'toàn bộ (full)',
  incremental: 'tăng dần (incremental)',
  running: 'đang chạy (running)',
  succeeded: 'thành công (succeeded)',
  failed: 'thất bại (failed)',
  interrupted: 'bị ngắt (interrupted)',
};
const word = (w: string) => WORDS[w] ?? w;

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

/** A duration as "850 ms", "12,3 giây", "4 phút 05 giây", "3 giờ 02 phút", "2 ngày 4 giờ". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${decimal(s)} giây`;
  if (s < 3600) return `${Math.floor(s / 60)} phút ${String(Math.floor(s % 60)).padStart(2, '0')} giây`;
  if (s < 86400) return `${Math.floor(s / 3600)} giờ ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} phút`;
  return `${Math.floor(s / 86400)} ngày ${Math.floor((s % 86400) / 3600)} giờ`;
}

/** An instant as dd/mm/yyyy hh:mm:ss in Vietnam's time (UTC+7, no daylight saving). */
export function formatInstant(ms: number | null): string {
  if (ms === null) return '-';
  const t = new Date(ms + 7 * 3600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 19)}`;
}
const iso = formatInstant;

function foldCodeLists(tables: TableRunRecord[]): TableRunRecord[] {
  const main = tables.filter((t) => listed.has(t.table));
  const lists = tables.filter((t) => !listed.has(t.table));
  if (lists.length === 0) return main;
  const sum = (k: 'rowsRead' | 'inserted' | 'updated' | 'deleted' | 'rowCount') => lists.reduce((a, t) => a + t[k], 0);
  const folded: TableRunRecord = {
    table: `danh mục (${lists.length} bảng dm_*)`,
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
    t.changeDetection ? `${word(t.mode)}, ${t.changeDetection}` : word(t.mode),
    n(t.rowsRead),
    n(t.inserted),
    n(t.updated),
    n(t.deleted),
    n(t.rowCount),
    t.watermark && Number.isFinite(Date.parse(t.watermark)) ? iso(Date.parse(t.watermark)) : (t.watermark ?? '-'),
    decimal(t.seconds),
  ]);
  const head = `Lần chạy ${s.runId} (${word(s.kind)}) thành công sau ${formatDuration(s.seconds * 1000)}; ảnh chụp nguồn (snapshot) ${s.snapshotId}`;
  const table = formatTable(['bảng', 'cách nạp', 'đã đọc', 'thêm', 'sửa', 'xóa', 'số dòng', 'mốc dữ liệu', 'giây'], rows, [
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
  if (runs.length === 0) return 'Chưa có lần chạy ETL nào: hãy chạy `csdl etl` để nạp kho dữ liệu.\n';
  const runRows = runs.map((r) => [
    r.runId,
    word(r.kind),
    word(r.status),
    iso(r.startedAt),
    r.finishedAt === null ? (r.status === 'running' ? 'đang chạy' : '-') : formatDuration(r.finishedAt - r.startedAt),
    n(r.rowsRead),
    `+${n(r.inserted)} ~${n(r.updated)} -${n(r.deleted)}`,
    r.error ? r.error.split('\n')[0].slice(0, 100) : '',
  ]);
  const runsTable = formatTable(['lần chạy', 'loại', 'trạng thái', 'bắt đầu (giờ VN)', 'thời gian', 'đã đọc', 'thay đổi', 'lỗi'], runRows, [
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
    freshRows.push([`danh mục (${lists.length} bảng dm_*)`, '', iso(oldest), formatDuration(now - oldest), '-', n(lists.reduce((a, f) => a + f.rowCount, 0))]);
  }
  const freshTable = formatTable(['bảng', 'lần chạy thành công gần nhất', 'nạp lúc (giờ VN)', 'đã qua', 'mốc dữ liệu nguồn (giờ VN)', 'số dòng'], freshRows, [
    false,
    false,
    false,
    true,
    false,
    true,
  ]);
  return `Các lần chạy ETL gần nhất\n\n${runsTable}\n\nĐộ mới của kho dữ liệu (các bảng raw)\n\n${freshTable}\n`;
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
    if (e.phase === 'publish' && now - started > everyMs) write(`[${formatDuration(now - started)}] đang công bố (một giao dịch, rồi đối chiếu)`);
    if (e.phase === 'checkpoint' && now - started > everyMs) write(`[${formatDuration(now - started)}] đã công bố; đang ghi tệp kho dữ liệu (checkpoint)`);
    if (e.phase === 'merge' && now - started > everyMs) write(`[${formatDuration(now - started)}] đã công bố; đang gộp các dòng thay đổi vào bảng`);
    if (e.phase !== 'rows' || now - last < everyMs) return;
    last = now;
    const parts = [...reading]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([t, r]) => `${t} ${n(r)}`);
    write(`[${formatDuration(now - started)}] đang đọc: ${parts.join(', ')} dòng`);
  };
}
