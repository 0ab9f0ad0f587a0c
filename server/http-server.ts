/**
 * Starts an Express app on a port (0 picks a free one) and stops it cleanly: no new
 * connections, idle keep-alive sockets closed, in-flight requests allowed to finish.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export type Listening = { server: Server; url: string; port: number; close(): Promise<void> };

/** Listens on `host:port` and resolves once the socket is bound. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        url: `http://${host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
