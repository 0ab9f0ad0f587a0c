/**
 * Query parameters, validated before any query runs: a bad value answers 400 naming the
 * parameter; an unknown period or unit answers 404; a unit outside the caller's subtree 403.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Request } from 'express';
import { assertCanSee, type ScopedAccount } from './auth/scope.ts';
import { tableExists } from './db/read-rows.ts';
import { badParam, notFound, notReady } from './http-errors.ts';
import { findPeriod, findUnit, type Period, type Unit } from './units/units.queries.ts';

/** Output formats of tabular endpoints. */
export const FORMATS = ['json', 'csv', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

/** One optional string parameter; repeated or empty values are refused. */
export function stringParam(req: Request, name: string, pattern?: RegExp, hint?: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badParam(name, 'give it once, as a single value');
  if (v.trim() === '') throw badParam(name, 'must not be empty');
  if (pattern && !pattern.test(v)) throw badParam(name, hint ?? `"${v}" has the wrong form`);
  return v;
}

/** Refuses parameters the endpoint does not know, so a typo is not silently ignored. */
export function onlyParams(req: Request, allowed: readonly string[]): void {
  for (const name of Object.keys(req.query)) {
    if (!allowed.includes(name)) throw badParam(name, `unknown parameter; this endpoint takes ${allowed.join(', ')}`);
  }
}

/** `?format=json|csv|parquet` (json by default). */
export function formatParam(req: Request): Format {
  const f = stringParam(req, 'format');
  if (f === undefined) return 'json';
  if (!(FORMATS as readonly string[]).includes(f)) throw badParam('format', `"${f}" is not one of ${FORMATS.join(', ')}`);
  return f as Format;
}

/** `?period=2025-DN` (the latest period when absent); 404 when the warehouse has no such period. */
export async function periodParam(conn: DuckDBConnection, req: Request): Promise<Period> {
  const name = stringParam(req, 'period', /^\d{4}-(DN|CN)$/, 'must look like 2025-DN or 2024-CN (school year, then DN start or CN end)');
  if (!(await tableExists(conn, 'core.dim_periods'))) throw notReady('core.dim_periods does not exist yet');
  const period = await findPeriod(conn, name);
  if (!period) throw notFound(name ? `period ${name} (GET /api/periods lists them)` : 'any period: the warehouse is empty');
  return period;
}

const UNIT_REF = /^(?:[NPDCS]:[\p{L}\p{N}_.-]{1,40}(?:@\d{4})?|[\p{L}\p{N}_.-]{1,40})$/u;

/**
 * `?unit=<unit_key or unit_code>` (the caller's own unit when absent), as it stood in `period`;
 * 404 when unknown, 403 when outside the caller's subtree.
 */
export async function unitParam(conn: DuckDBConnection, req: Request, account: ScopedAccount, period?: Period, name = 'unit'): Promise<Unit> {
  const raw = name === 'unit' ? stringParam(req, name, UNIT_REF, 'must be a unit key (P:01@2025, S:<code>@2025) or a unit code') : (req.params[name] as string);
  if (raw !== undefined && !UNIT_REF.test(raw)) throw badParam(name, 'must be a unit key (P:01@2025, S:<code>@2025) or a unit code');
  const ref = raw ?? account.unit_key;
  const unit = await findUnit(conn, ref, period);
  if (!unit) throw notFound(`unit ${ref}`);
  await assertCanSee(conn, account, unit);
  return unit;
}
