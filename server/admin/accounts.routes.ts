/**
 * Account management by admin accounts (seeds 000, 001): an admin manages the accounts of its
 * unit and below. It may create exploitation accounts for its own unit or any unit below, and
 * admin accounts for units strictly below (a unit's own admin is issued from above).
 *
 * GET    /api/admin/accounts            accounts in the admin's subtree (never a key or hash)
 * POST   /api/admin/accounts            { unit, kind, name } -> 201 { account, key } (key shown once)
 * DELETE /api/admin/accounts/:id        revokes an account in the subtree
 */
import { Router, json } from 'express';
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import { canSee } from '../auth/scope.ts';
import { requireAdmin } from '../auth/auth.middleware.ts';
import { createAccount, findAccount, listAccounts, revokeAccount, type Account } from '../accounts/accounts.store.ts';
import { tableExists } from '../db/read-rows.ts';
import { badParam, forbidden, notFound } from '../http-errors.ts';
import { findUnit, type Unit } from '../units/units.queries.ts';
import type { DuckDBConnection } from '@duckdb/node-api';

const body = z.strictObject({
  unit: z.string().min(1).max(60),
  kind: z.enum(['admin', 'exploit']),
  name: z.string().trim().min(1).max(200),
});

async function unitOfAccount(conn: DuckDBConnection, a: Pick<Account, 'unit_key'>): Promise<Unit | undefined> {
  return (await tableExists(conn, 'core.dim_units')) ? findUnit(conn, a.unit_key) : undefined;
}

async function manages(conn: DuckDBConnection, admin: Account, target: Pick<Account, 'unit_key'>): Promise<boolean> {
  if (admin.unit_level === 'nation') return true;
  const unit = await unitOfAccount(conn, target);
  return unit !== undefined && canSee(conn, admin, unit);
}

/** The admin router (mounted under /api/admin, after authentication). */
export function accountsRouter(): Router {
  const router = Router();
  router.use(requireAdmin);

  router.get('/accounts', async (_req, res) => {
    const conn = connOf(res);
    const admin = accountOf(res);
    const all = await listAccounts(conn);
    const rows: Account[] = [];
    for (const a of all) if (await manages(conn, admin, a)) rows.push(a);
    countRows(res, rows.length);
    res.json({ rows });
  });

  router.post('/accounts', json({ limit: '10kb' }), async (req, res) => {
    const parsed = body.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badParam(String(issue.path[0] ?? 'body'), issue.message);
    }
    const conn = connOf(res);
    const admin = accountOf(res);
    const input = parsed.data;
    const unit = (await tableExists(conn, 'core.dim_units')) ? await findUnit(conn, input.unit) : undefined;
    if (!unit && admin.unit_level !== 'nation') throw notFound(`unit ${input.unit}`);
    if (unit && !(await canSee(conn, admin, unit))) throw forbidden(`${unit.unit_key} is outside the subtree of ${admin.unit_key}`);
    if (input.kind === 'admin' && (unit?.unit_key ?? input.unit) === admin.unit_key && admin.unit_level !== 'nation') {
      throw forbidden("an admin issues admin accounts for the units below it; its own unit's admin accounts come from above");
    }
    const created = await createAccount(conn, { ...input, unit: unit?.unit_key ?? input.unit, createdBy: admin.account_id });
    countRows(res, 1);
    res.status(201).json(created);
  });

  router.delete('/accounts/:id', async (req, res) => {
    const conn = connOf(res);
    const target = await findAccount(conn, req.params.id as string);
    if (!target) throw notFound(`account ${req.params.id}`);
    if (!(await manages(conn, accountOf(res), target))) throw forbidden(`account ${target.account_id} belongs to ${target.unit_key}, outside your subtree`);
    await revokeAccount(conn, target.account_id);
    countRows(res, 1);
    res.json({ account: await findAccount(conn, target.account_id) });
  });

  return router;
}
