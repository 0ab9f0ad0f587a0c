/**
 * Clients that hang up at random moments: raw sockets that send a request (with or without a
 * key, to a data endpoint or an export) and close 0-60 ms later, before, during or after the
 * answer. The server suites run with this noise in the background, so that every test also
 * proves a dropped client cannot crash or wedge the server.
 */
import { connect } from 'node:net';

/** Paths the noise requests, each with and without a key. */
export const NOISE_PATHS = [
  '/api/public/indicators',
  '/api/public/indicators?format=csv',
  '/api/public/indicators?format=parquet',
  '/api/indicators?breakdown=all',
  '/api/indicators?format=parquet&breakdown=sex',
  '/api/quality/scores',
  '/api/units/N:VN',
  '/api/periods',
];

/** Sends one request on a raw socket and closes it after `afterMs`; resolves when closed. */
export function abortedRequest(port: number, path: string, key: string | undefined, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${key ? `Authorization: Bearer ${key}\r\n` : ''}Connection: close\r\n\r\n`);
      setTimeout(() => sock.destroy(), afterMs);
    });
    sock.on('error', () => {});
    sock.on('close', () => resolve());
    sock.on('data', () => {});
  });
}

/** Runs `concurrency` loops of aborted requests until `stop()`; returns how many were sent. */
export function startAbortNoise(url: string, keys: string[], concurrency = 2): { stop(): Promise<number> } {
  const port = Number(new URL(url).port);
  let running = true;
  let sent = 0;
  const loop = async () => {
    while (running) {
      const path = NOISE_PATHS[Math.floor(Math.random() * NOISE_PATHS.length)];
      const key = Math.random() < 0.3 ? undefined : keys[Math.floor(Math.random() * keys.length)];
      sent++;
      await abortedRequest(port, path, key, Math.random() * 60);
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return sent;
    },
  };
}
