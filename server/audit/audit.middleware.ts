/**
 * Records every /api request in the audit log once its response has finished (or the client
 * went away): the account and its unit, the request, the status and the rows returned.
 */
import type { RequestHandler } from 'express';
import type { AuditLog } from './audit-log.ts';
import { auditQuery } from './audit-log.ts';
import type { Account } from '../accounts/accounts.store.ts';

/** Express middleware writing one audit row per request. */
export function auditMiddleware(audit: AuditLog): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const at = new Date();
    let done = false;
    const write = () => {
      if (done) return;
      done = true;
      const account = res.locals.account as Account | undefined;
      audit.record({
        at,
        accountId: account?.account_id ?? null,
        accountKind: account?.kind ?? null,
        unitKey: account?.unit_key ?? null,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        query: auditQuery(req.originalUrl),
        format: (res.locals.format as string | undefined) ?? null,
        status: res.statusCode,
        rows: typeof res.locals.rows === 'number' ? res.locals.rows : null,
        ms: Math.round((performance.now() - started) * 10) / 10,
        errorCode: (res.locals.errorCode as string | undefined) ?? null,
      });
    };
    res.on('finish', write);
    res.on('close', write);
    next();
  };
}
