/**
 * GET /api/me                  the caller's account (never its key hash) and unit
 * GET /api/periods             every period with its Vietnamese name and census day
 * GET /api/units/:unitKey      a unit (key or code) with its children, in ?period= (latest default)
 */
import { Router } from 'express';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { tableExists } from '../db/read-rows.ts';
import { notReady } from '../http-errors.ts';
import { formatParam, onlyParams, periodParam, unitParam } from '../params.ts';
import { sendTable } from '../output/send-table.ts';
import { childUnits, findUnit, listPeriods } from './units.queries.ts';

/** Routes about the caller, the periods and the unit tree (after authentication). */
export function unitsRouter(): Router {
  const router = Router();

  router.get('/me', async (req, res) => {
    onlyParams(req, []);
    const account = accountOf(res);
    const conn = connOf(res);
    const unit = (await tableExists(conn, 'core.dim_units')) ? await findUnit(conn, account.unit_key) : undefined;
    countRows(res, 1);
    res.json({
      account,
      unit: unit ?? { unit_key: account.unit_key, unit_code: account.unit_code, unit_level: account.unit_level, unit_name: account.unit_name },
    });
  });

  router.get('/periods', async (req, res) => {
    onlyParams(req, ['format']);
    const format = formatParam(req);
    const conn = connOf(res);
    if (!(await tableExists(conn, 'core.dim_periods'))) throw notReady('core.dim_periods does not exist yet');
    const rows = await listPeriods(conn);
    const columns = ['period', 'nam_hoc', 'ky', 'census_day', 'label', 'name_vi', 'name_en', 'previous_period'];
    await sendTable(res, conn, format, { columns, rows, filename: 'periods' });
  });

  router.get('/units/:unitKey', async (req, res) => {
    onlyParams(req, ['period', 'format']);
    const format = formatParam(req);
    const conn = connOf(res);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period, 'unitKey');
    const children = await childUnits(conn, unit, period);
    const columns = ['unit_key', 'unit_code', 'unit_level', 'unit_name', 'parent_key', 'province_code', 'current_province_code', 'valid_from', 'valid_to'];
    await sendTable(res, conn, format, { columns, rows: children, filename: `units-${unit.unit_code}-${period.period}`, meta: { period, unit } });
  });

  return router;
}
