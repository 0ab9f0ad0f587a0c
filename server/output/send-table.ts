/**
 * Sends a table in the format asked for. A table is one query: JSON (`{ ...meta, columns, rows }`)
 * reads its rows; CSV (UTF-8 with BOM, see csv.ts) streams them when there are many; Parquet is written by DuckDB's COPY straight
 * from the same query to a temporary file, streamed and removed, so its columns keep their SQL
 * types (counts as integers, figures as doubles). A figure a status column can hide (small-cell
 * suppression) is null in Parquet beside its status ('<10' or 'x'); JSON and CSV show the status in
 * its place. Records the row count and format for the audit log.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Response } from 'express';
import { literal } from '../../lib/warehouse.ts';
import { countRows } from '../app-context.ts';
import { leaseOf } from '../db/connection.middleware.ts';
import { readRows, streamRows, type Row } from '../db/read-rows.ts';
import type { Format } from '../params.ts';
import { BOM, csvLine, toCsv } from './csv.ts';

/** A figure column and the status column that says whether (and why) it is hidden. */
export type Shown = { figure: string; status: string };

export type Table = {
  /** One select of exactly `columns`, in order, with its own `order by`. Parameters are bound. */
  sql: string;
  params?: unknown[];
  /** The table's columns, in order (status columns of `shown` included). */
  columns: readonly string[];
  /** Figures that status columns can hide. */
  shown?: readonly Shown[];
  /** File name without extension, for downloads: `indicators-2025-DN-P_48_2025`. */
  filename: string;
  /** Extra JSON fields (unit, period, notes); not part of CSV or Parquet. */
  meta?: Record<string, unknown>;
};

/** A safe file name: letters, digits, dash and underscore only. */
export function fileName(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '_');
}

/** Rows of a CSV answer sent in one piece; a larger one is streamed a chunk at a time. */
export const STREAM_AFTER_ROWS = 1000;

/** Writes `table` to the response in `format`. */
export async function sendTable(res: Response, conn: DuckDBConnection, format: Format, table: Table): Promise<void> {
  res.locals.format = format;
  if (format === 'parquet') {
    res.setHeader('Content-Disposition', `attachment; filename="${table.filename}.parquet"`);
    await sendParquet(res, conn, table);
    return;
  }
  const statusColumns = new Set((table.shown ?? []).map((s) => s.status));
  const columns = table.columns.filter((c) => !statusColumns.has(c));
  if (format === 'csv') {
    const lease = leaseOf(res.locals);
    // the rows are read chunk by chunk outside the query calls the lease tracks, and counted in the same snapshot
    await (lease ? lease.snapshot(() => sendCsv(res, conn, table, columns)) : sendCsv(res, conn, table, columns));
    return;
  }
  const rows = shownRows(await readRows(conn, table.sql, table.params ?? []), table.shown);
  countRows(res, rows.length);
  res.json({ ...table.meta, columns, rows });
}

/** Puts each hidden figure's status in its place and drops the status columns. */
function shownRows(rows: Row[], shown: readonly Shown[] = []): Row[] {
  for (const row of rows) {
    for (const { figure, status } of shown) {
      if (row[status] !== null && row[status] !== undefined) row[figure] = row[status];
      delete row[status];
    }
  }
  return rows;
}

/**
 * CSV: a table of up to STREAM_AFTER_ROWS rows goes in one piece; a larger one is counted first
 * (the audit row, written before the first byte, holds the count), then streamed chunk by chunk
 * as DuckDB produces it, waiting for the client to drain, so that it is never whole in memory.
 */
async function sendCsv(res: Response, conn: DuckDBConnection, table: Table, columns: string[]): Promise<void> {
  const params = table.params ?? [];
  const [{ n }] = await readRows<{ n: number }>(conn, `select count(*) as n from (${table.sql})`, params);
  res.setHeader('Content-Disposition', `attachment; filename="${table.filename}.csv"`);
  res.type('text/csv; charset=utf-8');
  countRows(res, n);
  if (n <= STREAM_AFTER_ROWS) {
    res.send(toCsv(columns, shownRows(await readRows(conn, table.sql, params), table.shown)));
    return;
  }
  const gone = new Promise<void>((resolve) => res.once('close', resolve));
  const write = async (text: string) => {
    if (!res.write(text)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), gone]);
  };
  await write(BOM + csvLine(columns));
  for await (const rows of streamRows(conn, table.sql, params)) {
    // the client has left: stop reading (the generator's end releases the result)
    if (res.destroyed) return;
    await write(
      shownRows(rows, table.shown)
        .map((r) => csvLine(columns.map((c) => r[c])))
        .join(''),
    );
  }
  res.end();
}

async function sendParquet(res: Response, conn: DuckDBConnection, table: Table): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'csdl-export-'));
  try {
    const out = join(dir, 'table.parquet');
    const copied = await readRows<{ Count: number }>(conn, `copy (${table.sql}) to ${literal(out)} (format parquet, compression zstd)`, table.params ?? []);
    countRows(res, Number(copied[0]?.Count ?? 0));
    res.type('application/vnd.apache.parquet');
    // settles however the response ends, also when the client has already left
    await pipeline(createReadStream(out), res).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE' && !res.destroyed) throw err;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
