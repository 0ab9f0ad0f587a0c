/**
 * One leased warehouse connection per request, from the server's pool. The lease ends when the
 * response has been sent or the client has gone; a query still running then is interrupted, and
 * the connection returns to the pool only once that query has returned (see connection-pool.ts).
 */
import type { RequestHandler } from 'express';
import type { ConnectionPool, Lease } from './connection-pool.ts';

/** Sets `res.locals.conn` (and `res.locals.lease`) for the request. */
export function connectionMiddleware(pool: ConnectionPool): RequestHandler {
  return async (req, res, next) => {
    const left = new AbortController();
    const leave = () => left.abort();
    res.once('close', leave);
    const lease = await pool.acquire(left.signal);
    res.off('close', leave);
    res.locals.lease = lease;
    res.locals.conn = lease.conn;
    const end = () => lease.end({ interrupt: !res.writableFinished });
    if (req.socket.destroyed || res.closed) {
      end();
      return;
    }
    res.on('close', end);
    next();
  };
}

/** The request's lease, when the connection middleware ran. */
export function leaseOf(locals: Record<string, unknown>): Lease | undefined {
  return locals.lease as Lease | undefined;
}

/**
 * Runs `work` in one snapshot of the warehouse when `consistent` (a response whose suppression
 * must agree with the rows it joins, see Lease.snapshot), else as it comes.
 */
export function inSnapshot<T>(locals: Record<string, unknown>, consistent: boolean, work: () => Promise<T>): Promise<T> {
  const lease = leaseOf(locals);
  return consistent && lease ? lease.snapshot(work) : work();
}
