/**
 * Sign-off per period and unit (duyệt số liệu).
 *
 * GET  /api/approvals?period=                 where sign-off stands: the nation and the provinces the
 *                                            key may read (status, version, deadline, late, changed)
 * GET  /api/approvals/history?period=&unit=   every action (approve, unapprove, marks, refusals)
 * GET  /api/approvals/diff?period=&unit=      approved version against the current figures
 * POST /api/approvals               { period, unit, comment? }   approve (admin of the unit)
 * POST /api/approvals/unapprove     { period, unit, comment? }   withdraw an approval
 * POST /api/approvals/not-reporting { period, unit, not_reporting, comment? }   the nation's admin marks a province
 */
import { Router, json, type Request } from 'express';
import { z } from 'zod';
import type { AppContext, ReportsService } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { requireAdmin } from '../auth/auth.middleware.ts';
import { canSee } from '../auth/scope.ts';
import { HttpError, badParam } from '../http-errors.ts';
import { onlyParams, periodParam, unitParam } from '../params.ts';
import { findUnit } from '../units/units.queries.ts';
import { asHttp } from './reports-errors.ts';

const action = z.strictObject({
  period: z.string().regex(/^\d{4}-(DN|CN)$/, 'must look like 2025-DN'),
  unit: z.string().min(1).max(60),
  comment: z.string().trim().max(2000).nullish(),
});
const mark = action.extend({ not_reporting: z.boolean() });

function body<T>(schema: z.ZodType<T>, req: Request): T {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badParam(String(issue.path[0] ?? 'body'), issue.message);
  }
  return parsed.data;
}

function service(ctx: AppContext): ReportsService {
  if (!ctx.reports) throw new HttpError(503, 'NO_REPORTS', 'this server runs without the approval and export stages; start it with `csdl serve`');
  return ctx.reports;
}

/** The approvals router (mounted under /api/approvals, after authentication). */
export function approvalsRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    onlyParams(req, ['period']);
    const conn = connOf(res);
    const account = accountOf(res);
    const period = await periodParam(conn, req);
    const all = await asHttp(() => service(ctx).overview(conn, { period: period.period }));
    const visible = [];
    for (const p of all.provinces) {
      const unit = await findUnit(conn, p.unit_key);
      if (unit && (await canSee(conn, account, unit))) visible.push(p);
    }
    countRows(res, visible.length + 1);
    res.json({ ...all, provinces: visible });
  });

  router.get('/history', async (req, res) => {
    onlyParams(req, ['period', 'unit']);
    const conn = connOf(res);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    const rows = await asHttp(() => service(ctx).history(conn, { period: period.period, unitKeys: [unit.unit_key] }));
    countRows(res, rows.length);
    res.json({ period: period.period, unit: unit.unit_key, rows });
  });

  router.get('/diff', async (req, res) => {
    onlyParams(req, ['period', 'unit']);
    const conn = connOf(res);
    const period = await periodParam(conn, req);
    const unit = await unitParam(conn, req, accountOf(res), period);
    const diff = await asHttp(() => service(ctx).diff(conn, { period: period.period, unit: unit.unit_key }));
    countRows(res, 1);
    res.json(diff);
  });

  const act = (kind: 'approve' | 'unapprove' | 'mark') =>
    async function handler(req: Request, res: import('express').Response) {
      const conn = connOf(res);
      const account = accountOf(res);
      const input = kind === 'mark' ? body(mark, req) : body(action, req);
      const actor = {
        account_id: account.account_id,
        name: account.name,
        kind: account.kind,
        unit_key: account.unit_key,
        unit_code: account.unit_code,
        unit_level: account.unit_level,
      };
      const s = service(ctx);
      const req2 = { period: input.period, unit: input.unit, actor, comment: input.comment ?? null };
      const outcome = await asHttp(() =>
        kind === 'approve'
          ? s.approve(conn, req2)
          : kind === 'unapprove'
            ? s.unapprove(conn, req2)
            : s.setNotReporting(conn, { ...req2, notReporting: (input as z.infer<typeof mark>).not_reporting }),
      );
      res.locals.auditDetail = {
        action: kind,
        period: input.period,
        unit: input.unit,
        version: (outcome as { version?: { version_id?: string } | null }).version?.version_id ?? null,
      };
      countRows(res, 1);
      res.json(outcome);
    };

  router.post('/', requireAdmin, json({ limit: '10kb' }), act('approve'));
  router.post('/unapprove', requireAdmin, json({ limit: '10kb' }), act('unapprove'));
  router.post('/not-reporting', requireAdmin, json({ limit: '10kb' }), act('mark'));
  return router;
}
