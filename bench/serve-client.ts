/**
 * The clients of bench:serve: GETs read as a browser receives them, loops of clients for a time,
 * and the figures of what they measured.
 */
import { Agent, get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';

export const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN);

export type Stats = {
  answered: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  failures: Record<string, number>;
};
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
function stats(latencies: number[], seconds: number, statuses: Record<string, number>, failures: Record<string, number>): Stats {
  return {
    answered: latencies.length,
    rps: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    statuses,
    failures,
  };
}

export type Request = { name: string; path: string; key?: string };

/** Why a request got no answer: the socket's error code, or the client's own limits. */
class NoAnswer extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

// every client of the bench keeps its connections, as browsers do
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * One GET as a browser makes it (gzip accepted), read to its last byte but not unpacked: what is
 * timed is the server delivering the answer, not the bench process decompressing it (with 200
 * clients in one process, unpacking a province's 8 MB table took the bench's CPU, not the
 * server's). The body is kept only for an answer other than 200, to read its error code.
 */
function get(url: string, key: string | undefined): Promise<{ status: number; error?: string; cache?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent, headers: { 'Accept-Encoding': 'gzip', ...(key ? { Authorization: `Bearer ${key}` } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => res.statusCode !== 200 && chunks.push(d));
      res.on('aborted', () => reject(new NoAnswer('answer cut')));
      res.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer(e.code ?? e.message)));
      res.on('end', () => {
        if (!res.complete) return reject(new NoAnswer('answer cut'));
        if (res.statusCode === 200) return resolve({ status: 200, cache: res.headers['x-cache'] as string | undefined });
        let error = 'not JSON';
        try {
          const body = Buffer.concat(chunks);
          error = JSON.parse((res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8')).error.code;
        } catch {
          // the code stays 'not JSON'
        }
        resolve({ status: res.statusCode!, error });
      });
    });
    // no byte for two minutes: the client gives up, and says so
    req.setTimeout(120_000, () => req.destroy(new NoAnswer('client timeout (120 s without a byte)')));
    req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof NoAnswer ? e : new NoAnswer(e.code ?? e.message)));
  });
}

/** `clients` loops sending `next()`'s request for `seconds` (or until `until` resolves); every answer is read whole. */
export async function load(url: string, clients: number, next: (i: number, n: number) => Request, seconds: number, until?: Promise<unknown>) {
  const byName = new Map<string, { latencies: number[]; statuses: Record<string, number>; failures: Record<string, number> }>();
  let done = false;
  void until?.then(() => (done = true));
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      for (let n = 0; until ? !done : performance.now() < end; n++) {
        const r = next(i, n);
        const t = byName.get(r.name) ?? byName.set(r.name, { latencies: [], statuses: {}, failures: {} }).get(r.name)!;
        const s = performance.now();
        try {
          const res = await get(url + r.path, r.key);
          if (res.status !== 200) bump(t.statuses, `${res.status} ${res.error}`);
          t.latencies.push(performance.now() - s);
        } catch (err) {
          // no status: what ended the exchange (the socket's error code, or the client's own timeout)
          bump(t.failures, err instanceof NoAnswer ? err.code : String(err));
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return Object.fromEntries([...byName].map(([name, t]) => [name, stats(t.latencies, elapsed, t.statuses, t.failures)]));
}

/**
 * Answers a call once (its time in `firsts`; its name in `kept` when the server's cache already
 * held it, as the start-up warm-up leaves the public answers); an optional call the server does
 * not have (404, 400) is left out.
 */
export async function present(url: string, r: Request, firsts: Record<string, number>, kept: string[]): Promise<boolean> {
  const started = performance.now();
  const res = await get(url + r.path, r.key).catch(() => undefined);
  firsts[r.name] = performance.now() - started;
  if (res?.cache === 'hit') kept.push(r.name);
  return res?.status === 200;
}
