// School view: the school's indicators, its data-quality score (band, rank, records to fix) and
// the rules its data fails, with every record to fix, a page at a time, and the workbook of them.
// A school account sees its own school; units above pick one (?unit=).
import {
  api,
  captureKeyFromUrl,
  embed,
  esc,
  fillPeriods,
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
import { bandBadge, downloadWorkbook, formatScore, rankText } from './quality-format.js';

captureKeyFromUrl();
// the charts' libraries load while the data is asked for
loadCharts();
const periodSelect = document.getElementById('period');
const unitInput = document.getElementById('unit');
let me = null;
let catalog = [];
/** The selection drawn: period, unit and the figures of its tables. */
let current = null;
/** The failure list shown: its query and the cursor of the next page. */
let failures = { q: '', next: null, shown: 0, total: 0 };
const PAGE = 200;
const turns = latestOnly();
/** The turn of the selection shown, which a further page of failures must still belong to. */
let shownTurn = null;

const digitsFor = (entry) => (entry?.value_kind === 'count' ? 0 : 1);

async function draw() {
  if (!getKey()) {
    status('Dán khóa API để xem số liệu của trường.');
    return;
  }
  const turn = turns.next();
  const unit = unitInput.value.trim() || (me.unit.unit_level === 'school' ? me.unit.unit_key : '');
  if (!unit) {
    status('Nhập mã trường (hoặc chọn một trường từ trang Chất lượng dữ liệu).');
    return;
  }
  setPageParams({ period: periodSelect.value, unit });
  status('Đang tải…');
  const q = `period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`;
  try {
    const [values, rules, firstPage, score, spec] = await Promise.all([
      api(`/api/indicators?${q}`, turn),
      api(`/api/quality/rules?${q}`, turn),
      api(`/api/quality/failures?${q}&limit=${PAGE}`, turn),
      api(`/api/quality/scores?${q}`, turn),
      loadSpec('school-rules.vl.json'),
    ]);
    if (!turn.current) return;
    shownTurn = turn;
    document.getElementById('title').textContent = values.unit.unit_name;
    document.getElementById('subtitle').textContent = `${periodName(values.period)} · mã trường ${values.unit.unit_code}`;
    setPrintHeader({
      title: `Trường học · ${values.unit.unit_name}`,
      unit: `${values.unit.unit_name} (${values.unit.unit_code})`,
      period: periodName(values.period),
    });
    const order = (code) => {
      const i = catalog.findIndex((c) => c.code === code);
      return i < 0 ? catalog.length : i;
    };
    const own = values.rows.filter((r) => r.role === 'unit').sort((a, b) => order(a.indicator) - order(b.indicator));
    document.querySelector('#indicators tbody').innerHTML =
      own
        .map((r) => {
          const entry = catalog.find((c) => c.code === r.indicator);
          return `<tr><td>${esc(entry?.name_vi ?? r.indicator)}</td><td class="num">${esc(formatNumber(r.value, digitsFor(entry)))}</td><td>${esc(entry?.unit ?? '')}</td></tr>`;
        })
        .join('') || '<tr><td colspan="3">Chưa có chỉ số cho kỳ này.</td></tr>';
    current = {
      period: values.period,
      unit: values.unit,
      indicators: own.map((r) => ({ ...r, entry: catalog.find((c) => c.code === r.indicator) })),
      rules: rules.rows,
    };
    failures = { q, next: null, shown: 0, total: 0 };
    document.querySelector('#failures tbody').innerHTML = '';
    showFailures(firstPage);
    if (score.assessed === false) document.querySelector('#failures tfoot').innerHTML = '<tr><td colspan="6">Kỳ này chưa được kiểm tra.</td></tr>';
    // an unchecked period has no list of records to fix: no workbook of it is offered
    document.getElementById('workbook').hidden = score.assessed === false;
    const u = score.unit;
    document.getElementById('quality-score').innerHTML =
      u && u.score !== null && u.score !== undefined
        ? `Điểm chất lượng dữ liệu: <strong>${esc(formatScore(u.score))}</strong> ${bandBadge(score.bands ?? [], u.band)} · ` +
          `${esc(formatNumber(u.failing_records))} bản ghi cần sửa trên ${esc(formatNumber(u.records))} bản ghi · ` +
          `hạng ${esc(rankText(u.rank_in_parent, u.parent_ranked_units))} trong xã, phường`
        : score.assessed === false
          ? 'Điểm chất lượng dữ liệu: chưa có (kỳ này chưa được kiểm tra chất lượng dữ liệu).'
          : 'Điểm chất lượng dữ liệu: chưa có trong kỳ này.';
    spec.datasets = { rules: rules.rows.map((r) => ({ ...r, label: `${r.rule_id} · ${r.description_vi}` })) };
    spec.data = { name: 'rules' };
    const rulesView = rules.rows.length ? (await embed('#rules-chart', spec)).view : null;
    if (!rulesView) document.getElementById('rules-chart').textContent = score.assessed === false ? 'Chưa kiểm tra.' : 'Không có quy tắc nào chưa đạt.';
    if (!turn.current) return;
    wireDownloads(values, rulesView, score.assessed !== false);
    document.body.dataset.drawn = `${values.period.period}|${values.unit.unit_key}`;
    // a period the quality step has not checked has no failures to list, which is not the same as none
    status(score.assessed === false ? '' : `${formatNumber(rules.rows.length)} quy tắc chưa đạt, ${formatNumber(failures.total)} lỗi cần sửa.`);
  } catch (e) {
    if (turn.current) status(e.message, 'error');
  }
}

/** The download buttons of the indicator table, the list of records to fix (when the period is `checked`) and the rules chart, for the school drawn. */
function wireDownloads(values, rulesView, checked) {
  const u = values.unit;
  const file = `${values.period.period}-${filePart(u.unit_key)}`;
  const about = {
    title: `Chỉ số của trường · ${u.unit_name}`,
    filters: [
      ['Đơn vị', `${u.unit_name} (mã ${u.unit_code})`],
      ['Kỳ báo cáo', periodName(values.period)],
    ],
    file: `chi-so-truong-${file}`,
    sheet: 'Chỉ số',
  };
  const entry = (r) => catalog.find((c) => c.code === r.indicator);
  const order = (r) => {
    const i = catalog.findIndex((c) => c.code === r.indicator);
    return i < 0 ? catalog.length : i;
  };
  const spec = {
    path: `/api/indicators?period=${encodeURIComponent(values.period.period)}&unit=${encodeURIComponent(u.unit_key)}`,
    rows: (rows) => rows.filter((r) => r.role === 'unit').sort((a, b) => order(a) - order(b)),
    columns: [
      { key: 'indicator', header: 'Mã chỉ số', kind: 'text' },
      { key: 'name', header: 'Chỉ số', kind: 'text', get: (r) => entry(r)?.name_vi ?? r.indicator },
      // counts are whole numbers; other indicators show one decimal, as on the page
      { key: 'value', header: 'Giá trị', kind: (r) => (entry(r)?.value_kind === 'count' ? 'int' : 'dec') },
      { key: 'numerator', header: 'Tử số', kind: 'int' },
      { key: 'denominator', header: 'Mẫu số', kind: 'int' },
      { key: 'unit', header: 'Đơn vị tính', kind: 'text', get: (r) => entry(r)?.unit ?? '' },
    ],
  };
  const fail = (e) => status(e.message, 'error');
  downloadButtons(
    document.getElementById('indicators-downloads'),
    [
      ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', spec, about)],
      ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', spec, about)],
    ],
    fail,
  );
  // the list of records to fix, as the API's CSV gives it (a page of at most 10.000; the Excel
  // workbook button above holds every record)
  const failuresSpec = {
    path: `/api/quality/failures?period=${encodeURIComponent(values.period.period)}&unit=${encodeURIComponent(u.unit_key)}&limit=10000`,
    columns: [
      { key: 'record_key', header: 'Mã bản ghi', kind: 'text' },
      { key: 'class_name', header: 'Lớp', kind: 'text' },
      { key: 'class_code', header: 'Mã lớp', kind: 'text' },
      { key: 'grade', header: 'Khối', kind: 'int' },
      { key: 'rule_id', header: 'Quy tắc', kind: 'text' },
      { key: 'description_vi', header: 'Mô tả quy tắc', kind: 'text' },
      { key: 'fields', header: 'Trường dữ liệu', kind: 'text' },
      { key: 'detail', header: 'Giải thích', kind: 'text' },
      { key: 'related_record_key', header: 'Bản ghi cùng nhóm', kind: 'text' },
    ],
  };
  const failuresAbout = {
    ...about,
    title: `Bản ghi cần sửa · ${u.unit_name}`,
    filters: [...about.filters, ['Số bản ghi', 'tối đa 10.000 (tệp "Tải danh sách bản ghi cần sửa (Excel)" có tất cả)']],
    file: `ban-ghi-can-sua-${file}`,
    sheet: 'Bản ghi cần sửa',
  };
  // an unchecked period has no list: an empty file would read as "nothing to fix"
  downloadButtons(
    document.getElementById('failures-downloads'),
    checked
      ? [
          ['Tải CSV (Excel)', 'csv', () => downloadTable('csv', failuresSpec, failuresAbout)],
          ['Tải XLSX', 'xlsx', () => downloadTable('xlsx', failuresSpec, failuresAbout)],
        ]
      : [],
    fail,
  );
  const name = `bieu-do-quy-tac-chua-dat-${file}`;
  downloadButtons(
    document.getElementById('rules-chart-downloads'),
    rulesView
      ? [
          ['Tải PNG', 'png', () => downloadChart('png', rulesView, name)],
          ['Tải SVG', 'svg', () => downloadChart('svg', rulesView, name)],
        ]
      : [],
    fail,
  );
}

/** Appends a page of the failure list. */
function showFailures(page) {
  const klass = (f) => (f.class_code === null ? '' : `${f.class_name ?? ''} <span class="note">${esc(f.class_code)}</span>`);
  const related = (f) =>
    f.related_record_key
      ? ` <span class="note">(cùng nhóm: <code>${esc(f.related_record_key)}</code>${f.related_unit ? `, trường ${esc(f.related_unit)}` : ''})</span>`
      : '';
  document.querySelector('#failures tbody').insertAdjacentHTML(
    'beforeend',
    page.rows
      .map(
        (f) => `<tr>
      <td><code>${esc(f.record_key)}</code></td><td>${klass(f)}</td><td class="num">${esc(f.grade ?? '')}</td>
      <td><code>${esc(f.rule_id)}</code><br /><span class="note">${esc(f.description_vi)}</span></td>
      <td><code>${esc(f.fields ?? '')}</code></td><td>${esc(f.detail ?? '')}${related(f)}</td>
    </tr>`,
      )
      .join(''),
  );
  failures.next = page.next;
  failures.total = page.total;
  failures.shown += page.rows.length;
  document.querySelector('#failures tfoot').innerHTML = failures.total
    ? `<tr><td colspan="6" class="note">Đang hiện ${formatNumber(failures.shown)} / ${formatNumber(failures.total)} lỗi cần sửa.</td></tr>`
    : '<tr><td colspan="6">Không có bản ghi cần sửa.</td></tr>';
  document.getElementById('more').hidden = !failures.next;
}

/** Appends the next page of the failure list, unless another selection was made meanwhile. */
async function moreFailures() {
  const turn = shownTurn;
  const page = await api(`/api/quality/failures?${failures.q}&limit=${PAGE}&cursor=${encodeURIComponent(failures.next)}`, turn ?? {});
  if (turn && turn.current) showFailures(page);
}

async function start() {
  if (!getKey()) return draw();
  try {
    me = await showWho();
    unitInput.value = pageParam('unit') ?? (me.unit.unit_level === 'school' ? me.unit.unit_key : '');
    fillPeriods(periodSelect, (await api('/api/periods')).rows, pageParam('period'));
    catalog = (await api('/api/indicators/catalog')).rows;
    await draw();
  } catch (e) {
    status(e.message, 'error');
  }
}

wireLogin(start);
periodSelect.addEventListener('change', draw);
document.getElementById('show').addEventListener('click', draw);
document.getElementById('more').addEventListener('click', () => moreFailures().catch((e) => status(e.message, 'error')));
document.getElementById('workbook').addEventListener('click', async () => {
  const unit = unitInput.value.trim() || me?.unit.unit_key;
  if (!unit) return;
  status('Đang lập tệp Excel…');
  try {
    await downloadWorkbook(periodSelect.value, unit);
    status('Đã tải tệp Excel danh sách bản ghi cần sửa.');
  } catch (e) {
    status(e.message, 'error');
  }
});
await start();
