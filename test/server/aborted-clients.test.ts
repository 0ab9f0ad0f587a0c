/**
 * Clients that close their connection early, thousands of times, under concurrent load: the
 * server stays up (it runs in this test's own process, so a crash fails the run), answers the
 * clients that stay, and gives every connection back to its pool.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortedRequest, NOISE_PATHS } from './support/abort-noise.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(buildFixtureWarehouse, { noise: false });
});
afterAll(async () => {
  await s?.close();
});

describe('a client that closes its connection early', () => {
  it('never crashes or wedges the server, thousands of times under concurrent load', async () => {
    const port = Number(new URL(s.url).port);
    const keys = [undefined, s.keys.nationAdmin, s.keys.province48, s.keys.school1];
    let aborted = 0;
    let answered = 0;
    const abortLoop = async (n: number) => {
      for (let i = 0; i < n; i++) {
        aborted++;
        await abortedRequest(port, NOISE_PATHS[i % NOISE_PATHS.length], keys[i % keys.length], Math.random() * 40);
      }
    };
    const steadyLoop = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await s.get('/api/public/indicators?period=2025-DN');
        expect(r.status).toBe(200);
        expect(r.body.rows.length).toBe(35 * 4); // 34 provinces + the nation, four map indicators
        answered++;
      }
    };
    await Promise.all([...Array.from({ length: 16 }, () => abortLoop(130)), steadyLoop(60), steadyLoop(60)]);
    expect(aborted).toBeGreaterThanOrEqual(2000);
    expect(answered).toBe(120);
    // every lease came back: nothing leased or waiting once the clients are gone
    await new Promise((r) => setTimeout(r, 300));
    expect(s.pool.stats()).toMatchObject({ leased: 0, waiting: 0 });
    const health = await s.get('/api/health');
    expect(health.status).toBe(200);
  });

  it('answers 503 with Retry-After when every connection stays busy past the queue timeout', async () => {
    const { ConnectionPool, PoolSaturatedError } = await import('../../server/db/connection-pool.ts');
    const pool = new ConnectionPool(s.warehouse, { size: 1, queueTimeoutMs: 50, maxQueue: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolSaturatedError);
    await expect(waiting).rejects.toMatchObject({ code: 'SERVER_BUSY', retryAfterSeconds: 1 });
    // a client that leaves while it waits gives its place in the queue up at once
    const left = new AbortController();
    const gone = pool.acquire(left.signal);
    expect(pool.stats().waiting).toBe(1);
    left.abort();
    await expect(gone).rejects.toMatchObject({ code: 'REQUEST_ENDED' });
    expect(pool.stats().waiting).toBe(0);
    held.end();
    const next = await pool.acquire();
    expect((await next.conn.runAndReadAll('select 42 as n')).getRowObjects()).toEqual([{ n: 42 }]);
    next.end();
    await pool.close();
  });
});
