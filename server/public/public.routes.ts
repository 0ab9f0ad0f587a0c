/**
 * Public endpoints, without a key, for the national map. Figures leave the hierarchy here, so
 * they pass the same small-cell suppression as every export (suppression/): the nation and
 * today's 34 provinces are one family table, decided once for every response that shows them.
 *
 * GET /api/public/periods
 * GET /api/public/indicators?period=&indicator=LRN,LPC,PTR,QT&format=
 *     the nation and today's 34 provinces (older periods re-aggregated), totals only
 * GET /api/public/dimensions         the breakdown dimensions (data/indicators/publication.json)
 * GET /api/public/map-indicators     the map's indicators with their labels and number formats
 */
import { z } from 'zod';
import { connOf, countRows } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { inSnapshot } from '../db/connection.middleware.ts';
import { tableExists } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';
import { notReady } from '../http-errors.ts';
import { catalogOrFail } from '../indicators/indicators.routes.ts';
import { VALUE_FIGURES, valueColumns, valuesTable } from '../indicators/indicators.queries.ts';
import { MAP_INDICATORS, PUBLICATION } from '../indicators/publication.ts';
import { format, indicator, knownIndicators, period, resolvePeriod } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { dataVersion } from '../suppression/data-version.ts';
import type { DecisionCache } from '../suppression/family-cascade.ts';
import { IndicatorSuppression } from '../suppression/indicator-suppression.ts';
import { familyChildren, NATION_KEY } from '../suppression/unit-families.ts';
import { findUnit, PERIOD_COLUMNS, PERIODS_SQL } from '../units/units.queries.ts';

/** The public routes (no authentication, audited). */
export function publicRoutes(api: ApiRouter, decisions: DecisionCache): void {
  api.get(
    '/public/periods',
    {
      summary: 'Reporting periods (public)',
      tags: ['public'],
      auth: 'public',
      query: z.strictObject({ format }),
      response: table(PERIOD_COLUMNS),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      if (!(await tableExists(conn, 'core.dim_periods'))) throw notReady('chưa có bảng core.dim_periods');
      await sendTable(res, conn, query.format, { sql: PERIODS_SQL, columns: PERIOD_COLUMNS, filename: 'periods' });
    },
  );

  api.get(
    '/public/indicators',
    {
      summary: "The nation's and today's 34 provinces' totals, small cells suppressed",
      tags: ['public'],
      auth: 'public',
      query: z.strictObject({ period: period.optional(), indicator: indicator.optional(), format }),
      response: table(valueColumns({ role: false, suppressed: true })),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      if (!(await tableExists(conn, 'indicators.indicator_values'))) throw notReady('chưa có bảng indicators.indicator_values');
      await inSnapshot(res.locals, true, async () => {
        const catalog = await catalogOrFail(conn);
        const asked = knownIndicators(query.indicator, catalog);
        const indicators = asked.length ? asked : [...MAP_INDICATORS];
        const at = await resolvePeriod(conn, query.period);
        const nation = await findUnit(conn, NATION_KEY);
        if (!nation) throw notReady('core.dim_units chưa có đơn vị toàn quốc');
        const units = [nation, ...(await familyChildren(conn, nation, at))];
        const filter = { indicators, breakdown: 'total', serving: servingOf(conn)?.values };
        const hidden = await new IndicatorSuppression(conn, { decisions, version: await dataVersion(conn) }).hidden(at, units, filter);
        await sendTable(res, conn, query.format, {
          ...valuesTable({ ...filter, unitKeys: units.map((u) => u.unit_key), period: at.period }, { hidden }),
          columns: valueColumns({ role: false, suppressed: true }),
          shown: VALUE_FIGURES,
          filename: fileName('public-indicators', at.period),
          meta: {
            period: at,
            indicators: catalog.filter((c) => indicators.includes(c.code)),
            suppression: "counts 1-9 shown as '<10'; 'x' hidden so that another hidden cell cannot be derived",
          },
        });
      });
    },
  );

  api.get(
    '/public/dimensions',
    {
      summary: 'The breakdown dimensions of indicator values',
      tags: ['public'],
      auth: 'public',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [{ code, name_vi, name_en }] }' },
    },
    (_req, res) => {
      countRows(res, PUBLICATION.dimensions.length);
      res.json({ rows: PUBLICATION.dimensions });
    },
  );

  api.get(
    '/public/map-indicators',
    {
      summary: "The national map's indicators, with their labels and number formats",
      tags: ['public'],
      auth: 'public',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [{ code, label, format }] } in the order the map offers them' },
    },
    (_req, res) => {
      countRows(res, PUBLICATION.map.indicators.length);
      res.json({ rows: PUBLICATION.map.indicators });
    },
  );
}
