// Shared by the dashboard pages: the API key (sessionStorage, or #key= once), calls to the
// server's API, Vietnamese formatting (1.234.567; dd/mm/yyyy; 'Đầu năm 2025-2026'), the page
// navigation and vega-embed (loaded on demand) with the vi-VN number locale. No framework, no CDN.

const KEY_STORAGE = 'csdl-api-key';
let keyNotice = null;

/**
 * Takes #key= from the page address once into sessionStorage and removes it from the address bar.
 * The key travels in the fragment, which the browser never sends to the server, so it reaches no
 * server log; a key in the query string (?key=) has already been sent, so it is removed unused and
 * the login line says why.
 */
export function captureKeyFromUrl() {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const key = fragment.get('key');
  const leaked = url.searchParams.has('key');
  if (!key && !leaked) return;
  if (key) {
    sessionStorage.setItem(KEY_STORAGE, key.trim());
    fragment.delete('key');
  }
  url.searchParams.delete('key');
  const hash = fragment.toString();
  history.replaceState(null, '', url.pathname + url.search + (hash ? `#${hash}` : ''));
  if (leaked) keyNotice = 'Khóa API trong địa chỉ (?key=) không được dùng vì đã gửi lên máy chủ; hãy dán khóa vào ô đăng nhập.';
}

export function getKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key.trim());
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** An API error with the server's code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET a server URL as JSON, with the key when there is one; `signal` cancels it. */
export async function api(path, { signal } = {}) {
  const key = getKey();
  const res = await fetch(path, { headers: key ? { Authorization: `Bearer ${key}` } : {}, signal });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error?.code ?? String(res.status), body.error?.message ?? res.statusText);
  return body;
}

const numberFormats = new Map();
/** 1234567.891 -> '1.234.567,9' (vi-VN); null -> '–'; '<10' and 'x' are shown as they are. */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return value === 'x' ? 'x' : value;
  if (!numberFormats.has(digits)) {
    numberFormats.set(digits, new Intl.NumberFormat('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return numberFormats.get(digits).format(value);
}

/** '2025-10-31' -> '31/10/2025'. */
export function formatDate(iso) {
  if (!iso) return '–';
  const [y, m, d] = String(iso).slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** A period's Vietnamese name: { ky: 'DN', nam_hoc: 2025 } -> 'Đầu năm 2025-2026'. */
export function periodName(p) {
  return `${p.ky === 'DN' ? 'Đầu năm' : 'Cuối năm'} ${p.nam_hoc}-${p.nam_hoc + 1}`;
}

/** vi-VN number and date locales for vega (d3-format / d3-time-format). */
export const VI_FORMAT_LOCALE = { decimal: ',', thousands: '.', grouping: [3], currency: ['', ' ₫'] };
export const VI_TIME_LOCALE = {
  dateTime: '%A, %d/%m/%Y %X',
  date: '%d/%m/%Y',
  time: '%H:%M:%S',
  periods: ['SA', 'CH'],
  days: ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'],
  shortDays: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
  months: ['tháng 1', 'tháng 2', 'tháng 3', 'tháng 4', 'tháng 5', 'tháng 6', 'tháng 7', 'tháng 8', 'tháng 9', 'tháng 10', 'tháng 11', 'tháng 12'],
  shortMonths: ['Th1', 'Th2', 'Th3', 'Th4', 'Th5', 'Th6', 'Th7', 'Th8', 'Th9', 'Th10', 'Th11', 'Th12'],
};

/** Loads a vega-lite spec shipped with the dashboards. */
export async function loadSpec(name) {
  const res = await fetch(`/dashboards/specs/${name}`);
  if (!res.ok) throw new Error(`spec ${name}: ${res.status}`);
  return res.json();
}

const CHART_LIBRARIES = ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js'];
let charts = null;

/**
 * Loads vega, vega-lite and vega-embed (830 KB of script) once, in order, without holding up the
 * page: a page that draws charts calls this first, so that they download and compile while its
 * data is on the way (the page's <link rel="preload"> has already started the download).
 */
export function loadCharts() {
  charts ??= new Promise((resolve, reject) => {
    for (const [i, name] of CHART_LIBRARIES.entries()) {
      const el = document.createElement('script');
      el.src = `/vendor/${name}`;
      // run in the order added (vega-lite needs vega), not in the order they arrive
      el.async = false;
      el.onerror = () => reject(new Error(`Không tải được thư viện vẽ biểu đồ /vendor/${name}; hãy tải lại trang.`));
      if (i === CHART_LIBRARIES.length - 1) el.onload = () => resolve(window.vegaEmbed);
      document.head.append(el);
    }
  });
  // a failure is reported by the chart that waits for it (embed), not as an unhandled rejection
  charts.catch(() => {});
  return charts;
}

/** Renders a spec as SVG with the vi-VN locale; returns vega-embed's result (with `view`). */
export async function embed(el, spec) {
  const vegaEmbed = await loadCharts();
  return vegaEmbed(el, spec, {
    renderer: 'svg',
    actions: false,
    formatLocale: VI_FORMAT_LOCALE,
    timeFormatLocale: VI_TIME_LOCALE,
  });
}

/** Escapes text for HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Shows a message in the page's status line (announced to screen readers). */
export function status(text, kind = 'info') {
  const el = document.getElementById('status');
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Fills a <select> with periods (latest first), selecting `selected` or the latest. */
export function fillPeriods(select, periods, selected) {
  const sorted = [...periods].reverse();
  select.innerHTML = sorted.map((p) => `<option value="${esc(p.period)}">${esc(periodName(p))}</option>`).join('');
  select.value = selected && sorted.some((p) => p.period === selected) ? selected : (sorted[0]?.period ?? '');
}

/** Reads a query parameter of the page's address. */
export function pageParam(name) {
  return new URL(window.location.href).searchParams.get(name);
}

/** Sets query parameters of the page's address without reloading. */
export function setPageParams(params) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params)) v ? url.searchParams.set(k, v) : url.searchParams.delete(k);
  history.replaceState(null, '', url.pathname + url.search);
}

/** Wires the login form (paste a key) and the logout button; calls `onChange` after either. */
export function wireLogin(onChange) {
  const form = document.getElementById('login');
  const input = document.getElementById('api-key');
  const logout = document.getElementById('logout');
  const who = document.getElementById('who');
  const refresh = () => {
    const has = Boolean(getKey());
    form.hidden = has;
    logout.hidden = !has;
    if (!has) who.textContent = keyNotice ?? 'Chưa đăng nhập';
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setKey(input.value);
    input.value = '';
    refresh();
    onChange();
  });
  logout.addEventListener('click', () => {
    setKey(null);
    refresh();
    onChange();
  });
  refresh();
}

/** Shows who is logged in, from GET /api/me. */
export async function showWho() {
  const me = await api('/api/me');
  const kind = me.account.kind === 'admin' ? 'quản trị' : 'khai thác';
  document.getElementById('who').textContent = `${me.account.name} · tài khoản ${kind} · ${me.unit.unit_name}`;
  return me;
}

/**
 * The latest selection of a page: `next()` starts a turn and aborts the previous one's requests.
 * A drawing checks `turn.current` after each await and stops once a newer selection started, so a
 * late answer never overwrites the figures of a newer one.
 *
 * @example
 *   const turns = latestOnly();
 *   const turn = turns.next();
 *   const data = await api(url, turn);
 *   if (!turn.current) return;
 */
export function latestOnly() {
  let controller = null;
  return {
    next() {
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      return {
        signal: mine.signal,
        get current() {
          return controller === mine;
        },
      };
    },
  };
}

/** Today as dd/mm/yyyy in Vietnam's time. */
export function todayVi() {
  return formatDate(new Date(Date.now() + 7 * 3600_000).toISOString());
}

/**
 * The heading a printed page starts with (hidden on screen): the page's title, the unit, the
 * period and the date of printing, so that a sheet of paper says what it shows.
 */
export function setPrintHeader({ title, unit, period }) {
  let el = document.getElementById('print-header');
  if (!el) {
    el = document.createElement('div');
    el.id = 'print-header';
    el.className = 'print-only';
    document.querySelector('main')?.prepend(el);
  }
  el.innerHTML =
    `<p class="print-org">Bộ Giáo dục và Đào tạo · Kho dữ liệu ngành giáo dục</p><h1>${esc(title)}</h1>` +
    `<p>Đơn vị: <strong>${esc(unit ?? '–')}</strong> · Kỳ báo cáo: <strong>${esc(period ?? '–')}</strong> · Ngày in: <strong>${esc(todayVi())}</strong></p>`;
}
