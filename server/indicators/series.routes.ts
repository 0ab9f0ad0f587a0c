/**
 * GET /api/indicators/series?indicator=&units=&breakdown=&geography=&format=
 *     one indicator over every period for the units asked about (the caller's unit by default),
 *     within the caller's scope: exact in JSON, suppressed in CSV (as GET /api/indicators).
 * GET /api/public/indicators/series?...
 *     the same for the nation and the provinces without a key, always suppressed.
 * GET /api/public/indicators/catalog
 *     the whole catalogue with method notes and source fields (the explorer's metadata panel).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Response } from 'express';
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { canSee, type ScopedAccount } from '../auth/scope.ts';
import { inSnapshot } from '../db/connection.middleware.ts';
import { tableExists } from '../db/read-rows.ts';
import { forbidden, notFound, notReady } from '../http-errors.ts';
import { toCsv } from '../output/csv.ts';
import { fileName } from '../output/send-table.ts';
import { breakdown, knownIndicators, unit } from '../params.ts';
import { dataVersion } from '../suppression/data-version.ts';
import type { DecisionCache } from '../suppression/family-cascade.ts';
import { IndicatorSuppression } from '../suppression/indicator-suppression.ts';
import { NATION_KEY } from '../suppression/unit-families.ts';
import { childUnits, findUnit, listPeriods, type Period, type Unit } from '../units/units.queries.ts';
import { indicatorValues } from './indicators.queries.ts';
import { catalogOrFail } from './indicators.routes.ts';
import { fullCatalog, seriesColumns, seriesValues, unitPaths, type Geography, type SeriesRow } from './series.queries.ts';

// the nation and today's 34 provinces fit in one request
const MAX_UNITS = 40;

const oneIndicator = z
  .string({ error: (iss) => (Array.isArray(iss.input) ? 'give it once, as a single value' : 'must be one indicator code') })
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be one indicator code, e.g. LRN (GET /api/public/indicators/catalog lists them)')
  .transform((c) => c.toUpperCase())
  .meta({ description: 'One indicator code of the catalogue', example: 'LRN' });

const units = z
  .string({ error: (iss) => (Array.isArray(iss.input) ? 'give it once, as units separated by commas' : 'must be unit keys separated by commas') })
  .transform((raw) => [...new Set(raw.split(',').map((s) => s.trim()))])
  .superRefine((list, ctx) => {
    if (list.length > MAX_UNITS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_UNITS} units at once` });
    for (const u of list) if (!unit.safeParse(u).success) ctx.addIssue({ code: 'custom', message: `"${u}" is not a unit key (P:01@2025) or a unit code` });
  })
  .meta({
    description: `Unit keys or codes separated by commas (at most ${MAX_UNITS}); the caller's unit (the nation without a key) when absent`,
    example: 'N:VN,P:48@2025',
  });

const geography = z
  .enum(['reported', '2025'], { error: (iss) => `"${String(iss.input)}" is not one of reported, 2025` })
  .default('reported')
  .meta({
    description:
      "reported (default): each period's units as they reported (before the 2025 merger a province of today is shown by the old provinces that merged into it); 2025: periods before the merger re-aggregated on today's 34 provinces",
  });

const seriesFormat = z
  .enum(['json', 'csv'], { error: (iss) => `"${String(iss.input)}" is not one of json, csv` })
  .default('json')
  .meta({ description: 'json (default) or csv (UTF-8 with BOM, CRLF; small cells suppressed)' });

const query = z.strictObject({ indicator: oneIndicator, units: units.optional(), breakdown, geography, format: seriesFormat });
type SeriesQuery = z.output<typeof query>;

const GEOGRAPHY_NOTE: Record<Geography, string> = {
  reported: 'Theo đơn vị hành chính tại thời điểm báo cáo: trước 01/07/2025, tỉnh hiện nay được thể hiện bằng các tỉnh cũ đã hợp nhất vào nó',
  '2025': 'Các kỳ trước 01/07/2025 được tổng hợp lại theo 34 tỉnh, thành phố hiện nay',
};

const STATUS: Record<string, string> = { numerator: 'numerator_status', denominator: 'denominator_status', value: 'value_status' };

/** The explorer's routes: `anyone` serves without a key, `keyed` after authentication. */
export function seriesRoutes(anyone: ApiRouter, keyed: ApiRouter, decisions: DecisionCache): void {
  const spec = (auth: 'public' | 'key') => ({
    summary:
      auth === 'key'
        ? "One indicator over every period for units in the caller's scope"
        : 'One indicator over every period for the nation and the provinces (public, small cells suppressed)',
    description:
      auth === 'key'
        ? 'Exact in JSON (your own subtree); CSV leaves the system and is suppressed like GET /api/indicators. `geography` says how the periods before the 2025 merger are shown, and the answer repeats it.'
        : 'Small cells suppressed as on the public map (`<10`, `x`).',
    tags: ['indicators'],
    auth,
    query,
    response: table(seriesColumns(true)),
    cache: true as const,
  });
  keyed.get('/indicators/series', spec('key'), (_req, res, input) => answerSeries(res, input.query, accountOf(res), decisions));
  anyone.get('/public/indicators/series', spec('public'), (_req, res, input) => answerSeries(res, input.query, undefined, decisions));

  anyone.get(
    '/public/indicators/catalog',
    {
      summary: 'The whole indicator catalogue: names, definition, formula, method note, unit, source fields, breakdowns, unit levels',
      tags: ['public'],
      auth: 'public',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [catalogue entries] }' },
      cache: true,
    },
    async (_req, res) => {
      const conn = connOf(res);
      await catalogOrFail(conn);
      const rows = await fullCatalog(conn);
      countRows(res, rows.length);
      res.json({ rows });
    },
  );
}

/** A unit a caller without a key may ask about: the nation and the provinces. */
async function publicUnit(conn: DuckDBConnection, ref: string, at: Period): Promise<Unit> {
  const found = await findUnit(conn, ref, at);
  if (!found) throw notFound(`đơn vị ${ref}`);
  if (found.unit_level !== 'nation' && found.unit_level !== 'province') {
    throw forbidden(`không có khóa API chỉ xem được toàn quốc và các tỉnh, không xem được ${found.unit_key}`);
  }
  return found;
}

/** Whether the caller (undefined: the public) may read `u`. */
async function visible(conn: DuckDBConnection, account: ScopedAccount | undefined, u: Unit): Promise<boolean> {
  return account ? canSee(conn, account, u) : u.unit_level === 'nation' || u.unit_level === 'province';
}

/** The units whose rows make the series of `asked` in `at`, each with the asked unit it belongs to. */
async function membersIn(conn: DuckDBConnection, account: ScopedAccount | undefined, asked: Unit[], at: Period, geo: Geography) {
  const out = new Map<string, { unit: Unit; of: string }>();
  for (const u of asked) {
    // a school has one row per school year: its row of that year
    const here = u.unit_level === 'school' ? ((await findUnit(conn, u.unit_key, at)) ?? u) : u;
    if (await visible(conn, account, here)) out.set(`${here.unit_key}|${u.unit_key}`, { unit: here, of: u.unit_key });
    if (geo === 'reported' && u.unit_level === 'province' && u.valid_from !== null && u.valid_from > at.census_day) {
      for (const old of await childUnits(conn, u, at)) {
        if (old.unit_level === 'province' && (await visible(conn, account, old))) out.set(`${old.unit_key}|${u.unit_key}`, { unit: old, of: u.unit_key });
      }
    }
  }
  return [...out.values()];
}

/** The units asked, each with its path nation -> ... -> unit, each step saying whether the caller may open it. */
async function withPaths(conn: DuckDBConnection, account: ScopedAccount | undefined, asked: Unit[]) {
  const paths = await unitPaths(
    conn,
    asked.map((u) => u.unit_key),
  );
  const out = [];
  for (const u of asked) {
    const path = [];
    // one after the other: one connection runs one query at a time
    for (const step of paths.get(u.unit_key) ?? []) {
      path.push({
        unit_key: step.unit_key,
        unit_code: step.unit_code,
        unit_level: step.unit_level,
        unit_name: step.unit_name,
        visible: await visible(conn, account, step),
      });
    }
    out.push({ ...u, path });
  }
  return out;
}

async function answerSeries(res: Response, q: SeriesQuery, account: ScopedAccount | undefined, decisions: DecisionCache): Promise<void> {
  const conn = connOf(res);
  const suppressed = account === undefined || q.format !== 'json';
  res.locals.format = q.format;
  await inSnapshot(res.locals, suppressed, async () => {
    if (!(await tableExists(conn, 'indicators.indicator_catalog'))) throw notReady('chưa có danh mục chỉ số (indicators.indicator_catalog)');
    const catalog = await fullCatalog(conn);
    const [code] = knownIndicators([q.indicator], catalog as Array<{ code: string }>);
    const entry = catalog.find((c) => c.code === code);
    const periods = await listPeriods(conn);
    const latest = periods.at(-1);
    if (!latest) throw notFound('kỳ báo cáo nào: kho dữ liệu còn trống');
    const refs = q.units ?? [account?.unit_key ?? NATION_KEY];
    const asked: Unit[] = [];
    for (const ref of refs) {
      if (account) {
        const found = await findUnit(conn, ref, latest);
        if (!found) throw notFound(`đơn vị ${ref}`);
        if (!(await canSee(conn, account, found))) {
          throw forbidden(`${found.unit_name} (${found.unit_key}) nằm ngoài phạm vi phân cấp quản lý của tài khoản`);
        }
        asked.push(found);
      } else asked.push(await publicUnit(conn, ref, latest));
    }
    const suppression = suppressed ? new IndicatorSuppression(conn, { decisions, version: await dataVersion(conn) }) : undefined;
    const rows: Array<Record<string, unknown>> = [];
    const membersOf = new Map<string, Awaited<ReturnType<typeof membersIn>>>();
    for (const at of periods) membersOf.set(at.period, await membersIn(conn, account, asked, at, q.geography));
    const pairs = periods.flatMap((at) => membersOf.get(at.period)!.map((m) => ({ period: at.period, unitKey: m.unit.unit_key })));
    const all = await seriesValues(conn, { pairs, indicator: code, breakdown: q.breakdown, geography: q.geography });
    for (const at of periods) {
      const members = membersOf.get(at.period)!;
      const values = all.filter((v) => v.period === at.period);
      const statuses = suppression ? await hiddenIn(conn, suppression, at, members, code, q.breakdown) : undefined;
      for (const m of members) {
        for (const v of values.filter((x) => x.unit_key === m.unit.unit_key)) {
          const row: Record<string, unknown> = { ...v, period_name: at.name_vi, series_of: m.of };
          if (statuses) {
            const s = statuses.get(`${v.unit_key}|${v.breakdown}`);
            // a figure other than the one suppression decided for (a re-aggregation) is hidden
            const moved = !s?.base || s.base.numerator !== v.numerator || s.base.denominator !== v.denominator || s.base.value !== v.value;
            for (const [figure, status] of Object.entries(STATUS))
              row[status] = moved ? (v[figure as keyof SeriesRow] === null ? null : 'x') : (s?.status?.[figure] ?? null);
            row.suppressed = Object.values(STATUS).some((c) => row[c] !== null);
          }
          rows.push(row);
        }
      }
    }
    await send(res, q, {
      rows,
      suppressed,
      meta: {
        indicator: entry,
        geography: q.geography,
        geography_note: GEOGRAPHY_NOTE[q.geography],
        breakdown: q.breakdown,
        periods,
        units: await withPaths(conn, account, asked),
        suppression: suppressed ? "counts 1-9 shown as '<10'; 'x' hidden so that another hidden cell cannot be derived" : 'none (your own subtree)',
      },
      filename: fileName('series', code, q.breakdown, q.geography, ...asked.map((u) => u.unit_key)),
    });
  });
}

type Figures = { numerator: number | null; denominator: number | null; value: number | null };

/** Each row's figure statuses in `at` by `unit_key|breakdown` (none: shown), with the figures suppression decided on. */
async function hiddenIn(conn: DuckDBConnection, suppression: IndicatorSuppression, at: Period, members: Array<{ unit: Unit }>, code: string, bd: string) {
  const units = [...new Map(members.map((m) => [m.unit.unit_key, m.unit])).values()];
  const filter = { indicators: [code], breakdown: bd };
  const hidden = await suppression.hidden(at, units, filter);
  const base = await indicatorValues(conn, { ...filter, period: at.period, unitKeys: units.map((u) => u.unit_key) });
  const out = new Map<string, { base?: Figures; status?: Record<string, string | null> }>();
  for (const b of base) out.set(`${b.unit_key}|${b.breakdown}`, { base: { numerator: b.numerator, denominator: b.denominator, value: b.value } });
  hidden.keys.forEach((k, i) => {
    const [unitKey, , breakdownKey] = k.split('|');
    const entry = out.get(`${unitKey}|${breakdownKey}`) ?? {};
    entry.status = { numerator: hidden.numerator[i], denominator: hidden.denominator[i], value: hidden.value[i] };
    out.set(`${unitKey}|${breakdownKey}`, entry);
  });
  return out;
}

async function send(
  res: Response,
  q: SeriesQuery,
  t: { rows: Array<Record<string, unknown>>; suppressed: boolean; meta: Record<string, unknown>; filename: string },
) {
  const columns = seriesColumns(false).concat(t.suppressed ? ['suppressed'] : []);
  for (const row of t.rows) {
    if (!t.suppressed) continue;
    for (const [figure, status] of Object.entries(STATUS)) {
      if (row[status] !== null && row[status] !== undefined) row[figure] = row[status];
      delete row[status];
    }
  }
  countRows(res, t.rows.length);
  if (q.format === 'json') {
    res.json({ ...t.meta, columns, rows: t.rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))) });
    return;
  }
  res.setHeader('Content-Disposition', `attachment; filename="${t.filename}.csv"`);
  res.type('text/csv; charset=utf-8').send(toCsv(columns, t.rows));
}
