/**
 * Answers that do not change between pipeline runs, kept in memory and validated by ETag.
 *
 * A cacheable route's answer is a function of the data version (suppression/data-version.ts),
 * the caller's scope (no key, or the key's unit and kind) and the request (path and query, its
 * parameters sorted). Its ETag is a hash of those three, so that a client holding the answer of
 * this version asks with `If-None-Match` and gets 304 Not Modified; the server answers 304 only
 * for a (version, scope, request) it has answered 200 itself, never for one it would refuse.
 * Answers are kept least recently used first within a bound in bytes (CSDL_API_CACHE_MB; 0 keeps
 * none), downloads and the other answers each in half of it; the first request that sees a new
 * version empties it. A key of another scope is another entry, so an answer is never served
 * across scopes. Cached and 304 answers pass through the audit middleware like any other: every
 * access is recorded.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';
import type { Account } from '../accounts/accounts.store.ts';

type Entry = {
  headers: Array<[string, string]>;
  body: Buffer;
  rows: number | null;
  format: string | null;
  /** The body gzipped, made on the first hit that accepts it, and its size once made. */
  gzip?: Promise<Buffer>;
  gzipBytes?: number;
};

/** An answer of at least 1/LARGE_SHARE of the cache's bound is kept with the other large ones. */
const LARGE_SHARE = 64;

/** Answers smaller than this are sent as they are. */
const GZIP_FROM_BYTES = 1024;

const gzipAsync = promisify(gzip);

/** Headers a cached answer carries again (the others are set per response). */
const KEPT = ['content-type', 'content-disposition', 'x-next-cursor'];

/** Answers kept in one least-recently-used order within a bound of bytes (body and gzipped body). */
class Segment {
  readonly entries = new Map<string, Entry>();
  bytes = 0;

  constructor(readonly maxBytes: number) {}

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Keeps `entry` under `key`; returns how many answers it pushed out of the bound. */
  put(key: string, entry: Entry): number {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.body.length + (old.gzipBytes ?? 0);
    }
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    let evicted = 0;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length + (e.gzipBytes ?? 0);
      evicted++;
    }
    return evicted;
  }
}

/**
 * The answers of one data version, least recently used first. Answers of at least
 * `maxBytes / LARGE_SHARE` (downloads: a province's CSV, a failures workbook) are kept apart from
 * the others, each kind in half of the bound, so that a few downloads never push out the many
 * small answers every page asks for (the map, the catalogue, a unit's table).
 */
export class ResponseCache {
  private version: string | undefined;
  private readonly small: Segment;
  private readonly large: Segment;
  /** Keys answered 200 in this version, for 304s without a body in memory (bounded by count). */
  private answered = new Set<string>();
  /** Answers being computed now, by key: a request for the same waits for the first (one computation, not fifty). */
  readonly inFlight = new Map<string, Promise<void>>();
  readonly stats = { hits: 0, misses: 0, notModified: 0, stored: 0, evicted: 0 };

  constructor(
    readonly maxBytes: number,
    private readonly maxAnswered = 100_000,
  ) {
    this.small = new Segment(maxBytes / 2);
    this.large = new Segment(maxBytes / 2);
  }

  /** The bytes of the answers kept now. */
  get size(): number {
    return this.small.bytes + this.large.bytes;
  }

  private segmentOf(bytes: number): Segment {
    return bytes >= this.maxBytes / LARGE_SHARE ? this.large : this.small;
  }

  /** Moves to `version`; every answer of another version is dropped. */
  private at(version: string): void {
    if (this.version === version) return;
    this.version = version;
    this.small.clear();
    this.large.clear();
    this.answered.clear();
  }

  get(version: string, key: string): Entry | undefined {
    this.at(version);
    for (const segment of [this.small, this.large]) {
      const e = segment.entries.get(key);
      if (!e) continue;
      segment.entries.delete(key);
      segment.entries.set(key, e);
      return e;
    }
    return undefined;
  }

  wasAnswered(version: string, key: string): boolean {
    this.at(version);
    return this.answered.has(key) || this.small.entries.has(key) || this.large.entries.has(key);
  }

  /** The gzipped body of a kept answer, made once (off the event loop) and counted in the bound. */
  gzipOf(entry: Entry): Promise<Buffer> {
    entry.gzip ??= gzipAsync(entry.body).then((gz) => {
      const segment = this.segmentOf(entry.body.length);
      if ([...segment.entries.values()].includes(entry)) {
        entry.gzipBytes = gz.length;
        segment.bytes += gz.length;
      }
      return gz;
    });
    return entry.gzip;
  }

  put(version: string, key: string, entry: Entry | undefined): void {
    // an answer computed while the version changed belongs to neither
    if (this.version !== version) return;
    if (this.answered.size >= this.maxAnswered) this.answered.delete(this.answered.values().next().value!);
    this.answered.add(key);
    if (!entry || entry.body.length > this.maxBytes / 4) return;
    // an answer changes size class only with the data version, which empties both
    this.stats.evicted += this.segmentOf(entry.body.length).put(key, entry);
    this.stats.stored++;
  }
}

/** The bytes of an answer being copied for the cache, until it is too big to keep. */
type Capture = { chunks: Buffer[]; bytes: number; limit: number };

function copy(res: Response, chunk: unknown, encoding: unknown): void {
  const capture = res.locals.capture as Capture | undefined;
  if (!capture || capture.bytes > capture.limit || chunk === undefined || chunk === null || typeof chunk === 'function') return;
  const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  capture.bytes += b.length;
  if (capture.bytes > capture.limit) capture.chunks = [];
  else capture.chunks.push(b);
}

/**
 * Copies what a response writes, for the cache (answerCached asks for it). Mounted before the
 * audit middleware, which holds the first write back and later restores the functions it found:
 * these, so that every byte, held or not, is seen once.
 */
export function captureMiddleware(): RequestHandler {
  return (_req, res, next) => {
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    res.write = ((...args: unknown[]) => {
      copy(res, args[0], args[1]);
      return write(...args);
    }) as Response['write'];
    res.end = ((...args: unknown[]) => {
      copy(res, args[0], args[1]);
      return end(...args);
    }) as Response['end'];
    next();
  };
}

/** The request's identity in the cache: scope (no key, or unit and kind of the key), path, sorted query and `vary`. */
function cacheKey(req: Request, account: Account | undefined, vary: string): string {
  const scope = account ? `${account.unit_key}|${account.kind}` : 'public';
  const url = new URL(req.originalUrl, 'http://x');
  url.searchParams.sort();
  return `${scope}\n${url.pathname}?${url.searchParams.toString()}\n${vary}`;
}

function etagOf(version: string, key: string): string {
  return `"${createHash('sha256').update(version).update('\n').update(key).digest('base64url').slice(0, 32)}"`;
}

/** The ETag of the gzipped form of an answer (another representation, another tag). */
function gzipTag(etag: string): string {
  return `${etag.slice(0, -1)}-gz"`;
}

/** Whether an If-None-Match header names `etag` (strong, weak or '*'). */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * Answers `req` from the cache (200 with the kept answer, or 304) or runs `handler` and keeps its
 * answer. `vary` is what else the answer depends on (today's date for deadline statuses).
 */
export async function answerCached(cache: ResponseCache, req: Request, res: Response, handler: () => Promise<void> | void, vary = ''): Promise<void> {
  const version = res.locals.dataVersion as string | undefined;
  if (version === undefined) return handler();
  const account = res.locals.account as Account | undefined;
  const key = cacheKey(req, account, vary);
  const etag = etagOf(version, key);
  res.setHeader('Cache-Control', account ? 'private, no-cache' : 'public, no-cache');
  const asked = req.headers['if-none-match'];
  if ((matches(asked, etag) || matches(asked, gzipTag(etag))) && cache.wasAnswered(version, key)) {
    cache.stats.notModified++;
    res.locals.format = new URL(req.originalUrl, 'http://x').searchParams.get('format') ?? 'json';
    res.setHeader('ETag', matches(asked, etag) ? etag : gzipTag(etag));
    res.status(304).end();
    return;
  }
  let hit = cache.maxBytes > 0 ? cache.get(version, key) : undefined;
  const computing = cache.maxBytes > 0 && !hit ? cache.inFlight.get(`${version}\n${key}`) : undefined;
  if (computing) {
    await computing;
    hit = cache.get(version, key);
  }
  if (hit) {
    cache.stats.hits++;
    res.locals.rows = hit.rows;
    res.locals.format = hit.format;
    for (const [h, v] of hit.headers) res.setHeader(h, v);
    res.setHeader('X-Cache', 'hit');
    res.setHeader('Vary', 'Accept-Encoding');
    // a kept answer is gzipped once for every client that accepts it (browsers do)
    const gzip = hit.body.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? await cache.gzipOf(hit) : hit.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('ETag', gzip ? gzipTag(etag) : etag);
    res.setHeader('Content-Length', String(body.length));
    res.status(200).end(body);
    return;
  }
  cache.stats.misses++;
  res.setHeader('ETag', etag);
  res.setHeader('X-Cache', 'miss');
  const capture: Capture | undefined = cache.maxBytes > 0 ? { chunks: [], bytes: 0, limit: cache.maxBytes / 4 } : undefined;
  res.locals.capture = capture;
  if (capture) {
    const flight = `${version}\n${key}`;
    const settled = new Promise<void>((resolve) => res.once('close', resolve));
    cache.inFlight.set(flight, settled);
    void settled.then(() => {
      if (cache.inFlight.get(flight) === settled) cache.inFlight.delete(flight);
    });
  }
  res.once('finish', () => {
    if (res.statusCode !== 200) return;
    const headers = KEPT.flatMap((h): Array<[string, string]> => {
      const v = res.getHeader(h);
      return v === undefined ? [] : [[h, String(v)]];
    });
    const whole = capture && capture.bytes <= capture.limit;
    cache.put(
      version,
      key,
      whole
        ? {
            headers,
            body: Buffer.concat(capture.chunks),
            rows: (res.locals.rows as number | undefined) ?? null,
            format: (res.locals.format as string | undefined) ?? null,
          }
        : undefined,
    );
  });
  try {
    await handler();
  } catch (err) {
    if (!res.headersSent) {
      res.removeHeader('ETag');
      res.setHeader('Cache-Control', 'no-store');
    }
    throw err;
  }
}
