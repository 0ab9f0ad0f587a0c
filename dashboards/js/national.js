// National overview: a choropleth of the 34 provinces coloured by the chosen indicator for the
// chosen period, and the table of provinces. Reads only the public (suppressed) endpoints.
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
  setPageParams,
  showWho,
  status,
  wireLogin,
} from './common.js';

captureKeyFromUrl();
// the map's indicators, labels and number formats come from the server (data/indicators/publication.json)
const indicators = (await api('/api/public/map-indicators')).rows;
const periodSelect = document.getElementById('period');
const indicatorSelect = document.getElementById('indicator');
indicatorSelect.innerHTML = indicators.map((i) => `<option value="${esc(i.code)}">${esc(i.label)}</option>`).join('');
indicatorSelect.value = indicators.some((i) => i.code === pageParam('indicator')) ? pageParam('indicator') : indicators[0].code;

async function who() {
  if (getKey()) await showWho().catch((e) => status(e.message, 'error'));
}

async function draw() {
  const indicator = indicators.find((i) => i.code === indicatorSelect.value);
  const digits = indicator.format.endsWith('.0f') ? 0 : 1;
  status('Đang tải số liệu…');
  setPageParams({ period: periodSelect.value, indicator: indicator.code });
  try {
    const data = await api(`/api/public/indicators?period=${encodeURIComponent(periodSelect.value)}&indicator=${indicator.code}`);
    const rows = data.rows.filter((r) => r.indicator === indicator.code);
    const provinces = rows.filter((r) => r.unit_level === 'province');
    const nation = rows.find((r) => r.unit_level === 'nation');
    const spec = await loadSpec('national-map.vl.json');
    spec.datasets = { values: provinces.map((r) => ({ unit_code: r.unit_code, unit_name: r.unit_name, value: r.value })) };
    spec.params = [
      { name: 'indicatorLabel', value: indicator.label },
      { name: 'valueFormat', value: indicator.format },
    ];
    spec.encoding.color.legend.title = indicator.label;
    const result = await embed('#map', spec);
    window.csdlMapView = result.view;
    document.getElementById('value-header').textContent = indicator.label;
    const sorted = [...provinces].sort((a, b) => (typeof b.value === 'number' ? b.value : -1) - (typeof a.value === 'number' ? a.value : -1));
    document.querySelector('#provinces tbody').innerHTML = sorted
      .map((r, i) => `<tr><td class="num">${i + 1}</td><td>${esc(r.unit_name)}</td><td class="num">${esc(formatNumber(r.value, digits))}</td></tr>`)
      .join('');
    document.querySelector('#provinces tfoot').innerHTML = nation
      ? `<tr><th scope="row" colspan="2">Toàn quốc</th><td class="num"><strong>${esc(formatNumber(nation.value, digits))}</strong></td></tr>`
      : '';
    status(provinces.length ? `${provinces.length} tỉnh, thành phố có số liệu.` : 'Kỳ này chưa có số liệu.');
  } catch (e) {
    status(e.message, 'error');
  }
}

wireLogin(who);
await who();
try {
  const periods = await api('/api/public/periods');
  fillPeriods(periodSelect, periods.rows, pageParam('period'));
  periodSelect.addEventListener('change', draw);
  indicatorSelect.addEventListener('change', draw);
  await draw();
} catch (e) {
  status(e.message, 'error');
}
