// Sign-off (duyệt số liệu) for the nation and the provinces the key may read: who approved and
// when, who is late against the deadline, whose figures changed since approval (with the
// changes), the approved package to download, and the approve / withdraw actions of admins.
import {
  api,
  ApiError,
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
  setPageParams,
  setPrintHeader,
  showWho,
  status,
  wireLogin,
} from './common.js';
import { downloadButtons, downloadChart, downloadTable, filePart } from './page-downloads.js';

const STATUS = { approved: 'Đã duyệt', not_reporting: 'Không báo cáo', pending: 'Chờ duyệt', no_data: 'Không có dữ liệu' };
const BADGE = { approved: 'met', not_reporting: 'unknown', pending: 'open', no_data: 'unknown' };
const PART = { indicators: 'Chỉ tiêu', forms: 'Biểu mẫu', quality: 'Chất lượng' };

captureKeyFromUrl();
// the charts' libraries load while the data is asked for
loadCharts();
const periodSelect = document.getElementById('period');
let me = null;
const turns = latestOnly();

/** The date and time in Vietnam of an ISO instant: '05/12/2026 08:30'. */
function formatDateTime(iso) {
  if (!iso) return '–';
  const t = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${formatDate(t.slice(0, 10))} ${t.slice(11, 16)}`;
}

/** POST JSON with the key; an error answer becomes an ApiError. */
async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${getKey()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? String(res.status), json.error?.message ?? res.statusText);
  return json;
}

/** Whether the logged-in account signs off for this row's unit. */
function mayAct(row) {
  if (!me || me.account.kind !== 'admin') return false;
  if (row.unit_level === 'nation') return me.account.unit_level === 'nation';
  return me.account.unit_level === 'province' && (me.account.unit_key === row.unit_key || me.account.unit_code === row.unit_code);
}

function statusCell(row) {
  const late = row.late ? ' <span class="badge late">Trễ hạn</span>' : '';
  return `<span class="badge ${BADGE[row.status]}">${STATUS[row.status]}</span>${late}`;
}

function changeCell(row) {
  if (row.changed_since_approval === null) return '–';
  if (!row.changed_since_approval) return '<span class="badge met">Không thay đổi</span>';
  return `<span class="badge late">Có thay đổi</span> <button type="button" class="secondary diff" data-unit="${esc(row.unit_key)}" data-name="${esc(row.unit_name)}">Xem thay đổi</button>`;
}

function actionsCell(row) {
  const parts = [];
  if (row.status === 'approved') parts.push(`<button type="button" class="secondary download" data-unit="${esc(row.unit_key)}">Tải gói (zip)</button>`);
  if (mayAct(row)) {
    parts.push(`<input class="comment" data-unit="${esc(row.unit_key)}" placeholder="Ghi chú" aria-label="Ghi chú cho ${esc(row.unit_name)}" />`);
    if (row.status !== 'approved' || row.changed_since_approval)
      parts.push(`<button type="button" class="act" data-action="approve" data-unit="${esc(row.unit_key)}">Duyệt</button>`);
    if (row.status === 'approved')
      parts.push(`<button type="button" class="secondary act" data-action="unapprove" data-unit="${esc(row.unit_key)}">Hủy duyệt</button>`);
  }
  return parts.join(' ') || '–';
}

function rowHtml(row) {
  return `<tr data-unit="${esc(row.unit_key)}">
    <td>${esc(row.unit_name)} <span class="note">(${esc(row.unit_code)})</span></td>
    <td>${statusCell(row)}</td>
    <td>${esc(formatDate(row.deadline))}</td>
    <td>${esc(formatDateTime(row.approved_at))}</td>
    <td>${esc(row.approved_by ?? '–')}</td>
    <td>${esc(row.comment ?? '')}</td>
    <td>${changeCell(row)}</td>
    <td>${actionsCell(row)}</td>
  </tr>`;
}

/** What a changed row is: a form cell, an indicator cell or a quality score. */
function diffWhat(r) {
  if (r.part === 'forms')
    return `${r.form === 'bieu-01-mn-dn' ? 'Biểu 01' : 'Biểu 02'} · ${r.sheet} · ${r.cell ?? ''} · Mã số ${r.ma_so} ${r.label ?? ''} (${r.header ?? ''})`;
  if (r.part === 'indicators') return `${r.indicator} · ${r.breakdown} · ${r.field}`;
  return `${r.dimension} · ${r.field}`;
}

/** Every changed row of the difference (the page shows 30 per part) as CSV for Excel and XLSX. */
function diffDownloads(d, rows, name) {
  const kind = (v) => (v === null || v === undefined || Number.isInteger(v) ? 'int' : 'dec');
  const spec = {
    source: rows,
    columns: [
      { header: 'Phần', kind: 'text', get: (r) => PART[r.part] ?? r.part },
      { header: 'Dòng', kind: 'text', get: (r) => r.unit_key ?? r.unit_code },
      { header: 'Chỉ tiêu / ô', kind: 'text', get: diffWhat },
      { key: 'old', header: 'Đã duyệt', kind: (r) => kind(r.old) },
      { key: 'new', header: 'Hiện tại', kind: (r) => kind(r.new) },
      { key: 'delta', header: 'Chênh lệch', kind: (r) => kind(r.delta) },
    ],
  };
  const about = {
    title: `Thay đổi sau khi duyệt · ${name}`,
    filters: [
      ['Kỳ báo cáo', periodSelect.selectedOptions[0]?.textContent ?? periodSelect.value],
      ['Phiên bản đã duyệt', d.version.version_id],
    ],
    file: `thay-doi-sau-khi-duyet-${filePart(d.version.version_id)}`,
    sheet: 'Thay đổi',
  };
  downloadButtons(
    document.getElementById('diff-downloads'),
    [
      ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', spec, about)],
      ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', spec, about)],
    ],
    (e) => status(e.message, 'error'),
  );
}

async function showDiff(unit, name) {
  const card = document.getElementById('diff-card');
  card.hidden = false;
  document.getElementById('diff-title').textContent = `Thay đổi sau khi duyệt · ${name}`;
  const d = await api(`/api/approvals/diff?period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`);
  document.getElementById('diff-summary').textContent = d.changed
    ? `Phiên bản ${d.version.version_id}: ${d.parts.map((p) => `${PART[p.part]} ${formatNumber(p.changed)} dòng đổi, ${formatNumber(p.added)} thêm, ${formatNumber(p.removed)} bớt`).join('; ')}.`
    : `Phiên bản ${d.version.version_id} trùng với số liệu hiện tại.`;
  const all = d.parts.flatMap((p) => p.rows.map((r) => ({ ...r, part: p.part })));
  const rows = d.parts.flatMap((p) => p.rows.slice(0, 30).map((r) => ({ ...r, part: p.part })));
  diffDownloads(d, all, name);
  document.querySelector('#diff tbody').innerHTML = rows
    .map((r) => {
      const what = diffWhat(r);
      const unitName = r.unit_key ?? r.unit_code;
      const delta = r.delta === null ? '–' : `${r.delta > 0 ? '+' : ''}${formatNumber(r.delta, Number.isInteger(r.delta) ? 0 : 2)}`;
      return `<tr><td>${PART[r.part]}</td><td>${esc(unitName)}</td><td>${esc(what)}</td>
        <td class="num">${esc(formatNumber(r.old, r.old !== null && !Number.isInteger(r.old) ? 2 : 0))}</td>
        <td class="num">${esc(formatNumber(r.new, r.new !== null && !Number.isInteger(r.new) ? 2 : 0))}</td><td class="num">${esc(delta)}</td></tr>`;
    })
    .join('');
}

async function download(unit) {
  status('Đang chuẩn bị gói số liệu…');
  const res = await fetch(`/api/exports/zip?period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`, {
    headers: { Authorization: `Bearer ${getKey()}` },
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error?.code ?? String(res.status), body.error?.message ?? res.statusText);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'goi-so-lieu.zip';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
  status(`Đã tải ${name}.`);
}

async function act(action, unit) {
  const comment = document.querySelector(`input.comment[data-unit="${CSS.escape(unit)}"]`)?.value || undefined;
  status(action === 'approve' ? 'Đang duyệt…' : 'Đang hủy duyệt…');
  const outcome = await post(action === 'approve' ? '/api/approvals' : '/api/approvals/unapprove', { period: periodSelect.value, unit, comment });
  await draw();
  status(outcome.message);
}

/** The table of the nation and the provinces shown, as CSV for Excel and XLSX; the chart as PNG and SVG. */
function addDownloads(data, rows, view) {
  const about = {
    title: `Tình hình duyệt số liệu · ${data.label}`,
    filters: [
      ['Kỳ báo cáo', data.label],
      ['Tài khoản', me?.unit.unit_name ?? ''],
    ],
    file: `duyet-so-lieu-${filePart(data.period ?? periodSelect.value)}`,
    sheet: 'Duyệt số liệu',
  };
  const spec = {
    source: rows,
    columns: [
      { key: 'unit_name', header: 'Đơn vị', kind: 'text' },
      { key: 'unit_code', header: 'Mã', kind: 'text' },
      { header: 'Trạng thái', kind: 'text', get: (r) => STATUS[r.status] ?? r.status },
      { header: 'Trễ hạn', kind: 'text', get: (r) => (r.late ? 'Có' : 'Không') },
      { key: 'deadline', header: 'Hạn báo cáo', kind: 'date' },
      { header: 'Duyệt lúc', kind: 'text', get: (r) => (r.approved_at ? formatDateTime(r.approved_at) : '') },
      { key: 'approved_by', header: 'Người duyệt', kind: 'text' },
      { key: 'comment', header: 'Ghi chú', kind: 'text' },
      {
        header: 'So với số liệu hiện tại',
        kind: 'text',
        get: (r) =>
          r.changed_since_approval === null || r.changed_since_approval === undefined ? '' : r.changed_since_approval ? 'Có thay đổi' : 'Không thay đổi',
      },
      { key: 'version_id', header: 'Phiên bản', kind: 'text' },
    ],
  };
  const fail = (e) => status(e.message, 'error');
  downloadButtons(
    document.getElementById('approvals-downloads'),
    [
      ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', spec, about)],
      ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', spec, about)],
    ],
    fail,
  );
  downloadButtons(
    document.getElementById('timeline-downloads'),
    [
      ['Tải PNG', 'png', () => downloadChart('png', view, `bieu-do-${about.file}`)],
      ['Tải SVG', 'svg', () => downloadChart('svg', view, `bieu-do-${about.file}`)],
    ],
    fail,
  );
}

async function draw() {
  if (!getKey()) {
    status('Dán khóa API để xem tình hình duyệt số liệu.');
    return;
  }
  const turn = turns.next();
  status('Đang tải…');
  setPageParams({ period: periodSelect.value });
  try {
    const [data, spec] = await Promise.all([
      api(`/api/approvals?period=${encodeURIComponent(periodSelect.value)}`, turn),
      loadSpec('approvals-timeline.vl.json'),
    ]);
    if (!turn.current) return;
    document.getElementById('title').textContent = `Duyệt số liệu · ${data.label}`;
    setPrintHeader({ title: 'Duyệt số liệu', unit: me?.unit.unit_name, period: data.label });
    const n = data.nation;
    document.getElementById('nation').innerHTML =
      `${statusCell(n)} · hạn ${esc(formatDate(n.deadline))}` +
      (n.status === 'approved'
        ? ` · duyệt lúc ${esc(formatDateTime(n.approved_at))} bởi ${esc(n.approved_by)} · phiên bản <code>${esc(n.version_id)}</code>`
        : '') +
      (mayAct(n) ? ` ${actionsCell(n)}` : '');
    const shown = data.provinces.filter((p) => p.status !== 'no_data');
    const empty = data.provinces.filter((p) => p.status === 'no_data');
    const count = (s) => data.provinces.filter((p) => p.status === s).length;
    document.getElementById('summary').textContent =
      `${formatNumber(data.provinces.length)} tỉnh: ${formatNumber(count('approved'))} đã duyệt, ${formatNumber(count('pending'))} chờ duyệt, ` +
      `${formatNumber(count('not_reporting'))} không báo cáo, ${formatNumber(data.provinces.filter((p) => p.late).length)} trễ hạn, ` +
      `${formatNumber(data.provinces.filter((p) => p.changed_since_approval).length)} có thay đổi sau khi duyệt` +
      (empty.length ? `; ${formatNumber(empty.length)} tỉnh không có dữ liệu trong kỳ (${empty.map((p) => p.unit_code).join(', ')}).` : '.') +
      ` Ngày ${formatDate(data.today)}.`;
    document.querySelector('#approvals tbody').innerHTML = shown.map(rowHtml).join('');
    const timeline = [n, ...shown]
      .filter((r) => r.deadline && r.status !== 'not_reporting')
      .map((r, i) => ({
        unit_name: r.unit_name,
        order: i,
        deadline: r.deadline,
        date: r.approved_at ? new Date(Date.parse(r.approved_at) + 7 * 3600_000).toISOString().slice(0, 10) : data.today,
        status_label: `${r.status === 'approved' ? 'Đã duyệt' : 'Chờ duyệt'}${r.late ? ', trễ hạn' : ''}`,
      }));
    spec.datasets = { timeline };
    spec.data = { name: 'timeline' };
    const { view } = await embed('#timeline-chart', spec);
    if (!turn.current) return;
    addDownloads(data, [n, ...shown], view);
    document.body.dataset.drawn = data.period ?? periodSelect.value;
    status(shown.length ? '' : 'Không có tỉnh nào có dữ liệu trong kỳ này.');
  } catch (e) {
    if (turn.current) status(e.message, 'error');
  }
}

document.querySelector('main').addEventListener('click', (e) => {
  const button = e.target.closest('button');
  if (!button) return;
  const run = button.classList.contains('diff')
    ? () => showDiff(button.dataset.unit, button.dataset.name)
    : button.classList.contains('download')
      ? () => download(button.dataset.unit)
      : button.classList.contains('act')
        ? () => act(button.dataset.action, button.dataset.unit)
        : null;
  if (run) run().catch((err) => status(err.message, 'error'));
});

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
