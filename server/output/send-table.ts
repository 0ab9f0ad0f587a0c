/**
 * Sends a table in the format asked for: JSON (`{ ...meta, columns, rows }`), CSV (UTF-8 with
 * BOM, see csv.ts) or Parquet (written by DuckDB's COPY to a temporary file, streamed, removed).
 * Records the row count and format for the audit log.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Response } from 'express';
import { ident, literal } from '../../lib/warehouse.ts';
import { countRows } from '../app-context.ts';
import type { Format } from '../params.ts';
import { toCsv } from './csv.ts';

export type Table = {
  columns: readonly string[];
  rows: ReadonlyArray<Record<string, unknown>>;
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
  countRows(res, table.rows.length);
  res.locals.format = format;
  if (format === 'json') {
    res.json({ ...table.meta, columns: table.columns, rows: table.rows });
    return;
  }
  res.setHeader('Content-Disposition', `attachment; filename="${table.filename}.${format}"`);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsv(table.columns, table.rows));
    return;
  }
  await sendParquet(res, conn, table);
}

async function sendParquet(res: Response, conn: DuckDBConnection, table: Table): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'csdl-export-'));
  try {
    const json = join(dir, 'rows.ndjson');
    const out = join(dir, 'table.parquet');
    await writeFile(json, table.rows.map((r) => JSON.stringify(Object.fromEntries(table.columns.map((c) => [c, r[c] ?? null])))).join('\n'));
    const select =
      table.rows.length > 0
        ? `select ${table.columns.map(ident).join(', ')} from read_json_auto(${literal(json)}, format = 'newline_delimited')`
        : `select ${table.columns.map((c) => `cast(null as varchar) as ${ident(c)}`).join(', ')} where false`;
    await conn.run(`copy (${select}) to ${literal(out)} (format parquet, compression zstd)`);
    res.type('application/vnd.apache.parquet');
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(out);
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
