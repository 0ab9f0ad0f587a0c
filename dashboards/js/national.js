// The indicator explorer (the national page): any catalogue indicator, breakdown and period; the
// nation's 34 provinces on the map and in a sorted table; a click opens a province, then its
// communes and schools (table and bars); the unit's place among its peers; the series over every
// period for the unit and the units compared; breadcrumb, search, metadata; every table and chart
// downloads (dashboards/js/downloads.js). The address holds the whole state. Without a key it
// reads the public, suppressed endpoints (nation and provinces, totals); with one, the caller's
// scope, exact on screen and suppressed in downloads, as the API serves them.
import { captureKeyFromUrl, esc, formatNumber, getKey, loadCharts, periodName, showWho, status, wireLogin } from './common.js';
import { downloadButtons } from './downloads.js';
import { drawBars, drawMap, drawSeries, preloadSpecs } from './explorer-charts.js';
import { makeDownloads } from './explorer-downloads.js';
import { onTodaysProvinces, peersOf, publicValues, sourced } from './explorer-data.js';
import { cellLabel, childrenCaption, childrenWord, digitsOf, rankOf, sortCells } from './explorer-format.js';
import { breakdownLabel, renderBreadcrumb, renderMeta, wireSearch } from './explorer-parts.js';
import { getJson, isAbort, latestOnly, qs, readState, writeState } from './explorer-state.js';
import { seriesTable, valuesTable } from './explorer-tables.js';

captureKeyFromUrl();
// the charts' specs load while the data is asked for; the libraries (preloaded by index.html) run
// once the first data is asked for (draw), so that compiling them does not hold up the asking
preloadSpecs('national-map.vl.json', 'explorer-series.vl.json', 'explorer-bars.vl.json');
const $ = (id) => document.getElementById(id);
const keyed = () => Boolean(getKey());
const MAX_COMPARE = 5;

// public and the same for every caller: asked without the key, as index.html preloads them
const [catalog, periods, dimensions] = await Promise.all([
  getJson('/api/public/indicators/catalog', undefined, { anonymous: true }).then((r) => r.rows),
  getJson('/api/public/periods', undefined, { anonymous: true }).then((r) => r.rows),
  getJson('/api/public/dimensions', undefined, { anonymous: true }).then((r) => r.rows),
]);
let me = null;
let state = readState();
const guard = latestOnly();
/** What the last drawing showed, for the downloads and the charts' exports. */
const shown = { views: {} };

$('indicator').innerHTML = catalog.map((e) => `<option value="${esc(e.code)}">${esc(e.name_vi)} (${esc(e.code)})</option>`).join('');
$('period').innerHTML = [...periods]
  .reverse()
  .map((p) => `<option value="${esc(p.period)}">${esc(periodName(p))}</option>`)
  .join('');

function normalise() {
  if (!catalog.some((e) => e.code === state.indicator)) state.indicator = catalog.some((e) => e.code === 'LRN') ? 'LRN' : catalog[0].code;
  if (!periods.some((p) => p.period === state.period)) state.period = periods.at(-1)?.period ?? '';
  const entry = catalog.find((e) => e.code === state.indicator);
  if (!keyed() || !(entry.breakdowns ?? []).includes(state.breakdown)) state.breakdown = 'total';
  if (state.breakdown === 'total') state.cell = '';
  if (!state.unit) state.unit = me?.unit?.unit_key ?? 'N:VN';
  state.compare = state.compare.filter((k) => k !== state.unit).slice(0, MAX_COMPARE);
}

function syncControls() {
  const entry = catalog.find((e) => e.code === state.indicator);
  $('indicator').value = state.indicator;
  $('period').value = state.period;
  const dims = (entry.breakdowns ?? []).filter((b) => b !== 'total');
  $('breakdown').innerHTML = ['<option value="total">Tổng số</option>']
    .concat(dims.map((d) => `<option value="${esc(d)}">${esc(dimensions.find((x) => x.code === d)?.name_vi ?? d)}</option>`))
    .join('');
  $('breakdown').value = state.breakdown;
  $('breakdown').disabled = !keyed() || dims.length === 0;
  $('breakdown-note').hidden = keyed();
  $('geography').value = state.geography;
}

/** The address of a unit in the current state (for links). */
function linkOf(unitKey) {
  const u = new URL(window.location.href);
  u.searchParams.set('unit', unitKey);
  u.searchParams.delete('compare');
  return u.pathname + u.search;
}

function open(unitKey) {
  state = { ...state, unit: unitKey, compare: [] };
  writeState(state, true);
  draw();
}

async function draw() {
  normalise();
  syncControls();
  writeState(state);
  const g = guard.next();
  const s = { ...state, compare: [...state.compare] };
  const entry = catalog.find((e) => e.code === s.indicator);
  const period = periods.find((p) => p.period === s.period);
  const digits = digitsOf(entry);
  const title = `${entry.name_vi} (${entry.unit})`;
  renderMeta($('meta-body'), entry, dimensions);
  status('Đang tải số liệu…');
  document.body.dataset.loading = 'true';
  try {
    const seriesPath = `/api/${keyed() ? '' : 'public/'}indicators/series`;
    const seriesQuery = {
      indicator: s.indicator,
      units: [s.unit, ...s.compare],
      breakdown: s.breakdown === 'total' ? 'total' : s.breakdown,
      geography: s.geography,
    };
    const before = period.census_day < '2025-07-01';
    const asked = Promise.all([
      s.unit === 'N:VN' && keyed() && before && s.geography === '2025'
        ? onTodaysProvinces(s, g.signal)
        : keyed()
          ? sourced({ path: '/api/indicators', query: { period: s.period, unit: s.unit, indicator: s.indicator, breakdown: s.breakdown } }, g.signal)
          : publicValues(s.period, s.indicator),
      getJson(`${seriesPath}?${qs(seriesQuery)}`, g.signal),
    ]);
    // vega compiles while the answers are on the way (a failure shows where a chart is drawn)
    loadCharts();
    const [values, series] = await asked;
    if (!g.current()) return;
    const unitInfo = series.units[0];
    // the cells the breakdown has for this unit; the one shown is the address's or the first
    const cells = sortCells([...new Set(values.rows.filter((r) => r.indicator === s.indicator).map((r) => r.breakdown))].filter((b) => b !== 'total'));
    if (s.breakdown !== 'total' && !cells.includes(`${s.breakdown}=${s.cell}`)) s.cell = cells[0]?.split('=')[1] ?? '';
    const cellKey = s.breakdown === 'total' ? 'total' : `${s.breakdown}=${s.cell}`;
    const rowsOf = (rows) => rows.filter((r) => r.indicator === s.indicator && r.breakdown === cellKey);
    const mine = rowsOf(values.rows);
    let own;
    let children;
    if (keyed()) {
      own = mine.find((r) => r.role === 'unit');
      children = mine.filter((r) => r.role === 'child');
    } else {
      own = mine.find((r) => r.unit_key === s.unit);
      children = s.unit === 'N:VN' ? mine.filter((r) => r.unit_level === 'province') : [];
    }
    // peers: the parent's children, for the unit's place among them
    const peers = await peersOf(unitInfo, s, period, cellKey, rowsOf, g.signal, mine);
    if (!g.current()) return;
    state.cell = s.cell;
    writeState(state);
    $('cell').innerHTML = cells.map((c) => `<option value="${esc(c.split('=')[1])}">${esc(cellLabel(c))}</option>`).join('');
    $('cell').value = s.cell;
    $('cell-label').hidden = cells.length === 0;

    const ctx = { s, entry, period, digits, title, cellKey, own, children, peers, unitInfo, series, values };
    renderBreadcrumb($('breadcrumb'), unitInfo.path, linkOf);
    renderHeading(ctx);
    await renderCharts(ctx, g);
    if (!g.current()) return;
    renderTables(ctx);
    status(children.length || own ? `Đã tải số liệu ${entry.name_vi} · ${periodName(period)}.` : 'Kỳ này chưa có số liệu của chỉ số cho đơn vị này.');
    document.body.dataset.loading = 'false';
    document.body.dataset.drawn = [s.unit, s.period, s.indicator, cellKey, s.geography].join('|');
  } catch (e) {
    if (isAbort(e) || !g.current()) return;
    document.body.dataset.loading = 'false';
    status(e.message, 'error');
  }
}

function renderHeading({ s, entry, period, digits, own, peers, unitInfo }) {
  const name = unitInfo.unit_level === 'nation' ? 'Toàn quốc' : unitInfo.unit_name;
  $('title').textContent = `${name} · ${entry.name_vi}`;
  const parts = [`<strong>${esc(formatNumber(own?.value, digits))}</strong> ${esc(entry.unit)}`, esc(periodName(period))];
  // the counts behind a ratio: how many records the value rests on
  if (own && entry.value_kind !== 'count' && own.denominator !== null) {
    parts.push(`tử số ${esc(formatNumber(own.numerator, 0))} / mẫu số ${esc(formatNumber(own.denominator, 0))}`);
  }
  if (s.breakdown !== 'total') parts.push(esc(breakdownLabel(dimensions, s.breakdown, `${s.breakdown}=${s.cell}`)));
  if (peers?.rows?.length) {
    const r = rankOf(peers.rows, unitInfo.unit_key);
    parts.push(
      r.rank
        ? `vị trí <strong id="rank">${r.rank}/${r.of}</strong> trong ${r.of} ${esc(peers.what)} có số liệu${r.total > r.of ? ` (trên ${r.total})` : ''}, cao nhất là 1${peers.source ? `, ${esc(peers.source)}` : ''}`
        : `chưa xếp được vị trí trong các ${esc(peers.what)}: giá trị bị che hoặc chưa có${peers.source ? ` (${esc(peers.source)})` : ''}`,
    );
  }
  $('summary').innerHTML = parts.join(' · ');
}

async function renderCharts(ctx, g) {
  shown.views = {};
  // the map (or the bars) and the series are drawn side by side: neither waits for the other's spec and shapes
  await Promise.all([renderPlace(ctx, g), renderSeries(ctx)]);
}

/** The map of the provinces at the nation, else the bars of the unit's children or peers. */
async function renderPlace(ctx, g) {
  const { s, digits, title, children, unitInfo, peers } = ctx;
  const atNation = unitInfo.unit_level === 'nation';
  $('map-card').hidden = !atNation;
  $('bars-card').hidden = atNation;
  document.querySelector('.explorer-grid').classList.toggle('even', !atNation);
  if (atNation) {
    let provinces = children.filter((r) => r.unit_level === 'province' && r.unit_key.endsWith('@2025'));
    let note = ctx.period.census_day < '2025-07-01' && provinces.length ? 'Kỳ trước 01/07/2025: số liệu tổng hợp lại theo 34 tỉnh, thành phố hiện nay.' : '';
    if (provinces.length === 0 && ctx.cellKey === 'total') {
      // before the merger the nation's children are the old provinces: the map shows today's 34 as published
      provinces =
        ctx.s.breakdown === 'total'
          ? (await publicValues(s.period, s.indicator)).rows.filter((r) => r.unit_level === 'province' && r.indicator === s.indicator)
          : [];
      note = 'Bản đồ: số liệu công bố tổng hợp lại theo 34 tỉnh, thành phố hiện nay (đã che ô nhỏ); bảng: các tỉnh như đã báo cáo.';
      if (!g.current()) return;
    } else if (provinces.length === 0) note = 'Kỳ này các tỉnh là tỉnh cũ (trước 01/07/2025): bản đồ 34 tỉnh chỉ vẽ số liệu tổng hợp lại khi chọn Tổng số.';
    $('map-note').textContent = provinces.length ? note : note || 'Kỳ này chưa có số liệu của các tỉnh để tô bản đồ.';
    shown.views.map = provinces.length ? await drawMap($('map'), provinces, { title, digits, onOpen: open }) : null;
    if (!provinces.length) $('map').innerHTML = '';
    window.csdlMapView = shown.views.map;
  } else {
    const rows = children.length ? children : (peers?.rows ?? []);
    $('bars-title').textContent = children.length
      ? childrenCaption(unitInfo.unit_level, children[0]?.unit_level)
      : peers?.parent
        ? `Cùng cấp trong ${peers.parent.unit_name}`
        : `Cùng cấp: các ${peers?.what ?? 'đơn vị'}`;
    $('bars-empty').hidden = rows.length > 0;
    shown.views.bars = rows.length ? await drawBars($('bars'), rows, { title, digits, highlight: s.unit, onOpen: open }) : null;
    if (!rows.length) $('bars').innerHTML = '';
  }
}

/** The series of the unit and the units compared with it. */
async function renderSeries(ctx) {
  const { digits, title } = ctx;
  const order = new Map(periods.map((p, i) => [p.period, i]));
  const names = new Map(ctx.series.units.map((u) => [u.unit_key, u.unit_level === 'nation' ? 'Toàn quốc' : u.unit_name]));
  const seriesRows = ctx.series.rows
    .filter((r) => r.breakdown === ctx.cellKey)
    .map((r) => {
      // an old province standing for today's before the merger is a line of its own; a school's rows of other years are its own line
      const predecessor = r.unit_level === 'province' && r.unit_key !== r.series_of;
      return {
        ...r,
        order: order.get(r.period),
        period_name: periodName(periods.find((p) => p.period === r.period)),
        line: predecessor ? r.unit_key : r.series_of,
        unit_name: predecessor ? `${r.unit_name} (tỉnh cũ)` : names.get(r.series_of),
        geography_label: r.geography === 'current_34' ? 'Theo 34 tỉnh hiện nay' : 'Như đã báo cáo',
      };
    });
  ctx.seriesRows = seriesRows;
  $('series-note').textContent = `${ctx.series.geography_note.split(' / ')[0]}.`;
  shown.views.series = await drawSeries($('series'), seriesRows, { title, digits });
}

function renderTables(ctx) {
  valuesTable($('provinces'), ctx, { onOpen: open, onCompare: toggleCompare, compare: state.compare, dimensions });
  seriesTable($('series-table'), ctx, { dimensions, onRemove: toggleCompare });
  wireDownloads(ctx);
}

function toggleCompare(unitKey) {
  const has = state.compare.includes(unitKey);
  if (!has && state.compare.length >= MAX_COMPARE) {
    status(`So sánh tối đa ${MAX_COMPARE} đơn vị cùng lúc.`, 'error');
    return;
  }
  state = { ...state, compare: has ? state.compare.filter((k) => k !== unitKey) : [...state.compare, unitKey] };
  draw();
}

function wireDownloads(ctx) {
  const onError = (m) => status(m, 'error');
  const base = `${ctx.s.indicator}-${ctx.s.period}-${ctx.s.unit}`.replace(/[^A-Za-z0-9_-]+/g, '_');
  const values = () => downloadValues(ctx);
  downloadButtons($('table-downloads'), { name: `chi-so-${base}`, table: values, onError });
  const view = (name) => (shown.views[name] ? () => shown.views[name] : undefined);
  downloadButtons($('map-downloads'), { name: `ban-do-${base}`, table: values, view: view('map'), onError });
  downloadButtons($('bars-downloads'), { name: `bieu-do-${base}`, table: values, view: view('bars'), onError });
  downloadButtons($('series-downloads'), { name: `dien-bien-${base}`, table: () => downloadSeries(ctx), view: () => shown.views.series, onError });
}

// downloads read what leaves the system: the API's suppressed CSV (or the public answers, already suppressed)
const { downloadValues, downloadSeries } = makeDownloads({ dimensions, keyed });

$('indicator').addEventListener('change', () => {
  state = { ...state, indicator: $('indicator').value };
  draw();
});
$('period').addEventListener('change', () => {
  state = { ...state, period: $('period').value };
  draw();
});
$('breakdown').addEventListener('change', () => {
  state = { ...state, breakdown: $('breakdown').value, cell: '' };
  draw();
});
$('cell').addEventListener('change', () => {
  state = { ...state, cell: $('cell').value };
  draw();
});
$('geography').addEventListener('change', () => {
  state = { ...state, geography: $('geography').value };
  draw();
});
$('breadcrumb').addEventListener('click', (e) => {
  const a = e.target.closest('a[data-unit]');
  if (!a) return;
  e.preventDefault();
  open(a.dataset.unit);
});
window.addEventListener('popstate', () => {
  state = readState();
  draw();
});
wireSearch({
  input: $('search'),
  list: $('search-results'),
  keyed,
  period: () => state.period,
  localUnits: async () => (await publicValues(state.period, 'LRN')).rows.filter((r) => r.unit_level !== 'nation'),
  onPick: open,
});

async function who() {
  me = null;
  if (getKey()) me = await showWho().catch((e) => (status(e.message, 'error'), null));
  const asked = readState();
  // without a key only the nation and the provinces are public
  const unit = asked.unit && (getKey() || /^(N:|P:)/.test(asked.unit)) ? asked.unit : me?.unit?.unit_key || 'N:VN';
  state = { ...asked, unit };
  draw();
}
wireLogin(who);
await who();
