/**
 * A request that fails after part of its body has left: the client must be able to tell the body
 * is incomplete (the connection is cut), never receive a cut body ended as if it were whole.
 */
import express from 'express';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../server/error.middleware.ts';
import { listen } from '../../server/http-server.ts';

/** The body as received, and whether the response ended cleanly or was cut. */
function fetchRaw(url: string): Promise<{ status: number; body: string; ended: 'complete' | 'cut' }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, ended: res.complete ? 'complete' : 'cut' }));
      res.on('error', () => resolve({ status: res.statusCode!, body, ended: 'cut' }));
      res.on('aborted', () => resolve({ status: res.statusCode!, body, ended: 'cut' }));
    })
      .on('error', reject)
      .end();
  });
}

describe('errorMiddleware', () => {
  it('cuts the connection of a response that fails mid-body, and answers a clean error before any byte', async () => {
    const app = express();
    app.get('/mid', (_req, res, next) => {
      res.type('text/csv');
      res.write('a,b\n1,2\n');
      setTimeout(() => next(new Error('the query failed after the first rows')), 20);
    });
    app.get('/before', (_req, _res, next) => next(new Error('the query failed at once')));
    app.use(errorMiddleware);
    const server = await listen(app, 0);
    try {
      const mid = await fetchRaw(`${server.url}/mid`);
      expect(mid).toMatchObject({ status: 200, body: 'a,b\n1,2\n', ended: 'cut' });
      const before = await fetchRaw(`${server.url}/before`);
      expect(before.status).toBe(500);
      expect(before.ended).toBe('complete');
      expect(JSON.parse(before.body).error.code).toBe('INTERNAL');
    } finally {
      await server.close();
    }
  });
});
