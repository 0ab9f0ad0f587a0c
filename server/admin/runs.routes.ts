/**
 * Pipeline runs (ETL -> transform -> quality), for the nation's admin accounts only.
 *
 * POST /api/admin/runs     starts a run now: 202 { runId }; 409 while one is running
 * GET  /api/admin/runs     the recent runs from meta.job_runs
 */
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import { readRows, tableExists } from '../db/read-rows.ts';
import { conflict, HttpError } from '../http-errors.ts';

/** The run routes (after authentication; the nation's admin keys only). */
export function runsRoutes(api: ApiRouter, ctx: AppContext): void {
  api.post(
    '/admin/runs',
    {
      summary: 'Starts a pipeline run (ETL, transform, quality) now',
      description: '409 while one runs; 503 when the server runs without a scheduler.',
      tags: ['admin'],
      auth: 'nation-admin',
      query: z.strictObject({}),
      status: 202,
      response: { kind: 'json', description: '{ runId, status }' },
    },
    async (_req, res) => {
      if (!ctx.triggerRun) throw new HttpError(503, 'NO_SCHEDULER', 'Máy chủ này chạy không có bộ lập lịch (NO_SCHEDULER); hãy khởi động bằng `csdl serve`');
      let run;
      try {
        run = await ctx.triggerRun(accountOf(res).account_id);
      } catch (err) {
        if ((err as { code?: string }).code === 'JOB_RUNNING') throw conflict((err as Error).message);
        throw err;
      }
      countRows(res, 1);
      res.status(202).json(run);
    },
  );

  api.get(
    '/admin/runs',
    {
      summary: 'The 50 most recent pipeline runs',
      tags: ['admin'],
      auth: 'nation-admin',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [run] } from meta.job_runs' },
    },
    async (_req, res) => {
      const conn = connOf(res);
      const rows = !(await tableExists(conn, 'meta.job_runs'))
        ? []
        : await readRows(
            conn,
            `select run_id, trigger, requested_by, cast(started_at as varchar) as started_at, cast(finished_at as varchar) as finished_at,
                status, step, attempts, error
             from meta.job_runs order by started_at desc limit 50`,
          );
      countRows(res, rows.length);
      res.json({ rows });
    },
  );
}
