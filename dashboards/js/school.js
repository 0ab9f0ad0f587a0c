// School view: the school's indicators and the rules its data fails, with the (pseudonymous)
// record keys to fix. A school account sees its own school; units above pick one (?unit=).
import {
  api,
  captureKeyFromUrl,
  embed,
  esc,
  fillPeriods,
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

captureKeyFromUrl();
const periodSelect = document.getElementById('period');
const unitInput = document.getElementById('unit');
let me = null;
let catalog = [];

const digitsFor = (entry) => (entry?.value_kind === 'count' ? 0 : 1);

async function draw() {
  if (!getKey()) {
    status('Dán khóa API để xem số liệu của trường.');
    return;
  }
  const unit = unitInput.value.trim() || (me.unit.unit_level === 'school' ? me.unit.unit_key : '');
  if (!unit) {
    status('Nhập mã trường (hoặc chọn một trường từ trang Chất lượng dữ liệu).');
    return;
  }
  setPageParams({ period: periodSelect.value, unit });
  status('Đang tải…');
  const q = `period=${encodeURIComponent(periodSelect.value)}&unit=${encodeURIComponent(unit)}`;
  try {
    const [values, rules, failures] = await Promise.all([api(`/api/indicators?${q}`), api(`/api/quality/rules?${q}`), api(`/api/quality/failures?${q}`)]);
    document.getElementById('title').textContent = values.unit.unit_name;
    document.getElementById('subtitle').textContent = `${periodName(values.period)} · mã trường ${values.unit.unit_code}`;
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
    const spec = await loadSpec('school-rules.vl.json');
    spec.datasets = { rules: rules.rows.map((r) => ({ ...r, label: `${r.rule_id} · ${r.description_vi}` })) };
    spec.data = { name: 'rules' };
    if (rules.rows.length) await embed('#rules-chart', spec);
    else document.getElementById('rules-chart').textContent = 'Không có quy tắc nào chưa đạt.';
    document.querySelector('#failures tbody').innerHTML =
      failures.rows
        .map(
          (f) => `<tr>
      <td><code>${esc(f.rule_id)}</code></td><td>${esc(f.description_vi)}</td><td><code>${esc(f.record_key)}</code></td><td>${esc(f.detail ?? '')}</td>
    </tr>`,
        )
        .join('') || '<tr><td colspan="4">Không có bản ghi cần sửa.</td></tr>';
    status(`${formatNumber(rules.rows.length)} quy tắc chưa đạt, ${formatNumber(failures.rows.length)} bản ghi mẫu cần sửa.`);
  } catch (e) {
    status(e.message, 'error');
  }
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
await start();
