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
  next(notFound(`no endpoint ${req.method} ${req.path}`));
};

/** Maps an error to status, code and a client-safe message. */
export function describeError(err: unknown): { status: number; code: string; message: string } {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  const status = (err as { status?: number; type?: string })?.status;
  if (status === 400 && (err as { type?: string }).type === 'entity.parse.failed') {
    return { status: 400, code: 'BAD_JSON', message: 'Nội dung yêu cầu không phải JSON hợp lệ / request body is not valid JSON' };
  }
  if (status === 400 && err instanceof URIError) {
    // the router could not percent-decode a path segment ('/api/units/%')
    return {
      status: 400,
      code: 'BAD_PATH',
      message: `Địa chỉ không hợp lệ / bad address: ${err.message.replace(/^Failed to decode param/, 'a path segment is not valid percent-encoding:')}`,
    };
  }
  if (status === 413) return { status: 413, code: 'TOO_LARGE', message: 'Request body too large' };
  if (err instanceof PoolSaturatedError) return { status: 503, code: err.code, message: err.message };
  if (err instanceof CsdlError && err.transient) {
    return { status: 503, code: err.code, message: 'Kho dữ liệu đang bận, thử lại sau / the warehouse is busy, retry shortly' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Lỗi máy chủ / internal server error; the server log has the details' };
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
    res.end();
    return;
  }
  res.status(status).json({ error: { code, message } });
};
