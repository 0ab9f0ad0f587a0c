/**
 * The pages' large static files (vega, vega-lite, vega-embed, exceljs, the province shapes),
 * sent gzipped to a browser that accepts it. As built they are 830 KB for the charts alone and
 * about a third of that gzipped: most of a first visit's bytes over a district office's line.
 * Each file is gzipped once for its version on disk (size and modification time) and kept; the
 * set is fixed and small (under 1 MB gzipped), so the memory is bounded by it.
 */
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip, constants } from 'node:zlib';
import type { Request, Response } from 'express';
import { matches } from './cache/response-cache.ts';

const gzipAsync = promisify(gzip);
const MAX_AGE_SECONDS = 3600;
/** Below this, gzip's header and the work are not worth it. */
const GZIP_FROM_BYTES = 1024;

const kept = new Map<string, { tag: string; body: Promise<Buffer> }>();

/** Sends `file` as `type`, gzipped when the client accepts it, with an ETag of its version on disk (304 when the client has it). */
export async function sendStatic(req: Request, res: Response, file: string, type: string): Promise<void> {
  const info = await stat(file);
  const version = `${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}`;
  const gz = info.size >= GZIP_FROM_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const etag = `"${version}${gz ? '-gz' : ''}"`;
  res.type(type);
  res.setHeader('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('ETag', etag);
  if (matches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  if (!gz) {
    res.sendFile(file, { maxAge: MAX_AGE_SECONDS * 1000, etag: false, lastModified: false });
    return;
  }
  let entry = kept.get(file);
  if (entry?.tag !== version) {
    entry = { tag: version, body: readFile(file).then((raw) => gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION })) };
    kept.set(file, entry);
    // a failed read is not kept: the next request tries again
    entry.body.catch(() => kept.get(file) === entry && kept.delete(file));
  }
  const body = await entry.body;
  res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(body);
}
