// The explorer's three charts, from the specs in dashboards/specs/: the map of the 34 provinces
// (sized to its panel, legend below so that it is never cut at phone width, the tooltip naming the
// indicator and its unit), the bars of a unit's children, the line chart of the series. A click on
// a province or a bar calls `onOpen(unit_key)`.
import { embed, loadSpec } from './common.js';
import { vegaFormat } from './explorer-format.js';

const specs = new Map();
function fetched(name) {
  if (!specs.has(name)) specs.set(name, loadSpec(name));
  return specs.get(name);
}
async function spec(name) {
  return structuredClone(await fetched(name));
}

/** Asks for the specs a page will draw first while its data is on the way. */
export function preloadSpecs(...names) {
  // a failure shows when the chart is drawn
  for (const name of names) fetched(name).catch(() => specs.delete(name));
}

function clickOpens(view, onOpen) {
  view.addEventListener('click', (_event, item) => {
    const key = item?.datum?.unit_key;
    if (key) onOpen(key);
  });
}

/** The map: `rows` are provinces of today ({ unit_code, unit_key, unit_name, value }). */
export async function drawMap(el, rows, { title, digits, onOpen }) {
  const s = await spec('national-map.vl.json');
  const width = Math.max(280, Math.min(640, el.clientWidth - 24));
  s.width = width;
  s.height = Math.round(width * 1.3);
  s.datasets = { values: rows.map((r) => ({ unit_code: r.unit_code, unit_key: r.unit_key, unit_name: r.unit_name, value: r.value })) };
  s.params = [
    { name: 'indicatorLabel', value: title },
    { name: 'valueFormat', value: vegaFormat(digits) },
  ];
  s.encoding.color.legend.title = title;
  s.encoding.color.legend.gradientLength = Math.min(260, width - 60);
  s.encoding.color.legend.titleLimit = width - 20;
  s.encoding.tooltip[1].title = title;
  const { view } = await embed(el, s);
  clickOpens(view, onOpen);
  return view;
}

/** Bars of children, highest first; `highlight` marks one unit. */
export async function drawBars(el, rows, { title, digits, highlight, onOpen }) {
  const s = await spec('explorer-bars.vl.json');
  s.width = Math.max(260, Math.min(640, el.clientWidth - 280));
  s.datasets = { values: rows.map((r) => ({ unit_key: r.unit_key, unit_name: r.unit_name, value: r.value, highlight: r.unit_key === highlight })) };
  s.params = [{ name: 'valueFormat', value: vegaFormat(digits) }];
  s.encoding.x.title = title;
  s.encoding.tooltip[1].title = title;
  const { view } = await embed(el, s);
  clickOpens(view, onOpen);
  return view;
}

/** The series: rows of GET /api/indicators/series with `order` (the period's place) added. */
export async function drawSeries(el, rows, { title, digits }) {
  const s = await spec('explorer-series.vl.json');
  s.width = Math.max(260, Math.min(760, el.clientWidth - 60));
  s.datasets = { values: rows };
  s.params = [{ name: 'valueFormat', value: vegaFormat(digits) }];
  s.encoding.y.title = title;
  s.encoding.tooltip[2].title = title;
  const { view } = await embed(el, s);
  return view;
}
