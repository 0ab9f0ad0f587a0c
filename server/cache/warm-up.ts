/**
 * Fills the response cache with the public answers a first visit of the overview asks for, at
 * start-up and after each pipeline run, so that the first visitor of a data version (a minister's
 * office opening the page after the night's run) is not the one who waits for them.
 *
 * The answers are asked over HTTP from the server itself, as a visitor without a key asks them
 * (dashboards/js/national.js): the same routes, suppression, cache keys and audit rows as theirs
 * (marked `{"warm_up":true}` in their detail, on a secret of the process that a client cannot
 * send), one request at a time so that users' requests still get the connections; a 503 (the
 * server busy) ends it. What is asked, in order, until the time bound (CSDL_API_WARM_SECONDS):
 *   - the periods and the indicator catalogue;
 *   - the page's default view: the latest period's map and table of LRN and the nation's series;
 *   - every other indicator's map and table in the latest period, and its national series;
 *   - LRN in the other periods, and each of today's provinces' LRN series (a click on the map).
 * Only public answers are warmed: a keyed answer is cached per scope, and is left to its user.
 * When the periods answer has the ETag it had after the last warm-up, the data version is the
 * same and warm already: nothing more is asked (a delivery run changes no data).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { log } from '../../lib/log.ts';

/** The overview's default indicator (national.js: LRN when the catalogue has it). */
const DEFAULT_INDICATOR = 'LRN';
const NATION = 'N:VN';
const HEADER = 'x-csdl-warm-up';

/** Marks the audit row of a request that carries the warm-up's secret. */
export function warmUpMiddleware(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(token) : undefined;
  return (req, res, next) => {
    const sent = req.headers[HEADER];
    if (expected && typeof sent === 'string' && sent.length === expected.length && timingSafeEqual(Buffer.from(sent), expected))
      res.locals.auditDetail = { warm_up: true };
    next();
  };
}

type WarmResult = {
  /** Requests made, and how many of them the cache already held. */
  asked: number;
  hits: number;
  failed: number;
  ms: number;
  /** 'done': every answer asked; 'warm': the version was warm already; 'bound': the time bound ended it; 'busy': the server answered 503; 'stopped': the server is closing. */
  ended: 'done' | 'warm' | 'bound' | 'busy' | 'stopped';
};

/** The address of a public series, with the parameters national.js sends (qs() order, commas). */
function seriesPath(indicator: string, unit: string): string {
  return `/api/public/indicators/series?${new URLSearchParams({ indicator, units: unit, breakdown: 'total', geography: 'reported' })}`;
}

/** The address of the public map and table of one indicator and period. */
function valuesPath(period: string, indicator: string): string {
  return `/api/public/indicators?${new URLSearchParams({ period, indicator })}`;
}

type Answer = { etag: string | null; body: unknown };

/**
 * Warms the public answers of the server at `url`, its requests carrying `token`, within
 * `boundMs`; `signal` stops it between requests (and aborts the one in flight) when the server
 * closes. `warmEtag` is the periods answer's ETag after the last warm-up: the same ETag is the
 * same data version, warm already.
 * Never throws: a failure is counted and logged, and the answers it could not warm are computed
 * for their first visitor.
 */
async function warmPublicAnswers(
  url: string,
  token: string,
  boundMs: number,
  signal: AbortSignal,
  warmEtag?: string | null,
): Promise<WarmResult & { etag: string | null }> {
  const started = performance.now();
  const result: WarmResult & { etag: string | null } = { asked: 0, hits: 0, failed: 0, ms: 0, ended: 'done', etag: null };
  const ask = async (path: string): Promise<Answer | null> => {
    result.asked++;
    try {
      const res = await fetch(url + path, { signal, headers: { 'User-Agent': 'csdl-warm-up', [HEADER]: token } });
      const text = await res.text();
      if (res.headers.get('x-cache') === 'hit') result.hits++;
      if (res.status === 503) {
        result.ended = 'busy';
        return null;
      }
      if (res.status !== 200) {
        result.failed++;
        log.warn('a public answer could not be warmed', { path, status: res.status });
        return null;
      }
      return { etag: res.headers.get('etag'), body: JSON.parse(text) };
    } catch (err) {
      if (!signal.aborted) {
        result.failed++;
        log.warn('a public answer could not be warmed', { path, error: (err as Error).message });
      }
      return null;
    }
  };
  const over = (): boolean => {
    if (result.ended === 'busy') return true;
    if (signal.aborted) result.ended = 'stopped';
    else if (performance.now() - started > boundMs) result.ended = 'bound';
    else return false;
    return true;
  };
  const rowsOf = (a: Answer | null): Array<Record<string, unknown>> => (a?.body as { rows?: Array<Record<string, unknown>> } | undefined)?.rows ?? [];

  try {
    const periodsAnswer = await ask('/api/public/periods');
    result.etag = periodsAnswer?.etag ?? null;
    if (over()) return result;
    if (result.etag && result.etag === warmEtag) {
      result.ended = 'warm';
      return result;
    }
    const catalog = rowsOf(await ask('/api/public/indicators/catalog')).map((r) => String(r.code));
    const periods = rowsOf(periodsAnswer).map((r) => String(r.period));
    const latest = periods.at(-1);
    if (!latest || catalog.length === 0) return result;
    const first = catalog.includes(DEFAULT_INDICATOR) ? DEFAULT_INDICATOR : catalog[0];
    const paths = [
      valuesPath(latest, first),
      seriesPath(first, NATION),
      ...catalog.filter((c) => c !== first).flatMap((c) => [valuesPath(latest, c), seriesPath(c, NATION)]),
      ...periods.filter((p) => p !== latest).map((p) => valuesPath(p, first)),
    ];
    for (let i = 0; i < paths.length && !over(); i++) {
      const answer = await ask(paths[i]);
      // the default view names today's provinces, whose series a click on the map asks for
      if (i === 0)
        paths.push(
          ...rowsOf(answer)
            .filter((r) => r.unit_level === 'province')
            .map((r) => seriesPath(first, String(r.unit_key))),
        );
    }
    return result;
  } finally {
    result.ms = Math.round(performance.now() - started);
  }
}

/**
 * The server's warm-ups: one at a time; one asked for while another runs follows it (a run that
 * ended meanwhile has a new version to warm). `stop()` ends the current one and refuses more.
 */
export class CacheWarmer {
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private again = false;
  private warmEtag: string | null = null;
  private last: (WarmResult & { at: string }) | null = null;
  /** The secret its requests carry (give it to the app: AppContext.warmToken). */
  readonly token = randomBytes(18).toString('base64url');

  constructor(
    private readonly boundMs: number,
    private url = '',
  ) {}

  /** Where the server listens, once it does. */
  at(url: string): void {
    this.url = url;
  }

  /** Asks for a warm-up; resolves when the warm-ups asked for so far are over. */
  warm(): Promise<void> {
    if (this.boundMs <= 0 || !this.url || this.stopping.signal.aborted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const r = await warmPublicAnswers(this.url, this.token, this.boundMs, this.stopping.signal, this.warmEtag);
        this.last = { ended: r.ended, asked: r.asked, hits: r.hits, failed: r.failed, ms: r.ms, at: new Date().toISOString() };
        if (r.ended === 'done' || r.ended === 'bound') this.warmEtag = r.etag;
        if (r.ended !== 'warm') log.info('public answers warmed', { asked: r.asked, hits: r.hits, failed: r.failed, ms: r.ms, ended: r.ended });
      } while (this.again && !this.stopping.signal.aborted);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Whether a warm-up is running, and how the last one ended (GET /api/health shows it). */
  status(): { running: boolean; last: (WarmResult & { at: string }) | null } {
    return { running: this.running !== null, last: this.last };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }
}
