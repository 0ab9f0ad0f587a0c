/**
 * Pipeline runs (ETL -> transform -> quality), for the nation's admin accounts only.
 *
 * POST /api/admin/runs     starts a run now: 202 { runId }; 409 while one is running
 * GET  /api/admin/runs     the recent runs from meta.job_runs
 */
import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { requireNationAdmin } from '../auth/auth.middleware.ts';
import { readRows, tableExists } from '../db/read-rows.ts';
import { conflict, HttpError } from '../http-errors.ts';

/** The runs router (mounted under /api/admin, after authentication). */
export function runsRouter(ctx: AppContext): Router {
  const router = Router();

  router.post('/runs', requireNationAdmin, async (_req, res) => {
    if (!ctx.triggerRun) throw new HttpError(503, 'NO_SCHEDULER', 'this server runs without a scheduler; start it with `csdl serve`');
    let run;
    try {
      run = await ctx.triggerRun(accountOf(res).account_id);
    } catch (err) {
      if ((err as { code?: string }).code === 'JOB_RUNNING') throw conflict((err as Error).message);
      throw err;
    }
    countRows(res, 1);
    res.status(202).json(run);
  });

  router.get('/runs', requireNationAdmin, async (_req, res) => {
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
  });

  return router;
}
