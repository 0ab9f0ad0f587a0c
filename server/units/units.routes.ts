/**
 * GET /api/me                  the caller's account (never its key hash) and unit
 * GET /api/periods             every period with its Vietnamese name and census day
 * GET /api/units/:unitKey      a unit (key or code) with its children, in ?period= (latest default)
 */
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { tableExists } from '../db/read-rows.ts';
import { notReady } from '../http-errors.ts';
import { format, period, resolvePeriod, resolveUnit, unit } from '../params.ts';
import { sendTable } from '../output/send-table.ts';
import { childUnits, findUnit, PERIOD_COLUMNS, PERIODS_SQL, UNIT_TABLE_COLUMNS, UNITS_SQL } from './units.queries.ts';

/** Routes about the caller, the periods and the unit tree (after authentication). */
export function unitsRoutes(api: ApiRouter): void {
  api.get(
    '/me',
    {
      summary: 'The calling account and its unit',
      tags: ['units'],
      auth: 'key',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ account, unit }' },
    },
    async (_req, res) => {
      const account = accountOf(res);
      const conn = connOf(res);
      const own = (await tableExists(conn, 'core.dim_units')) ? await findUnit(conn, account.unit_key) : undefined;
      countRows(res, 1);
      res.json({
        account,
        unit: own ?? { unit_key: account.unit_key, unit_code: account.unit_code, unit_level: account.unit_level, unit_name: account.unit_name },
      });
    },
  );

  api.get(
    '/periods',
    {
      summary: 'Reporting periods, oldest first',
      tags: ['units'],
      auth: 'key',
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
    '/units/:unitKey',
    {
      summary: 'A unit and the units directly below it in a period',
      tags: ['units'],
      auth: 'key',
      params: z.strictObject({ unitKey: unit }),
      query: z.strictObject({ period: period.optional(), format }),
      response: table(UNIT_TABLE_COLUMNS),
      cache: true,
    },
    async (_req, res, { params, query }) => {
      const conn = connOf(res);
      const at = await resolvePeriod(conn, query.period);
      const own = await resolveUnit(conn, params.unitKey, accountOf(res), at);
      const children = await childUnits(conn, own, at);
      await sendTable(res, conn, query.format, {
        sql: UNITS_SQL,
        params: [children.map((c) => c.unit_key)],
        columns: UNIT_TABLE_COLUMNS,
        filename: `units-${own.unit_code}-${at.period}`,
        meta: { period: at, unit: own },
      });
    },
  );
}
