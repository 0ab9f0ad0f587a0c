// Data-quality ranking for the user's unit (or ?unit= below it): the children ranked by overall
// score, per-dimension scores, change against the previous period and deadline status.
import {
  api,
  captureKeyFromUrl,
  embed,
  esc,
  fillPeriods,
  formatDate,
  formatNumber,
  getKey,
  loadSpec,
  pageParam,
  periodName,
  setPageParams,
  showWho,
  status,
  wireLogin,
} from './common.js';

const DIMENSIONS = [
  ['completeness', 'Đầy đủ'],
  ['validity', 'Hợp lệ'],
  ['uniqueness', 'Duy nhất'],
  ['consistency', 'Nhất quán'],
  ['timeliness', 'Kịp thời'],
];
const DEADLINE = { met: 'Đúng hạn', open: 'Còn hạn', late: 'Trễ hạn', unknown: 'Chưa rõ' };
const LEVEL = { nation: 'toàn quốc', province: 'tỉnh', district: 'huyện', commune: 'xã', school: 'trường' };

captureKeyFromUrl();
const periodSelect = document.getElementById('period');
let me = null;

function change(row) {
  if (row.score_change === null) return '–';
  const cls = row.score_change > 0 ? 'up' : row.score_change < 0 ? 'down' : '';
  const arrow = row.score_change > 0 ? '▲' : row.score_change < 0 ? '▼' : '';
  return `<span class="${cls}">${arrow} ${esc(formatNumber(Math.abs(row.score_change), 1))}</span>`;
}

function link(row) {
  const target = row.unit_level === 'school' ? '/dashboards/school.html' : '/dashboards/quality.html';
  return `<a href="${target}?unit=${encodeURIComponent(row.unit_key)}&period=${encodeURIComponent(periodSelect.value)}">${esc(row.unit_name)}</a>`;
}

async function draw() {
  if (!getKey()) {
    status('Dán khóa API để xem xếp hạng của đơn vị bạn.');
    return;
  }
  status('Đang tải…');
  const unit = pageParam('unit') ?? me.unit.unit_key;
  setPageParams({ period: periodSelect.value, unit: pageParam('unit') });
  try {
    const data = await api(`/api/quality/scores?period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`);
    const u = data.unit;
    document.getElementById('title').textContent = `Xếp hạng chất lượng dữ liệu · ${u.unit_name}`;
    document.getElementById('subtitle').textContent =
      `${periodName(data.period)} · điểm của ${LEVEL[u.unit_level] ?? 'đơn vị'}: ${formatNumber(u.score, 1)} · ${data.rows.filter((r) => r.score !== null).length} đơn vị trực thuộc được xếp hạng theo điểm tổng hợp.`;
    const up = document.getElementById('up');
    up.hidden = !pageParam('unit') || pageParam('unit') === me.unit.unit_key;
    up.onclick = () => {
      setPageParams({ unit: null });
      draw();
    };
    const scored = data.rows.filter((r) => r.score !== null);
    const unscored = data.rows.length - scored.length;
    document.querySelector('#ranking tfoot').innerHTML = unscored
      ? `<tr><td colspan="11" class="note">${formatNumber(unscored)} đơn vị trực thuộc chưa có dữ liệu trong kỳ này.</td></tr>`
      : '';
    document.querySelector('#ranking tbody').innerHTML = scored
      .map(
        (r) => `<tr>
      <td class="num">${r.rank_in_parent ?? '–'}${r.parent_ranked_units ? `/${r.parent_ranked_units}` : ''}</td>
      <td>${link(r)}</td><td class="num"><strong>${esc(formatNumber(r.score, 1))}</strong></td><td class="num">${change(r)}</td>
      ${DIMENSIONS.map(([d]) => `<td class="num">${esc(formatNumber(r[d], 1))}</td>`).join('')}
      <td>${esc(formatDate(r.deadline))}</td><td><span class="badge ${r.deadline_status}">${DEADLINE[r.deadline_status]}</span></td>
    </tr>`,
      )
      .join('');
    const ranking = scored.map((r) => ({ ...r, deadline_label: DEADLINE[r.deadline_status] }));
    const overall = await loadSpec('quality-ranking.vl.json');
    overall.datasets = { ranking };
    overall.data = { name: 'ranking' };
    await embed('#overall-chart', overall);
    const dims = await loadSpec('quality-dimensions.vl.json');
    dims.datasets = {
      dimensions: scored.flatMap((r) => DIMENSIONS.map(([d, label]) => ({ unit_name: r.unit_name, dimension_label: label, score: r[d], overall: r.score }))),
    };
    dims.data = { name: 'dimensions' };
    await embed('#dimension-chart', dims);
    status(data.rows.length ? '' : 'Chưa có điểm chất lượng cho kỳ này.');
  } catch (e) {
    status(e.message, 'error');
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

wireLogin(start);
periodSelect.addEventListener('change', draw);
await start();
