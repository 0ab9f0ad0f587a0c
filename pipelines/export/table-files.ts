/**
 * Writes one package table in each file format. CSV, Parquet and JSON are written by DuckDB's
 * COPY straight from the query (rows never pass through Node); the CSV gets a UTF-8 byte-order
 * mark (Excel opens it as UTF-8), and with Vietnamese headers it also takes the separators Excel
 * in Vietnamese expects (`;` between fields, `,` before decimals). Arrow IPC (file format) is
 * written with apache-arrow from DuckDB's result chunks, one record batch per chunk.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Bool, Field, Float64, Int64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Utf8, type Data, type DataType } from 'apache-arrow';
import { ident, literal, queryRows } from '../../lib/warehouse.ts';
import type { DatasetColumn } from './datasets.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The query with its columns renamed to their Vietnamese headers, decimals written with a comma. */
function withHeaders(sql: string, columns: DatasetColumn[], vi: boolean): string {
  const column = (c: DatasetColumn) =>
    !vi ? ident(c.name) : c.kind === 'double' ? `replace(cast(${ident(c.name)} as varchar), '.', ',') as ${ident(c.vi)}` : `${ident(c.name)} as ${ident(c.vi)}`;
  return `select ${columns.map(column).join(', ')} from (${sql})`;
}

/** Rows a query returns. */
export async function countRowsOf(conn: DuckDBConnection, sql: string): Promise<number> {
  const [r] = await queryRows<{ n: number | string }>(conn, `select count(*) as n from (${sql})`);
  return Number(r.n);
}

/** CSV, UTF-8 with BOM, RFC 4180 quoting, CRLF line ends. */
export async function writeCsv(conn: DuckDBConnection, sql: string, columns: DatasetColumn[], path: string, vi: boolean): Promise<void> {
  const raw = `${path}.nobom`;
  const options = vi ? `delimiter ';'` : `delimiter ','`;
  await conn.run(`copy (${withHeaders(sql, columns, vi)}) to ${literal(raw)} (format csv, header true, ${options}, new_line '\\r\\n')`);
  const out = createWriteStream(path);
  out.write(BOM);
  await pipeline(createReadStream(raw), out);
  await rm(raw);
}

/** Parquet (zstd), one file. */
export async function writeParquet(conn: DuckDBConnection, sql: string, columns: DatasetColumn[], path: string): Promise<void> {
  await conn.run(`copy (${withHeaders(sql, columns, false)}) to ${literal(path)} (format parquet, compression zstd)`);
}

/** JSON: one array of row objects. */
export async function writeJson(conn: DuckDBConnection, sql: string, columns: DatasetColumn[], path: string): Promise<void> {
  await conn.run(`copy (${withHeaders(sql, columns, false)}) to ${literal(path)} (format json, array true)`);
}

function arrowType(kind: DatasetColumn['kind']): DataType {
  return kind === 'int' ? new Int64() : kind === 'double' ? new Float64() : kind === 'bool' ? new Bool() : new Utf8();
}

/**
 * One column of a record batch, built straight into Arrow's buffers (validity bitmap, offsets,
 * values): apache-arrow's generic builders cost several times the whole COPY of the same rows.
 */
function arrowColumn(kind: DatasetColumn['kind'], values: unknown[]): Data {
  const length = values.length;
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  const valid = (i: number, v: unknown) => {
    if (v === null || v === undefined) {
      nullCount++;
      return false;
    }
    nullBitmap[i >> 3] |= 1 << (i & 7);
    return true;
  };
  if (kind === 'int') {
    const data = new BigInt64Array(length);
    values.forEach((v, i) => valid(i, v) && (data[i] = BigInt(v as bigint | number | string)));
    return makeData({ type: new Int64(), length, nullCount, nullBitmap, data });
  }
  if (kind === 'double') {
    const data = new Float64Array(length);
    values.forEach((v, i) => valid(i, v) && (data[i] = Number(v)));
    return makeData({ type: new Float64(), length, nullCount, nullBitmap, data });
  }
  if (kind === 'bool') {
    const data = new Uint8Array(Math.ceil(length / 8));
    values.forEach((v, i) => valid(i, v) && v && (data[i >> 3] |= 1 << (i & 7)));
    return makeData({ type: new Bool(), length, nullCount, nullBitmap, data });
  }
  const texts = values.map((v, i) => (valid(i, v) ? String(v) : ''));
  const valueOffsets = new Int32Array(length + 1);
  let size = 0;
  texts.forEach((t, i) => {
    size += Buffer.byteLength(t, 'utf8');
    valueOffsets[i + 1] = size;
  });
  const data = Buffer.allocUnsafe(size);
  texts.forEach((t, i) => data.write(t, valueOffsets[i], 'utf8'));
  return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets, data });
}

/** Rows per Arrow record batch: DuckDB's chunks (2.048 rows) are gathered into batches of about this size. */
const ARROW_BATCH_ROWS = 65_536;

/** Arrow IPC file: the schema from the dataset's columns, record batches of about ARROW_BATCH_ROWS rows. */
export async function writeArrow(conn: DuckDBConnection, sql: string, columns: DatasetColumn[], path: string): Promise<void> {
  const schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c.kind), true)));
  const writer = new RecordBatchFileWriter();
  const tmp = `${path}.part`;
  const done = pipeline(writer.toNodeStream(), createWriteStream(tmp));
  writer.reset(undefined, schema);
  const result = await conn.stream(withHeaders(sql, columns, false));
  let pending: unknown[][] = columns.map(() => []);
  let rows = 0;
  let batches = 0;
  const flush = () => {
    const data = Object.fromEntries(columns.map((c, i) => [c.name, arrowColumn(c.kind, pending[i])]));
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children: Object.values(data) })));
    pending = columns.map(() => []);
    rows = 0;
    batches++;
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const cols = chunk.getColumns();
    for (let i = 0; i < columns.length; i++) {
      const target = pending[i];
      for (const v of cols[i] as unknown[]) target.push(v);
    }
    rows += chunk.rowCount;
    if (rows >= ARROW_BATCH_ROWS) flush();
  }
  if (rows > 0 || batches === 0) flush();
  writer.finish();
  await done;
  await rename(tmp, path);
}
