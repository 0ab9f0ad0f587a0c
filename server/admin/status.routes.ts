/**
 * The pipeline's load status, for the nation's admin accounts: what `csdl status` prints, read
 * through the server while `csdl serve` holds the warehouse file (the command cannot open it
 * then). A run whose process stopped before it finished is reported interrupted.
 *
 * GET /api/admin/status?runs=10   { runs: the last ETL runs, tables: each raw table's last load }
 */
import { Router } from 'express';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { hasRunRecords, lastRuns, tableFreshness } from '../../lib/meta-store/index.ts';
import { badParam, forbidden } from '../http-errors.ts';

/** The status router (mounted under /api/admin, after authentication). */
export function statusRouter(): Router {
  const router = Router();
  router.get('/status', async (req, res) => {
    const a = accountOf(res);
    if (a.kind !== 'admin' || a.unit_level !== 'nation')
      throw forbidden("chỉ tài khoản quản trị cấp Bộ / only the nation's admin accounts may read the pipeline's status");
    const asked = req.query.runs ?? '10';
    const runs = typeof asked === 'string' && /^\d{1,3}$/.test(asked) ? Number(asked) : NaN;
    if (!(runs >= 1 && runs <= 100)) throw badParam('runs', 'must be a whole number from 1 to 100');
    const conn = connOf(res);
    const body = (await hasRunRecords(conn)) ? { runs: await lastRuns(conn, runs), tables: await tableFreshness(conn) } : { runs: [], tables: [] };
    countRows(res, body.runs.length + body.tables.length);
    res.json(body);
  });
  return router;
}
