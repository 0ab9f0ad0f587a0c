// The explorer's state lives in the page address (?unit=&period=&indicator=&breakdown=&cell=
// &geography=&compare=), so that a link holds the whole view; requests carry the key in a header
// and an abort signal, and only the latest selection may draw (a late answer never overwrites a
// newer one).
import { ApiError, getKey } from './common.js';

const FIELDS = ['unit', 'period', 'indicator', 'breakdown', 'cell', 'geography', 'compare'];

/** The state the address holds. */
export function readState() {
  const p = new URL(window.location.href).searchParams;
  const s = Object.fromEntries(FIELDS.map((f) => [f, p.get(f) ?? '']));
  s.compare = s.compare ? s.compare.split(',').filter(Boolean) : [];
  s.breakdown ||= 'total';
  s.geography = s.geography === '2025' ? '2025' : 'reported';
  return s;
}

/** Writes the state to the address: a new history entry when `push` (a drill), else in place. */
export function writeState(s, push = false) {
  const url = new URL(window.location.href);
  for (const f of FIELDS) {
    const v = f === 'compare' ? s.compare.join(',') : s[f];
    const dflt = (f === 'breakdown' && v === 'total') || (f === 'geography' && v === 'reported');
    if (v && !dflt) url.searchParams.set(f, v);
    else url.searchParams.delete(f);
  }
  const next = url.pathname + url.search + url.hash;
  if (next === window.location.pathname + window.location.search + window.location.hash) return;
  if (push) history.pushState(null, '', next);
  else history.replaceState(null, '', next);
}

/**
 * GET a server URL as JSON (with the key when there is one), abortable; `text` returns the text.
 * `anonymous` sends no key: a public answer is the same for everyone, and a request without a
 * header is the one the page's <link rel="preload"> has already started.
 */
export async function getJson(path, signal, { text = false, anonymous = false } = {}) {
  const key = anonymous ? null : getKey();
  const res = await fetch(path, { signal, headers: key ? { Authorization: `Bearer ${key}` } : {} });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error?.code ?? String(res.status), body.error?.message ?? res.statusText);
  }
  return text ? res.text() : res.json();
}

/**
 * A guard for one kind of drawing: each `next()` aborts the requests of the one before and returns
 * `{ signal, current() }`; a drawing checks `current()` after each await and stops when a newer
 * selection has started.
 */
export function latestOnly() {
  let seq = 0;
  let controller = null;
  return {
    next() {
      controller?.abort();
      controller = new AbortController();
      const mine = ++seq;
      return { signal: controller.signal, current: () => mine === seq };
    },
  };
}

/** Whether an error is the abort of a superseded request (not worth showing). */
export function isAbort(e) {
  return e?.name === 'AbortError';
}

/** A query string from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return u.toString();
}
