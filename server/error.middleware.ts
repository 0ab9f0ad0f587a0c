/**
 * The one error middleware: every error becomes `{ error: { code, message } }` with the right
 * status. Unexpected errors are logged with their stack on the server and answered with a plain
 * message: no stack trace or SQL reaches a client.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CsdlError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { LeaseEndedError, PoolSaturatedError } from './db/connection-pool.ts';
import { leaseOf } from './db/connection.middleware.ts';
import { HttpError, notFound } from './http-errors.ts';

/** Unknown routes under /api answer 404 in the same shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`không có API ${req.method} ${req.path}`));
};

/** Maps an error to status, code and a client-safe message. */
export function describeError(err: unknown): { status: number; code: string; message: string } {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  const status = (err as { status?: number; type?: string })?.status;
  if (status === 400 && (err as { type?: string }).type === 'entity.parse.failed') {
    return { status: 400, code: 'BAD_JSON', message: 'Nội dung yêu cầu không phải JSON hợp lệ (BAD_JSON)' };
  }
  if (status === 400 && err instanceof URIError) {
    // the router could not percent-decode a path segment ('/api/units/%')
    return {
      status: 400,
      code: 'BAD_PATH',
      message: `Địa chỉ không hợp lệ (BAD_PATH): đoạn đường dẫn ${err.message.replace(/^Failed to decode param\s*/, '')} không phải mã hóa phần trăm (percent-encoding) hợp lệ`,
    };
  }
  if (status === 413) return { status: 413, code: 'TOO_LARGE', message: 'Nội dung yêu cầu quá lớn (TOO_LARGE)' };
  if (err instanceof PoolSaturatedError) return { status: 503, code: err.code, message: err.message };
  if (err instanceof CsdlError && err.transient) {
    return { status: 503, code: err.code, message: `Kho dữ liệu đang bận (${err.code}), hãy thử lại sau ít phút` };
  }
  return { status: 500, code: 'INTERNAL', message: 'Lỗi máy chủ (INTERNAL); chi tiết được ghi trong nhật ký của máy chủ' };
}

/** Express error handler (four arguments, registered last). */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  // the client left: its query was interrupted or refused; there is no one to answer
  if (err instanceof LeaseEndedError || leaseOf(res.locals)?.isEnded || req.socket.destroyed) {
    log.debug('request ended by the client', { method: req.method, path: req.path, error: (err as Error)?.message });
    res.locals.errorCode = 'CLIENT_GONE';
    if (!res.headersSent && !res.closed) res.status(499);
    res.end();
    return;
  }
  const { status, code, message } = describeError(err);
  if (err instanceof PoolSaturatedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (status >= 500 && !(err instanceof HttpError))
    log.error('request failed', { method: req.method, path: req.path, error: (err as Error)?.stack ?? String(err) });
  res.locals.errorCode = code;
  if (res.headersSent) {
    // part of the body has left: ending it normally would pass a truncated body off as whole
    res.destroy();
    return;
  }
  res.status(status).json({ error: { code, message } });
};
