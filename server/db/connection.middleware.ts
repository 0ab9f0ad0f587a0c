/**
 * One warehouse connection per request, from the server's single DuckDB instance, closed when
 * the response is done. Connections are cheap; each sees a consistent snapshot of the marts
 * even while a pipeline run rebuilds them on another connection.
 */
import type { RequestHandler } from 'express';
import type { Warehouse } from '../../lib/warehouse.ts';

/** Opens `res.locals.conn` for the request and closes it afterwards. */
export function connectionMiddleware(warehouse: Warehouse): RequestHandler {
  return async (_req, res, next) => {
    const conn = await warehouse.connect();
    res.locals.conn = conn;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      try {
        conn.closeSync();
      } catch {
        // already closed with the instance at shutdown
      }
    };
    res.on('close', close);
    next();
  };
}
