/**
 * GET /api/units/search?q=&period=&limit=&format=
 *     units in the caller's scope by name (with or without diacritics) or code, valid in the
 *     period (the latest by default). Registered before /units/:unitKey, which would take
 *     "search" for a unit key.
 */
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { table, type ApiRouter } from '../api/api-router.ts';
import { canSee } from '../auth/scope.ts';
import { tableExists } from '../db/read-rows.ts';
import { notReady } from '../http-errors.ts';
import { toCsv } from '../output/csv.ts';
import { period, resolvePeriod } from '../params.ts';
import { findUnit } from './units.queries.ts';
import { SEARCH_COLUMNS, searchUnits } from './search.queries.ts';

const q = z
  .string({ error: (iss) => (Array.isArray(iss.input) ? 'give it once, as a single value' : 'must be a text') })
  .refine((v) => v.trim().length >= 1, 'must not be empty')
  .refine((v) => v.length <= 100, 'at most 100 characters')
  .meta({ description: 'Part of a unit name (with or without diacritics: "da nang" finds "Đà Nẵng") or the start of a unit code', example: 'da nang' });

const limit = z.coerce
  .number({ error: 'must be a whole number from 1 to 100' })
  .int('must be a whole number from 1 to 100')
  .min(1, 'must be a whole number from 1 to 100')
  .max(100, 'must be a whole number from 1 to 100')
  .default(20)
  .meta({ description: 'How many units at most (1-100, 20 by default)' });

const searchFormat = z
  .enum(['json', 'csv'], { error: (iss) => `"${String(iss.input)}" is not one of json, csv` })
  .default('json')
  .meta({ description: 'json (default) or csv' });

/** The unit search route (after authentication). */
export function unitSearchRoutes(api: ApiRouter): void {
  api.get(
    '/units/search',
    {
      summary: "Units in the caller's scope by name or code",
      description: 'Names match with or without Vietnamese diacritics (đ as d); codes by their start. Exact codes first, then from the nation down.',
      tags: ['units'],
      auth: 'key',
      query: z.strictObject({ q, period: period.optional(), limit, format: searchFormat }),
      response: table(SEARCH_COLUMNS),
      cache: true,
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      if (!(await tableExists(conn, 'core.dim_units'))) throw notReady('chưa có bảng core.dim_units');
      const at = await resolvePeriod(conn, query.period);
      const account = accountOf(res);
      const found = await searchUnits(conn, account, query.q, at.census_day, query.limit);
      // the scope rule itself has the last word on each unit found
      const rows = [];
      for (const f of found) {
        const u = await findUnit(conn, f.unit_key);
        if (u && (await canSee(conn, account, u))) rows.push(f);
      }
      countRows(res, rows.length);
      res.locals.format = query.format;
      if (query.format === 'csv') {
        res.setHeader('Content-Disposition', 'attachment; filename="units-search.csv"');
        res.type('text/csv; charset=utf-8').send(toCsv(SEARCH_COLUMNS, rows));
        return;
      }
      res.json({ period: at, q: query.q, columns: SEARCH_COLUMNS, rows });
    },
  );
}
