/**
 * Sends a table in the format asked for. A table is one query: JSON (`{ ...meta, columns, rows }`)
 * and CSV (UTF-8 with BOM, see csv.ts) read its rows; Parquet is written by DuckDB's COPY straight
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
import { readRows } from '../db/read-rows.ts';
import type { Format } from '../params.ts';
import { toCsv } from './csv.ts';

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
  const rows = await readRows(conn, table.sql, table.params ?? []);
  for (const row of rows) {
    for (const { figure, status } of table.shown ?? []) {
      if (row[status] !== null && row[status] !== undefined) row[figure] = row[status];
      delete row[status];
    }
  }
  countRows(res, rows.length);
  if (format === 'json') {
    res.json({ ...table.meta, columns, rows });
    return;
  }
  res.setHeader('Content-Disposition', `attachment; filename="${table.filename}.csv"`);
  res.type('text/csv; charset=utf-8').send(toCsv(columns, rows));
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
