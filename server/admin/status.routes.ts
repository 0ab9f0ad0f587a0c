/**
 * The pipeline's load status, for the nation's admin accounts: what `csdl status` prints, read
 * through the server while `csdl serve` holds the warehouse file (the command cannot open it
 * then). A run whose process stopped before it finished is reported interrupted.
 *
 * GET /api/admin/status?runs=10   { runs: the last ETL runs, tables: each raw table's last load }
 */
import { z } from 'zod';
import { connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import { hasRunRecords, lastRuns, tableFreshness } from '../../lib/meta-store/index.ts';

/** The status route (after authentication; the nation's admin keys only). */
export function statusRoutes(api: ApiRouter): void {
  api.get(
    '/admin/status',
    {
      summary: "The last ETL runs and each raw table's last load (what csdl status prints)",
      tags: ['admin'],
      auth: 'nation-admin',
      query: z.strictObject({
        runs: z.coerce
          .number({ error: () => 'phải là số nguyên từ 1 đến 100' })
          .int('phải là số nguyên từ 1 đến 100')
          .min(1, 'phải là số nguyên từ 1 đến 100')
          .max(100, 'phải là số nguyên từ 1 đến 100')
          .default(10)
          .meta({ description: 'how many recent runs (1-100)' }),
      }),
      response: { kind: 'json', description: '{ runs, tables }' },
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const body = (await hasRunRecords(conn)) ? { runs: await lastRuns(conn, query.runs), tables: await tableFreshness(conn) } : { runs: [], tables: [] };
      countRows(res, body.runs.length + body.tables.length);
      res.json(body);
    },
  );
}
