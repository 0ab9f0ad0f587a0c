/**
 * The API calls the dashboards make, and the pages, as bench/serve.bench.ts measures them. To
 * measure a new call, add an entry; `optional` ones are left out (and said so) on a server that
 * does not answer them 200, so that one list serves the code before and after a change.
 */

/** What the calls are built from: the latest start-of-year period, a province, its heaviest school, keys. */
export type BenchContext = {
  period: string;
  province: string;
  school: string;
  keys: { nation: string; province: string; school: string };
};

export type BenchCall = {
  /** The page or use that makes the call, then what it asks. */
  name: string;
  path: (c: BenchContext) => string;
  key?: (c: BenchContext) => string;
  optional?: boolean;
};

const e = encodeURIComponent;

export const CALLS: BenchCall[] = [
  // national map (no key)
  { name: 'map: public periods', path: () => '/api/public/periods' },
  { name: 'map: map indicators', path: () => '/api/public/map-indicators' },
  { name: 'map: public indicators LRN', path: (c) => `/api/public/indicators?period=${c.period}&indicator=LRN` },
  { name: 'map: public series', path: () => '/api/public/indicators/series?indicator=LRN', optional: true },
  { name: 'map: public catalogue', path: () => '/api/public/indicators/catalog', optional: true },
  { name: 'map: public dimensions', path: () => '/api/public/dimensions', optional: true },
  // every keyed page
  { name: 'me', path: () => '/api/me', key: (c) => c.keys.province },
  { name: 'periods', path: () => '/api/periods', key: (c) => c.keys.province },
  { name: 'catalog', path: () => '/api/indicators/catalog', key: (c) => c.keys.school },
  // indicator tables
  { name: 'table: province indicators, all breakdowns', path: (c) => `/api/indicators?period=${c.period}&breakdown=all`, key: (c) => c.keys.province },
  { name: 'table: school indicators', path: (c) => `/api/indicators?period=${c.period}&unit=${e(c.school)}`, key: (c) => c.keys.school },
  { name: 'series: province LRN', path: () => '/api/indicators/series?indicator=LRN', key: (c) => c.keys.province, optional: true },
  { name: 'search: units "Trường"', path: (c) => `/api/units/search?q=${e('Trường')}&period=${c.period}`, key: (c) => c.keys.province, optional: true },
  // quality league tables and rules
  { name: 'league: province scores', path: (c) => `/api/quality/scores?period=${c.period}&unit=${e(c.province)}`, key: (c) => c.keys.province },
  { name: 'league: school scores', path: (c) => `/api/quality/scores?period=${c.period}&unit=${e(c.school)}`, key: (c) => c.keys.school },
  { name: 'rules: school', path: (c) => `/api/quality/rules?period=${c.period}&unit=${e(c.school)}`, key: (c) => c.keys.school },
  // failure lists
  { name: 'failures: school page', path: (c) => `/api/quality/failures?period=${c.period}&unit=${e(c.school)}&limit=200`, key: (c) => c.keys.school },
  // downloads
  { name: 'download: failures workbook (province)', path: (c) => `/api/quality/failures/workbook?period=${c.period}`, key: (c) => c.keys.province },
  {
    name: 'download: failures CSV (province, 10000)',
    path: (c) => `/api/quality/failures?period=${c.period}&limit=10000&format=csv`,
    key: (c) => c.keys.province,
  },
  // a keyed CSV or Parquet of a province's indicators: suppressed, every family of the province and its communes
  {
    name: 'download: province indicators CSV, all breakdowns',
    path: (c) => `/api/indicators?period=${c.period}&breakdown=all&format=csv`,
    key: (c) => c.keys.province,
  },
  { name: 'download: province indicators Parquet', path: (c) => `/api/indicators?period=${c.period}&format=parquet`, key: (c) => c.keys.province },
  { name: 'download: public CSV', path: (c) => `/api/public/indicators?period=${c.period}&format=csv` },
  { name: 'download: public Parquet', path: (c) => `/api/public/indicators?period=${c.period}&format=parquet` },
  // approvals page
  { name: 'approvals', path: (c) => `/api/approvals?period=${c.period}`, key: (c) => c.keys.nation },
  {
    name: 'approvals: province history',
    path: (c) => `/api/approvals/history?period=${c.period}&unit=${e(c.province)}`,
    key: (c) => c.keys.nation,
    optional: true,
  },
  // consumers page (the registry and the last 30 days of deliveries)
  { name: 'consumers: registry', path: () => '/api/admin/consumers', key: (c) => c.keys.nation, optional: true },
  { name: 'consumers: usage, 30 days', path: () => `/api/admin/consumers/usage?from=${day(-30)}&to=${day(0)}`, key: (c) => c.keys.nation, optional: true },
];

/** Today plus `days`, as YYYY-MM-DD. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Each dashboard page and the selector that appears once it has drawn its data. */
export const PAGES: Array<{ name: string; path: (c: BenchContext) => string; ready: string }> = [
  { name: 'national', path: () => '/dashboards/', ready: '#provinces tbody tr' },
  // at the period the calls ask about, which the quality step has scored (the latest may not be)
  { name: 'quality', path: (c) => `/dashboards/quality.html?period=${c.period}#key=${c.keys.province}`, ready: '#dimension-chart svg' },
  { name: 'school', path: (c) => `/dashboards/school.html?period=${c.period}#key=${c.keys.school}`, ready: '#quality-score strong' },
  { name: 'approvals', path: (c) => `/dashboards/approvals.html#key=${c.keys.nation}`, ready: '#approvals tbody tr' },
  { name: 'consumers', path: (c) => `/dashboards/consumers.html#key=${c.keys.nation}`, ready: '#usage tbody tr' },
];
