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
import { json, type Response } from 'express';
import { z } from 'zod';
import type { AppContext, ReportsService } from '../app-context.ts';
import { accountOf, connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import { canSee } from '../auth/scope.ts';
import { HttpError } from '../http-errors.ts';
import { period, resolvePeriod, resolveUnit, unit } from '../params.ts';
import { findUnit } from '../units/units.queries.ts';
import { asHttp } from './reports-errors.ts';

const action = z.strictObject({
  period: z.string().regex(/^\d{4}-(DN|CN)$/, 'phải có dạng 2025-DN hoặc 2024-CN'),
  unit: z.string().min(1).max(60),
  comment: z.string().trim().max(2000).nullish(),
});
const mark = action.extend({ not_reporting: z.boolean() });

function service(ctx: AppContext): ReportsService {
  if (!ctx.reports)
    throw new HttpError(503, 'NO_REPORTS', 'Máy chủ này chạy không có bước duyệt và xuất số liệu (NO_REPORTS); hãy khởi động bằng `csdl serve`');
  return ctx.reports;
}

const bodyLimit = json({ limit: '10kb' });

/** The approval routes (after authentication). */
export function approvalsRoutes(api: ApiRouter, ctx: AppContext): void {
  api.get(
    '/approvals',
    {
      summary: 'Where sign-off stands: the nation and the provinces the key may read',
      tags: ['approvals'],
      auth: 'key',
      query: z.strictObject({ period: period.optional() }),
      response: { kind: 'json', description: '{ period, nation, provinces: [status, version, deadline, late, changed] }' },
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const account = accountOf(res);
      const at = await resolvePeriod(conn, query.period);
      const all = await asHttp(() => service(ctx).overview(conn, { period: at.period }));
      const visible = [];
      for (const p of all.provinces) {
        // the nation reads every province: no unit to look up
        if (account.unit_level === 'nation') visible.push(p);
        else {
          const u = await findUnit(conn, p.unit_key);
          if (u && (await canSee(conn, account, u))) visible.push(p);
        }
      }
      countRows(res, visible.length + 1);
      res.json({ ...all, provinces: visible });
    },
  );

  api.get(
    '/approvals/history',
    {
      summary: "A unit's sign-off actions (approvals, withdrawals, marks, refusals)",
      tags: ['approvals'],
      auth: 'key',
      query: z.strictObject({ period: period.optional(), unit: unit.optional() }),
      response: { kind: 'json', description: '{ period, unit, rows: [action] }' },
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const at = await resolvePeriod(conn, query.period);
      const u = await resolveUnit(conn, query.unit, accountOf(res), at);
      const rows = await asHttp(() => service(ctx).history(conn, { period: at.period, unitKeys: [u.unit_key] }));
      countRows(res, rows.length);
      res.json({ period: at.period, unit: u.unit_key, rows });
    },
  );

  api.get(
    '/approvals/diff',
    {
      summary: 'The approved version against the current figures: indicators and form cells that changed, by how much',
      tags: ['approvals'],
      auth: 'key',
      query: z.strictObject({ period: period.optional(), unit: unit.optional() }),
      response: { kind: 'json', description: 'the version diff' },
    },
    async (_req, res, { query }) => {
      const conn = connOf(res);
      const at = await resolvePeriod(conn, query.period);
      const u = await resolveUnit(conn, query.unit, accountOf(res), at);
      const diff = await asHttp(() => service(ctx).diff(conn, { period: at.period, unit: u.unit_key }));
      countRows(res, 1);
      res.json(diff);
    },
  );

  const act = async (kind: 'approve' | 'unapprove' | 'mark', res: Response, input: z.infer<typeof mark> | z.infer<typeof action>) => {
    const conn = connOf(res);
    const account = accountOf(res);
    const actor = {
      account_id: account.account_id,
      name: account.name,
      kind: account.kind,
      unit_key: account.unit_key,
      unit_code: account.unit_code,
      unit_level: account.unit_level,
    };
    const s = service(ctx);
    const req = { period: input.period, unit: input.unit, actor, comment: input.comment ?? null };
    const outcome = await asHttp(() =>
      kind === 'approve'
        ? s.approve(conn, req)
        : kind === 'unapprove'
          ? s.unapprove(conn, req)
          : s.setNotReporting(conn, { ...req, notReporting: (input as z.infer<typeof mark>).not_reporting }),
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

  const post = (path: string, kind: 'approve' | 'unapprove', summary: string) =>
    api.post(
      path,
      {
        summary,
        tags: ['approvals'],
        auth: 'admin',
        query: z.strictObject({}),
        body: action,
        response: { kind: 'json', description: '{ action, version, gate }' },
      },
      async (_req, res, { body }) => act(kind, res, body),
      bodyLimit,
    );
  post('/approvals', 'approve', "Approves a unit's figures for a period (its admin), freezing a version; refused while the quality gate fails");
  post('/approvals/unapprove', 'unapprove', 'Withdraws an approval, until the level above has approved');
  api.post(
    '/approvals/not-reporting',
    {
      summary: "Marks a province as not reporting for a period (the nation's admin), or clears the mark",
      tags: ['approvals'],
      auth: 'nation-admin',
      query: z.strictObject({}),
      body: mark,
      response: { kind: 'json', description: '{ action }' },
    },
    async (_req, res, { body }) => act('mark', res, body),
    bodyLimit,
  );
}
