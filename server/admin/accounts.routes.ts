/**
 * Account management by admin accounts (seeds 000, 001): an admin manages the accounts of its
 * unit and below. It may create and revoke exploitation accounts of its own unit or any unit
 * below, and admin accounts of units strictly below only (a unit's own admins are issued, and
 * revoked, from above); the nation's admins manage every account.
 *
 * GET    /api/admin/accounts            accounts in the admin's subtree (never a key or hash)
 * POST   /api/admin/accounts            { unit, kind, name } -> 201 { account, key } (key shown once)
 * DELETE /api/admin/accounts/:id        revokes an account the admin may manage
 *
 * Both changes record what they touched in the audit row's detail (unit and kind), refused or not.
 */
import { json } from 'express';
import { z } from 'zod';
import { accountOf, connOf, countRows } from '../app-context.ts';
import type { ApiRouter } from '../api/api-router.ts';
import { canSee } from '../auth/scope.ts';
import { createAccount, findAccount, listAccounts, revokeAccount, type Account, type AccountKind } from '../accounts/accounts.store.ts';
import { tableExists } from '../db/read-rows.ts';
import { forbidden, notFound } from '../http-errors.ts';
import { findUnit, type Unit } from '../units/units.queries.ts';
import type { DuckDBConnection } from '@duckdb/node-api';

const body = z.strictObject({
  unit: z.string().min(1).max(60).meta({ description: 'The unit the account reads (key or code)', example: 'C:20194@2025' }),
  kind: z.enum(['admin', 'exploit']).meta({ description: 'admin (manages accounts below) or exploit (reads)' }),
  name: z.string().trim().min(1).max(200).meta({ description: 'Who or what uses the key' }),
});

/** The nation, which exists before any load so that the first accounts can be issued. */
const NATION_REFS = new Set(['N:VN', 'VN']);

async function findUnitIfLoaded(conn: DuckDBConnection, ref: string): Promise<Unit | undefined> {
  return (await tableExists(conn, 'core.dim_units')) ? findUnit(conn, ref) : undefined;
}

async function manages(conn: DuckDBConnection, admin: Account, target: Pick<Account, 'unit_key'>): Promise<boolean> {
  if (admin.unit_level === 'nation') return true;
  const unit = await findUnitIfLoaded(conn, target.unit_key);
  return unit !== undefined && canSee(conn, admin, unit);
}

/**
 * Why `admin` may not create or revoke an account of `kind` for `unit`, or null when it may: the
 * unit must lie in the admin's subtree, and an admin account must belong to a unit strictly below
 * the admin's own (the same school or province in another year counts as the admin's own unit).
 */
async function refusal(conn: DuckDBConnection, admin: Account, unit: Unit | undefined, unitKey: string, kind: AccountKind): Promise<string | null> {
  if (admin.unit_level === 'nation') return null;
  if (!unit || !(await canSee(conn, admin, unit))) return `${unitKey} nằm ngoài phạm vi phân cấp quản lý của ${admin.unit_key}`;
  const own = unit.unit_key === admin.unit_key || (unit.unit_level === admin.unit_level && unit.unit_code === admin.unit_code);
  if (kind === 'admin' && own) {
    return `tài khoản quản trị của ${unitKey} do cấp trên cấp và thu hồi; quản trị viên chỉ quản lý tài khoản quản trị của các đơn vị trực thuộc`;
  }
  return null;
}

/** The account routes (after authentication; admin keys only). */
export function accountsRoutes(api: ApiRouter): void {
  api.get(
    '/admin/accounts',
    {
      summary: "Accounts in the admin's subtree (never a key or its hash)",
      tags: ['admin'],
      auth: 'admin',
      query: z.strictObject({}),
      response: { kind: 'json', description: '{ rows: [account] }' },
    },
    async (_req, res) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      const all = await listAccounts(conn);
      const rows: Account[] = [];
      for (const a of all) if (await manages(conn, admin, a)) rows.push(a);
      countRows(res, rows.length);
      res.json({ rows });
    },
  );

  api.post(
    '/admin/accounts',
    {
      summary: 'Creates an account; its key is shown once',
      tags: ['admin'],
      auth: 'admin',
      query: z.strictObject({}),
      body,
      status: 201,
      response: { kind: 'json', description: '{ account, key }' },
    },
    async (_req, res, { body: input }) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      res.locals.auditDetail = { action: 'create', unit: input.unit, kind: input.kind };
      const unit = await findUnitIfLoaded(conn, input.unit);
      if (!unit && !(NATION_REFS.has(input.unit) && admin.unit_level === 'nation')) {
        throw notFound(`đơn vị ${input.unit} (không có trong danh mục đơn vị core.dim_units; dùng khóa đơn vị như P:01@2025 hoặc mã đơn vị)`);
      }
      const reason = await refusal(conn, admin, unit, unit?.unit_key ?? input.unit, input.kind);
      if (reason) throw forbidden(reason);
      const created = await createAccount(conn, { ...input, unit: unit?.unit_key ?? input.unit, createdBy: admin.account_id });
      const a = created.account;
      res.locals.auditDetail = { action: 'create', account_id: a.account_id, unit_key: a.unit_key, unit_level: a.unit_level, kind: a.kind };
      countRows(res, 1);
      res.status(201).json(created);
    },
    json({ limit: '10kb' }),
  );

  api.delete(
    '/admin/accounts/:id',
    {
      summary: 'Revokes an account the admin may manage (the same rule as creating it)',
      tags: ['admin'],
      auth: 'admin',
      query: z.strictObject({}),
      params: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'phải là mã tài khoản, ví dụ acc_0123456789ab') }),
      response: { kind: 'json', description: '{ account } as revoked' },
    },
    async (_req, res, { params }) => {
      const conn = connOf(res);
      const admin = accountOf(res);
      const target = await findAccount(conn, params.id);
      if (!target) throw notFound(`tài khoản ${params.id}`);
      res.locals.auditDetail = { action: 'revoke', account_id: target.account_id, unit_key: target.unit_key, kind: target.kind };
      const reason = await refusal(conn, admin, await findUnitIfLoaded(conn, target.unit_key), target.unit_key, target.kind);
      if (reason) throw forbidden(`tài khoản ${target.account_id} (${target.kind}, ${target.unit_key}): ${reason}`);
      await revokeAccount(conn, target.account_id);
      countRows(res, 1);
      res.json({ account: await findAccount(conn, target.account_id) });
    },
  );
}
