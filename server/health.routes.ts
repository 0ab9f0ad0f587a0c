/**
 * GET /api/health: whether the server can query its warehouse, and which marts exist; whether
 * the warm-up of the public answers (cache/warm-up.ts) runs, and how the last one ended. No key,
 * no audit row (it reads no data).
 */
import { z } from 'zod';
import type { ApiRouter } from './api/api-router.ts';
import type { AppContext } from './app-context.ts';
import { readRows } from './db/read-rows.ts';

const MARTS = ['core.dim_units', 'core.dim_periods', 'indicators.indicator_values', 'quality.dq_unit_scores'];

/** The health route. */
export function healthRoutes(api: ApiRouter, ctx: AppContext): void {
  api.get(
    '/health',
    {
      summary: 'Whether the server can query its warehouse, and which marts exist (not audited)',
      tags: ['service'],
      auth: 'public',
      query: z.strictObject({}),
      response: {
        kind: 'json',
        description: '{ status, ready, marts, time, warm_up }: warm_up says whether the warm-up of the public answers runs and how the last one ended',
      },
    },
    async (_req, res) => {
      const conn = await ctx.warehouse.connect();
      try {
        const rows = await readRows<{ name: string }>(
          conn,
          `select table_schema || '.' || table_name as name from information_schema.tables
         where list_contains($1::varchar[], table_schema || '.' || table_name)`,
          [MARTS],
        );
        const present = new Set(rows.map((r) => r.name));
        const marts = Object.fromEntries(MARTS.map((m) => [m, present.has(m)]));
        res.json({ status: 'ok', ready: MARTS.every((m) => present.has(m)), marts, time: new Date().toISOString(), warm_up: ctx.warmUp?.() ?? null });
      } finally {
        conn.closeSync();
      }
    },
  );
}
