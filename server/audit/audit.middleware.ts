/**
 * Records every /api request in the audit log. A response is held back until its audit row is
 * committed: the first write of the body (or its end) waits for the row, then goes out, so a
 * crash can lose an unanswered request but never an answered one unaudited. When the row cannot
 * be written, the data is not delivered (503). A request whose client leaves before any answer
 * is recorded without holding anything.
 */
import type { RequestHandler, Response } from 'express';
import type { AuditEntry, AuditLog } from './audit-log.ts';
import { auditQuery } from './audit-log.ts';
import type { Account } from '../accounts/accounts.store.ts';

type Write = Response['write'];
type End = Response['end'];

/** Express middleware writing one audit row per request, before its answer leaves. */
export function auditMiddleware(audit: AuditLog): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const at = new Date();
    let recorded = false;
    const entry = (): AuditEntry => {
      const account = (res.locals.account ?? res.locals.attemptedAccount) as Account | undefined;
      return {
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
        detail: res.locals.auditDetail === undefined ? null : JSON.stringify(res.locals.auditDetail),
      };
    };

    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    let state: 'open' | 'waiting' | 'passed' = 'open';
    let owesDrain = false;
    const held: Array<() => void> = [];
    const release = () => {
      state = 'passed';
      res.write = write as unknown as Write;
      res.end = end as unknown as End;
      for (const fn of held.splice(0)) fn();
      if (owesDrain) res.emit('drain');
    };
    const gate = () => {
      state = 'waiting';
      recorded = true;
      audit.record(entry()).then(release, () => {
        // not audited, not delivered
        held.length = 0;
        res.write = write as unknown as Write;
        res.end = end as unknown as End;
        if (!res.headersSent) {
          res.status(503).setHeader('Retry-After', '5');
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.removeHeader('Content-Disposition');
          res.removeHeader('Content-Length');
          end(
            JSON.stringify({
              error: {
                code: 'AUDIT_UNAVAILABLE',
                message: 'Không ghi được nhật ký truy cập (AUDIT_UNAVAILABLE): chưa trả dữ liệu nào; hãy thử lại sau ít phút',
              },
            }),
          );
        } else {
          res.destroy();
        }
      });
    };
    res.write = ((...args: unknown[]) => {
      if (state === 'passed') return write(...args);
      if (state === 'open') gate();
      held.push(() => write(...args));
      owesDrain = true;
      return false;
    }) as unknown as Write;
    res.end = ((...args: unknown[]) => {
      if (state === 'passed') return end(...args);
      if (state === 'open') gate();
      held.push(() => end(...args));
      return res;
    }) as unknown as End;

    res.on('close', () => {
      if (recorded) return;
      recorded = true;
      // the client left before any answer: nothing was delivered, so the row need not come first
      audit.record({ ...entry(), errorCode: (res.locals.errorCode as string | undefined) ?? 'CLIENT_GONE' }).catch(() => {});
    });
    next();
  };
}
