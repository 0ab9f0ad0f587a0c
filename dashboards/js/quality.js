// Data-quality ranking for the user's unit (or ?unit= below it): the children in rank order with
// the overall score, its band and the records to fix, per-dimension scores, the change against the
// previous period and the deadline status; the workbook of every record its schools must fix.
import {
  api,
  captureKeyFromUrl,
  embed,
  esc,
  fillPeriods,
  formatDate,
  formatNumber,
  getKey,
  latestOnly,
  loadCharts,
  loadSpec,
  pageParam,
  periodName,
  setPageParams,
  setPrintHeader,
  showWho,
  status,
  wireLogin,
} from './common.js';
import { downloadButtons, downloadChart, downloadTable, filePart } from './page-downloads.js';
import { bandBadge, bandLegend, changeHtml, downloadWorkbook, formatScore, KIND_VI, rankText, shownScore } from './quality-format.js';

const DIMENSIONS = [
  ['completeness', 'Đầy đủ'],
  ['validity', 'Hợp lệ'],
  ['uniqueness', 'Duy nhất'],
  ['consistency', 'Nhất quán'],
  ['timeliness', 'Kịp thời'],
];
const DEADLINE = { met: 'Đúng hạn', open: 'Còn hạn', late: 'Trễ hạn', unknown: 'Chưa rõ' };
const LEVEL = { nation: 'toàn quốc', province: 'tỉnh', district: 'huyện', commune: 'xã', school: 'trường' };
/** What a unit's own rank counts: the units under its parent. */
const AMONG = { province: 'trong toàn quốc', district: 'trong tỉnh', commune: 'trong tỉnh', school: 'trong xã, phường' };
const DEPTH = { N: 0, P: 1, D: 2, C: 3, S: 4 };
const ACCOUNT_DEPTH = { nation: 0, province: 1, district: 2, commune: 3, school: 4 };

captureKeyFromUrl();
// the charts' libraries load while the data is asked for
loadCharts();
const periodSelect = document.getElementById('period');
let me = null;
let current = null;
const turns = latestOnly();

/**
 * The unit "↑ Đơn vị cấp trên" opens from `u`: its parent when the account may see it, otherwise
 * the account's own unit (null). An old province (before 07/2025) lies in the current province
 * whose account shows it, not under the nation that province account cannot see.
 */
function upTarget(u) {
  const parent = u.parent_key;
  if (!parent || me.unit.unit_level === 'nation') return parent ?? null;
  if (parent === me.unit.unit_key) return null;
  const depth = DEPTH[parent[0]] ?? 0;
  if (depth > ACCOUNT_DEPTH[me.unit.unit_level]) return parent;
  if (me.unit.unit_level === 'province' && depth === 1 && u.current_province_code === me.unit.unit_code) return parent;
  return null;
}

/**
 * Ranks among the units shown: the API ranks a unit among its parent's children, which for the
 * old provinces of a current province's 2024 view are every old province of the nation, most of
 * them outside the account's reach. The rows come in rank order, so the position among the
 * scored rows is the rank among the units the user sees.
 */
function visibleRanks(scored) {
  return scored.map((r, i) => ({ ...r, rank_shown: i + 1, ranked_shown: scored.length }));
}

function link(row) {
  const target = row.unit_level === 'school' ? '/dashboards/school.html' : '/dashboards/quality.html';
  return `<a href="${target}?unit=${encodeURIComponent(row.unit_key)}&period=${encodeURIComponent(periodSelect.value)}">${esc(row.unit_name)}</a>`;
}

function toFix(row) {
  if (row.failing_records === null) return '–';
  return `${esc(formatNumber(row.failing_records))} <span class="note">/ ${esc(formatNumber(row.records))}</span>`;
}

async function draw() {
  if (!getKey()) {
    status('Dán khóa API để xem xếp hạng của đơn vị bạn.');
    return;
  }
  const turn = turns.next();
  status('Đang tải…');
  const unit = pageParam('unit') ?? me.unit.unit_key;
  setPageParams({ period: periodSelect.value, unit: pageParam('unit') });
  try {
    const data = await api(`/api/quality/scores?period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`, turn);
    const [overall, dims] = await Promise.all([loadSpec('quality-ranking.vl.json'), loadSpec('quality-dimensions.vl.json')]);
    if (!turn.current) return;
    const u = data.unit;
    const bands = data.bands ?? [];
    const scored = visibleRanks(data.rows.filter((r) => r.score !== null));
    current = { period: data.period, unit: u, rows: scored, bands };
    document.getElementById('title').textContent = `Xếp hạng chất lượng dữ liệu · ${u.unit_name}`;
    setPrintHeader({ title: 'Xếp hạng chất lượng dữ liệu', unit: u.unit_name, period: periodName(data.period) });
    const own =
      u.score === null || u.score === undefined
        ? 'chưa có điểm'
        : `${formatScore(u.score)} (${bands.find((b) => b.band === u.band)?.label_vi ?? ''}), ${formatNumber(u.failing_records)} bản ghi cần sửa` +
          (u.rank_in_parent ? `, hạng ${rankText(u.rank_in_parent, u.parent_ranked_units)} ${AMONG[u.unit_level] ?? ''}`.trimEnd() : '');
    document.getElementById('subtitle').textContent =
      `${periodName(data.period)} · điểm của ${LEVEL[u.unit_level] ?? 'đơn vị'}: ${own} · ${formatNumber(scored.length)} đơn vị trực thuộc được xếp hạng.`;
    document.getElementById('legend').innerHTML = bands.length ? `Xếp loại theo điểm: ${bandLegend(bands)}` : '';
    document.getElementById('weights').textContent =
      (data.weights ?? []).map((w) => `${KIND_VI[w.record_kind] ?? w.record_kind} ${formatNumber(w.weight, 2)}`).join('; ') || 'chưa có';
    const up = document.getElementById('up');
    up.hidden = !pageParam('unit') || pageParam('unit') === me.unit.unit_key;
    const target = upTarget(u);
    up.onclick = () => {
      setPageParams({ unit: target });
      draw();
    };
    const unscored = data.rows.length - scored.length;
    document.querySelector('#ranking tfoot').innerHTML = unscored
      ? `<tr><td colspan="13" class="note">${formatNumber(unscored)} đơn vị trực thuộc chưa có dữ liệu trong kỳ này.</td></tr>`
      : '';
    document.querySelector('#ranking tbody').innerHTML = scored
      .map(
        (r) => `<tr>
      <td class="num">${esc(rankText(r.rank_shown, r.ranked_shown))}</td>
      <td>${link(r)}</td><td class="num"><strong>${esc(formatScore(r.score))}</strong></td><td>${bandBadge(bands, r.band)}</td>
      <td class="num">${toFix(r)}</td><td class="num">${changeHtml(r)}</td>
      ${DIMENSIONS.map(([d]) => `<td class="num">${esc(formatScore(r[d]))}</td>`).join('')}
      <td>${esc(formatDate(r.deadline))}</td><td><span class="badge ${r.deadline_status}">${DEADLINE[r.deadline_status]}</span></td>
    </tr>`,
      )
      .join('');
    const label = (band) => bands.find((b) => b.band === band)?.label_vi ?? 'Chưa xếp loại';
    const ranking = scored.map((r) => ({
      unit_name: r.unit_name,
      score: shownScore(r.score),
      rank: rankText(r.rank_shown, r.ranked_shown),
      band_label: label(r.band),
      failing_records: r.failing_records,
      order: r.rank_shown,
    }));
    const lowest = Math.min(100, ...ranking.map((r) => r.score));
    overall.datasets = { ranking };
    overall.data = { name: 'ranking' };
    // the axis starts below the lowest score so that close scores stay apart; the stems start there too
    const start = Math.max(0, Math.floor((lowest - 1) / 5) * 5);
    overall.params = [{ name: 'start', value: start }];
    overall.encoding.x.scale.domain = [start, 100];
    overall.encoding.color.scale = { domain: bands.map((b) => b.label_vi), range: bands.map((b) => b.color) };
    overall.encoding.x.title = `Điểm tổng hợp (trục từ ${formatNumber(start)} đến 100)`;
    dims.datasets = {
      dimensions: scored.flatMap((r) =>
        DIMENSIONS.map(([d, l]) => ({ unit_name: r.unit_name, dimension_label: l, score: shownScore(r[d]), order: r.rank_shown })),
      ),
    };
    dims.data = { name: 'dimensions' };
    const overallView = (await embed('#overall-chart', overall)).view;
    if (!turn.current) return;
    const dimsView = (await embed('#dimension-chart', dims)).view;
    if (!turn.current) return;
    wireDownloads(data, overallView, dimsView);
    document.body.dataset.drawn = `${data.period.period}|${u.unit_key}`;
    status(data.assessed === false ? 'Kỳ này chưa được kiểm tra chất lượng dữ liệu.' : data.rows.length ? '' : 'Chưa có điểm chất lượng cho kỳ này.');
  } catch (e) {
    if (turn.current) status(e.message, 'error');
  }
}

/** The number a score shows (rounded down to one decimal), as the API's CSV text gives it. */
const shownText = (v) => (v === '' || v === undefined ? '' : v === '<10' || v === 'x' ? v : String(shownScore(Number(v))));

/** The ranking's rows of the API's CSV, in the page's order, with the rank among them. */
function rankedCsvRows(rows) {
  return rows.filter((r) => r.score !== '').map((r, i, all) => ({ ...r, rank_shown: String(i + 1), ranked_shown: String(all.length) }));
}

/** The download buttons of the ranking and of both charts, for the selection drawn. */
function wireDownloads(data, overallView, dimsView) {
  const u = data.unit;
  const bands = data.bands ?? [];
  const file = `${data.period.period}-${filePart(u.unit_key)}`;
  const about = {
    title: `Xếp hạng chất lượng dữ liệu · ${u.unit_name}`,
    filters: [
      ['Đơn vị', `${u.unit_name} (${u.unit_key})`],
      ['Kỳ báo cáo', periodName(data.period)],
      ['Cách xếp hạng', 'thứ tự trong các đơn vị trực thuộc có điểm, như trên trang'],
    ],
    file: `xep-hang-chat-luong-${file}`,
    sheet: 'Xếp hạng',
  };
  const change = (r) => {
    if (r.score === '' || r.previous_score === '' || r.previous_score === undefined) return '';
    return String(Math.round((shownScore(Number(r.score)) - shownScore(Number(r.previous_score))) * 10) / 10);
  };
  const spec = {
    path: `/api/quality/scores?period=${encodeURIComponent(data.period.period)}&unit=${encodeURIComponent(u.unit_key)}`,
    rows: rankedCsvRows,
    columns: [
      { key: 'rank_shown', header: 'Hạng', kind: 'int' },
      { key: 'ranked_shown', header: 'Số đơn vị được xếp hạng', kind: 'int' },
      { key: 'unit_name', header: 'Đơn vị', kind: 'text' },
      { key: 'unit_code', header: 'Mã đơn vị', kind: 'text' },
      { key: 'score', header: 'Điểm tổng hợp', kind: 'dec', get: (r) => shownText(r.score) },
      { key: 'band', header: 'Xếp loại', kind: 'text', get: (r) => bands.find((b) => b.band === r.band)?.label_vi ?? '' },
      { key: 'checked', header: 'Bản ghi được kiểm tra', kind: 'int' },
      { key: 'failed', header: 'Bản ghi cần sửa', kind: 'int' },
      { key: 'score_change', header: 'So với kỳ trước', kind: 'dec', get: change },
      ...DIMENSIONS.map(([d, l]) => ({ key: d, header: l, kind: 'dec', get: (r) => shownText(r[d]) })),
      { key: 'deadline', header: 'Hạn báo cáo', kind: 'date' },
      { key: 'deadline_status', header: 'Tình trạng', kind: 'text', get: (r) => DEADLINE[r.deadline_status] ?? '' },
    ],
  };
  const fail = (e) => status(e.message, 'error');
  downloadButtons(
    document.getElementById('ranking-downloads'),
    [
      ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', spec, about)],
      ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', spec, about)],
    ],
    fail,
  );
  for (const [id, view, name] of [
    ['overall-chart-downloads', overallView, `bieu-do-diem-tong-hop-${file}`],
    ['dimension-chart-downloads', dimsView, `bieu-do-diem-tieu-chi-${file}`],
  ]) {
    downloadButtons(
      document.getElementById(id),
      [
        ['Tải PNG', 'png', () => downloadChart('png', view, name)],
        ['Tải SVG', 'svg', () => downloadChart('svg', view, name)],
      ],
      fail,
    );
  }
}

async function start() {
  if (!getKey()) return draw();
  try {
    me = await showWho();
    fillPeriods(periodSelect, (await api('/api/periods')).rows, pageParam('period'));
    await draw();
  } catch (e) {
    status(e.message, 'error');
  }
}

document.getElementById('workbook').addEventListener('click', async () => {
  if (!current) return;
  status('Đang lập tệp Excel…');
  try {
    await downloadWorkbook(current.period.period, current.unit.unit_key);
    status('Đã tải tệp Excel danh sách bản ghi cần sửa.');
  } catch (e) {
    status(e.message, 'error');
  }
});
wireLogin(start);
periodSelect.addEventListener('change', draw);
await start();
