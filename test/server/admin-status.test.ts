/**
 * GET /api/admin/status: what `csdl status` prints, read through the server that holds the
 * warehouse; a run that no live run of the server claims is reported interrupted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRun } from '../../lib/meta-store/index.ts';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('admin status API', () => {
  let s: TestServer;
  const live = 'run-20261204T100000Z-aaaaaa';
  const dead = 'run-20261204T090000Z-bbbbbb';
  const done = 'run-20261204T080000Z-cccccc';
  beforeAll(async () => {
    s = await startTestServer(async (conn) => {
      await buildFixtureWarehouse(conn);
      await conn.run(`
        insert into meta.etl_runs (run_id, kind, started_at, finished_at, status) values
          ('${done}', 'full', '2026-12-04 08:00:00+00', '2026-12-04 08:05:00+00', 'succeeded'),
          ('${dead}', 'incremental', '2026-12-04 09:00:00+00', null, 'running'),
          ('${live}', 'incremental', '2026-12-04 10:00:00+00', null, 'running');
        insert into meta.etl_table_runs (run_id, table_name, mode, rows_read, keys_read, inserted, updated, deleted, row_count, watermark, seconds) values
          ('${done}', 'hoc_sinh', 'full', 120, 0, 120, 0, 0, 120, '2026-12-03 23:00:00+00', 1.5)`);
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reports the runs with a dead one as interrupted and a live one as running, and each table’s last load', async () => {
    const release = claimRun(live);
    try {
      const r = await s.get('/api/admin/status?runs=5', s.keys.nationAdmin);
      expect(r.status).toBe(200);
      expect(r.body.runs.map((x: { runId: string; status: string }) => [x.runId, x.status])).toEqual([
        [live, 'running'],
        [dead, 'interrupted'],
        [done, 'succeeded'],
      ]);
      expect(r.body.runs[1].error).toMatch(/^bị ngắt \(interrupted\): tiến trình chạy lần này đã dừng/);
      expect(r.body.tables).toEqual([
        { table: 'hoc_sinh', runId: done, finishedAt: Date.parse('2026-12-04T08:05:00Z'), watermark: Date.parse('2026-12-03T23:00:00Z'), rowCount: 120 },
      ]);
    } finally {
      release();
    }
    const after = await s.get('/api/admin/status', s.keys.nationAdmin);
    expect(after.body.runs[0]).toMatchObject({ runId: live, status: 'interrupted' });
  });

  it("is for the nation's admin accounts only, and names a bad parameter", async () => {
    expect((await s.get('/api/admin/status')).status).toBe(401);
    expect((await s.get('/api/admin/status', s.keys.province48)).status).toBe(403);
    const commune = await s.get('/api/admin/status', s.keys.communeAdmin);
    expect(commune.status).toBe(403);
    expect(commune.body.error.message).toBe('Không có quyền (FORBIDDEN): chỉ tài khoản quản trị cấp Bộ được dùng chức năng này');
    const bad = await s.get('/api/admin/status?runs=lots', s.keys.nationAdmin);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_PARAMETER');
  });
});
