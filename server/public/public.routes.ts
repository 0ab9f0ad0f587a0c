/**
 * Public endpoints, without a key, for the national map. Figures leave the hierarchy here, so
 * they pass small-cell suppression (suppression.ts): provinces are the parts, the nation the total.
 *
 * GET /api/public/periods
 * GET /api/public/indicators?period=&indicator=LRN,LPC,PTR,QT&format=
 *     province values on today's 34 provinces (older periods re-aggregated), plus the nation
 */
import { Router } from 'express';
import { connOf } from '../app-context.ts';
import { tableExists } from '../db/read-rows.ts';
import { notReady } from '../http-errors.ts';
import { indicatorParam } from '../indicators/indicators.routes.ts';
import { indicatorCatalog, provinceValues } from '../indicators/indicators.queries.ts';
import { formatParam, onlyParams, periodParam } from '../params.ts';
import { fileName, sendTable } from '../output/send-table.ts';
import { suppressIndicatorRows } from '../suppression.ts';
import { listPeriods } from '../units/units.queries.ts';

/** The map's indicators: learners, learners per class, learners per teacher, % qualified teachers. */
export const MAP_INDICATORS = ['LRN', 'LPC', 'PTR', 'QT'];

const COLUMNS = ['unit_key', 'unit_code', 'unit_level', 'unit_name', 'indicator', 'breakdown', 'numerator', 'denominator', 'value', 'suppressed'];

/** The public router (mounted under /api/public, no authentication, audited). */
export function publicRouter(): Router {
  const router = Router();

  router.get('/periods', async (req, res) => {
    onlyParams(req, ['format']);
    const format = formatParam(req);
    const conn = connOf(res);
    if (!(await tableExists(conn, 'core.dim_periods'))) throw notReady('core.dim_periods does not exist yet');
    const columns = ['period', 'nam_hoc', 'ky', 'census_day', 'label', 'name_vi', 'name_en', 'previous_period'];
    await sendTable(res, conn, format, { columns, rows: await listPeriods(conn), filename: 'periods' });
  });

  router.get('/indicators', async (req, res) => {
    onlyParams(req, ['period', 'indicator', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    if (!(await tableExists(conn, 'indicators.indicator_values'))) throw notReady('indicators.indicator_values does not exist yet');
    const catalog = await indicatorCatalog(conn);
    const asked = indicatorParam(req, catalog);
    const indicators = asked.length ? asked : MAP_INDICATORS;
    const period = await periodParam(conn, req);
    const rows = await provinceValues(conn, period.period, indicators);
    const counts = new Set(catalog.filter((c) => c.value_kind === 'count').map((c) => c.code));
    const out = suppressIndicatorRows(
      rows.filter((r) => r.unit_level === 'province'),
      rows.filter((r) => r.unit_level === 'nation'),
      counts,
    );
    await sendTable(res, conn, format, {
      columns: COLUMNS,
      rows: [...out.parents, ...out.children],
      filename: fileName('public-indicators', period.period),
      meta: {
        period,
        indicators: catalog.filter((c) => indicators.includes(c.code)),
        suppression: "counts 1-9 shown as '<10'; 'x' hidden so that another hidden cell cannot be derived",
      },
    });
  });

  return router;
}
