// Where the explorer's figures come from, each answer keeping its request (`source`) so that a
// download can ask the API for the same rows as they leave the system (suppressed CSV): with a
// key, GET /api/indicators of the unit (or of its parent, for its peers), or, in a period before
// the 2025 merger, the nation and today's 34 provinces re-aggregated (GET /api/indicators/series);
// without one, the public totals (GET /api/public/indicators, suppressed already).
import { getKey } from './common.js';
import { childrenWord } from './explorer-format.js';
import { getJson, qs } from './explorer-state.js';

const keyed = () => Boolean(getKey());

/**
 * The public nation-and-provinces totals of a period and indicator (suppressed), cached. Shared
 * by the drawings that ask, so no one drawing's abort may cancel it.
 */
const publicCache = new Map();
export function publicValues(period, indicator) {
  const k = `${period}|${indicator}`;
  if (!publicCache.has(k)) {
    publicCache.set(
      k,
      getJson(`/api/public/indicators?${qs({ period, indicator })}`)
        .then((d) => ({ ...d, source: { path: '/api/public/indicators', query: { period, indicator }, public: true } }))
        .catch((e) => {
          publicCache.delete(k);
          throw e;
        }),
    );
  }
  return publicCache.get(k);
}

/** An answer of `source` ({ path, query, period? }) with the source kept for the downloads. */
export async function sourced(source, signal) {
  const data = await getJson(`${source.path}?${qs(source.query)}`, signal);
  const rows = source.period
    ? data.rows.filter((r) => r.period === source.period).map((r) => ({ ...r, role: r.unit_key === 'N:VN' ? 'unit' : 'child' }))
    : data.rows;
  return { ...data, rows, source };
}

let provinceKeys = null;
/** Today's 34 provinces' keys, from the map's shapes. */
function todaysProvinces() {
  provinceKeys ??= fetch('/reference/vn-provinces-34.topojson')
    .then((r) => r.json())
    .then((t) => t.objects.provinces.geometries.map((g) => `P:${g.properties.code}@2025`));
  return provinceKeys;
}

/** The nation and today's 34 provinces in a period before the merger, re-aggregated (one series request). */
export async function onTodaysProvinces(s, signal) {
  const units = ['N:VN', ...(await todaysProvinces())];
  return sourced(
    { path: '/api/indicators/series', query: { indicator: s.indicator, units, breakdown: s.breakdown, geography: '2025' }, period: s.period },
    signal,
  );
}

export async function peersOf(unitInfo, s, period, cellKey, rowsOf, signal, mine) {
  const path = unitInfo.path;
  const parent = path.at(-2);
  if (!parent) return null;
  const before = period.census_day < '2025-07-01';
  if (!keyed()) return unitInfo.unit_level === 'province' ? { rows: mine.filter((r) => r.unit_level === 'province'), what: 'tỉnh, thành phố' } : null;
  const todays = unitInfo.unit_level === 'province' && unitInfo.valid_to === null;
  if (parent.visible && todays && before) {
    // a province of today before the merger: among today's 34, re-aggregated
    const data = await onTodaysProvinces(s, signal);
    return { rows: rowsOf(data.rows).filter((r) => r.role === 'child'), what: 'tỉnh, thành phố', source: 'tổng hợp lại theo 34 tỉnh hiện nay', data };
  }
  if (parent.visible) {
    const data = await sourced(
      { path: '/api/indicators', query: { period: s.period, unit: parent.unit_key, indicator: s.indicator, breakdown: s.breakdown } },
      signal,
    );
    return { rows: rowsOf(data.rows).filter((r) => r.role === 'child'), what: childrenWord(parent.unit_level, unitInfo.unit_level), parent, data };
  }
  if (todays && cellKey === 'total') {
    const data = await publicValues(s.period, s.indicator);
    return { rows: rowsOf(data.rows).filter((r) => r.unit_level === 'province'), what: 'tỉnh, thành phố', source: 'theo số liệu công bố, đã che ô nhỏ', data };
  }
  return null;
}
