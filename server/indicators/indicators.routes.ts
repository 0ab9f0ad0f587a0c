/**
 * GET /api/indicators/catalog               the catalogue: code, names, definition, formula, unit
 * GET /api/indicators?period=&unit=&indicator=&breakdown=&format=
 *     values for the unit and its children (exact in JSON, the caller's own subtree);
 *     CSV and Parquet downloads leave the system and pass small-cell suppression.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { accountOf, connOf } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { inSnapshot } from '../db/connection.middleware.ts';
import { tableExists } from '../db/read-rows.ts';
import { servingOf } from '../db/serving.ts';
import { notReady } from '../http-errors.ts';
import { breakdown, format, indicator, knownIndicators, period, resolvePeriod, resolveUnit, unit } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { dataVersion } from '../suppression/data-version.ts';
import type { DecisionCache } from '../suppression/family-cascade.ts';
import { IndicatorSuppression } from '../suppression/indicator-suppression.ts';
import { childUnits } from '../units/units.queries.ts';
import { CATALOG_COLUMNS, CATALOG_SQL, indicatorCatalog, VALUE_FIGURES, valueColumns, valuesTable, type CatalogEntry } from './indicators.queries.ts';

/** The catalogue, or 503 when the indicators have not been built yet. */
export async function catalogOrFail(conn: DuckDBConnection): Promise<CatalogEntry[]> {
  if (!(await tableExists(conn, 'indicators.indicator_catalog'))) throw notReady('chưa có danh mục chỉ số (indicators.indicator_catalog)');
  return indicatorCatalog(conn);
}

/** The indicator routes (after authentication). */
export function indicatorsRoutes(api: ApiRouter, decisions: DecisionCache): void {
  api.get(
    '/indicators/catalog',
    {
      summary: 'The indicator catalogue: code, names, definition, formula, unit, breakdowns',
      tags: ['indicators'],
      auth: 'key',
      query: z.strictObject({ format }),
      response: table(CATALOG_COLUMNS),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      await catalogOrFail(conn);
      await sendTable(res, conn, query.format, { sql: CATALOG_SQL, columns: CATALOG_COLUMNS, filename: 'indicator-catalog' });
    },
  );

  api.get(
    '/indicators',
    {
      summary: 'Indicator values of a unit and its children',
      description:
        "Exact in JSON (the caller's own subtree). CSV and Parquet leave the system: small cells are suppressed consistently with every other response (a figure is null in Parquet beside its `_status`, '<10' or 'x'; CSV shows the status in its place).",
      tags: ['indicators'],
      auth: 'key',
      query: z.strictObject({ period: period.optional(), unit: unit.optional(), indicator: indicator.optional(), breakdown, format }),
      response: table(valueColumns({ role: true, suppressed: true })),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      await inSnapshot(res.locals, query.format !== 'json', async () => {
        const indicators = knownIndicators(query.indicator, await catalogOrFail(conn));
        const at = await resolvePeriod(conn, query.period);
        const own = await resolveUnit(conn, query.unit, accountOf(res), at);
        const children = await childUnits(conn, own, at);
        const unitKeys = [own.unit_key, ...children.map((c) => c.unit_key)];
        const exact = query.format === 'json';
        const filter = { indicators, breakdown: query.breakdown, serving: servingOf(conn)?.values };
        const suppression = exact ? undefined : new IndicatorSuppression(conn, { decisions, version: await dataVersion(conn) });
        const hidden = await suppression?.hidden(at, [own, ...children], filter);
        await sendTable(res, conn, query.format, {
          ...valuesTable({ ...filter, unitKeys, period: at.period }, { role: own.unit_key, hidden }),
          columns: valueColumns({ role: true, suppressed: !exact }),
          shown: exact ? undefined : VALUE_FIGURES,
          filename: fileName('indicators', at.period, own.unit_key),
          meta: {
            period: at,
            unit: own,
            children: children.length,
            breakdown: query.breakdown,
            suppression: exact ? 'none (your own subtree)' : 'small cells',
          },
        });
      });
    },
  );
}
