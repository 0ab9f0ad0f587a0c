/**
 * Starts an Express app on a port (0 picks a free one) and stops it cleanly: no new
 * connections, idle keep-alive sockets closed, in-flight requests allowed to finish.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export type Listening = { server: Server; url: string; port: number; close(): Promise<void> };

/**
 * How long an idle keep-alive connection stays open. Node counts idleness from the moment an
 * answer has been handed to the kernel, not from when the client has read it: with Node's default of 5 s,
 * a client still reading a large answer (a busy browser, a slow provincial link, 200 clients on
 * one machine) finds its connection closed under it and loses its next request. A minute covers that, as
 * proxies' idle timeouts do; headers still have to arrive within headersTimeout, kept above it so
 * that a request arriving as the idle time ends is not cut by the headers timer instead.
 */
export const KEEP_ALIVE_MS = 65_000;

/** Listens on `host:port` and resolves once the socket is bound. */
export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      server.headersTimeout = KEEP_ALIVE_MS + 1000;
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
