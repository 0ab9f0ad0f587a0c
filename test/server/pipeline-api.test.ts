/**
 * The server on a warehouse built by the real pipeline: a generated sample CSDL (tiny preset)
 * in an embedded PostgreSQL; the nation's admin starts a run through POST /api/admin/runs and
 * the job runner does ETL -> transform -> quality on the server's own DuckDB instance.
 * @module-tag slow
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { generate } from '../../sample/generate/generate.ts';
import { JobRunner } from '../../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../../pipelines/jobs/pipeline-steps.ts';
import { createAccount } from '../../server/accounts/accounts.store.ts';
import { readRows } from '../../server/db/read-rows.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { startTestSource, type TestSource } from '../support/source.ts';

describe('API over the real pipeline (tiny preset)', () => {
  let src: TestSource;
  let dir: string;
  let warehouse: Warehouse;
  let server: RunningServer;
  let runner: JobRunner;
  let admin: string;
  const call = async (path: string, key?: string, init: RequestInit = {}) => {
    const res = await fetch(server.url + path, { ...init, headers: key ? { Authorization: `Bearer ${key}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };
  const keyFor = async (unit: string) => {
    const conn = await warehouse.connect();
    try {
      return (await createAccount(conn, { unit, kind: 'exploit', name: `test ${unit}` })).key;
    } finally {
      conn.closeSync();
    }
  };

  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    await generate({ url: src.url, preset: 'tiny', seed: 11 });
    dir = mkdtempSync(join(tmpdir(), 'csdl-pipeline-api-'));
    const config = loadConfig({
      CSDL_DATABASE_URL: src.url,
      CSDL_PSEUDONYM_SECRET: 'pipeline-api-test-secret-0123456789',
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(dir, 'tmp'),
      LOG_LEVEL: 'warn',
    });
    warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '1GB' });
    runner = new JobRunner({ warehouse, steps: pipelineSteps(config), attempts: 1 });
    await runner.init();
    server = await startServer({ warehouse, port: 0, triggerRun: async (by) => ({ runId: runner.start('api', by).runId, status: 'started' }) });
    const conn = await warehouse.connect();
    admin = (await createAccount(conn, { unit: 'VN', kind: 'admin', name: 'Cục CNTT' })).key;
    conn.closeSync();
  });
  afterAll(async () => {
    await runner?.running?.done;
    await server?.close();
    warehouse?.close();
    await src?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs ETL, transform and quality on request of the nation's admin, one run at a time", async () => {
    const province = await keyFor('VN');
    expect((await call('/api/admin/runs', province, { method: 'POST' })).status).toBe(403);
    const started = await call('/api/admin/runs', admin, { method: 'POST' });
    expect(started.status).toBe(202);
    expect((await call('/api/admin/runs', admin, { method: 'POST' })).status).toBe(409);
    const result = await runner.running!.done;
    expect(result).toEqual({ runId: started.body.runId, status: 'succeeded', error: null });
    const runs = await call('/api/admin/runs', admin);
    expect(runs.body.rows[0]).toMatchObject({ run_id: started.body.runId, status: 'succeeded', step: 'quality', trigger: 'api' });
    // one run id follows the run through every step's own records
    const conn = await warehouse.connect();
    const [ids] = await queryRows<{ etl: number; transform: number; quality: number }>(
      conn,
      `select
      (select count(*) from meta.etl_runs where run_id = $1 and status = 'succeeded')::int as etl,
      (select count(*) from meta.transform_runs where run_id = $1 and status = 'succeeded')::int as transform,
      (select count(*) from meta.quality_runs where run_id = $1 and status = 'succeeded')::int as quality`,
      [started.body.runId],
    );
    conn.closeSync();
    expect(ids).toEqual({ etl: 1, transform: 1, quality: 1 });
    expect((await call('/api/health')).body.ready).toBe(true);
  });

  it('serves the generated province to its key and refuses another province', async () => {
    const dn = await keyFor('P:48@2025');
    const periods = await call('/api/periods', dn);
    expect(periods.body.rows.map((p: { period: string }) => p.period)).toContain('2025-DN');
    const values = await call('/api/indicators?period=2025-DN&indicator=LRN', dn);
    expect(values.status).toBe(200);
    const own = values.body.rows.find((r: { role: string }) => r.role === 'unit');
    const children = values.body.rows.filter((r: { role: string }) => r.role === 'child');
    expect(own.value).toBeGreaterThan(0);
    // the province's learners are the sum over its communes
    expect(children.reduce((s: number, r: { value: number }) => s + r.value, 0)).toBe(own.value);
    expect((await call('/api/indicators?unit=P:01@2025', dn)).status).toBe(403);
  });

  it("ranks the province's communes and lists a school's failures to its own key only", async () => {
    const dn = await keyFor('P:48@2025');
    const scores = await call('/api/quality/scores?period=2025-DN', dn);
    expect(scores.status).toBe(200);
    expect(scores.body.rows.length).toBeGreaterThan(0);
    const ranked = scores.body.rows.filter((r: { score: number | null }) => r.score !== null);
    expect(ranked.map((r: { score: number }) => r.score)).toEqual([...ranked.map((r: { score: number }) => r.score)].sort((a, b) => b - a));
    const conn = await warehouse.connect();
    const [school] = await readRows<{ unit_code: string; unit_key: string }>(
      conn,
      `select f.unit_code, any_value(d.unit_key) as unit_key from quality.dq_failures f
       join core.dim_units d on d.unit_code = f.unit_code and d.unit_level = 'school' and d.nam_hoc = 2025
       where f.period = '2025-DN' group by f.unit_code order by count(*) desc, f.unit_code limit 1`,
    );
    const [other] = await readRows<{ unit_key: string }>(
      conn,
      `select unit_key from core.dim_units where unit_level = 'school' and nam_hoc = 2025 and unit_code <> $1 limit 1`,
      [school.unit_code],
    );
    conn.closeSync();
    const key = await keyFor(school.unit_key);
    const failures = await call('/api/quality/failures?period=2025-DN', key);
    expect(failures.status).toBe(200);
    expect(failures.body.rows.length).toBeGreaterThan(0);
    expect(failures.body.rows[0].record_key).toMatch(/^[a-z_]+:/);
    expect((await call(`/api/quality/failures?period=2025-DN&unit=${encodeURIComponent(other.unit_key)}`, key)).status).toBe(403);
    const rules = await call('/api/quality/rules?period=2025-DN', key);
    expect(rules.body.rows.length).toBeGreaterThan(0);
  });

  it("names no school outside a school key's scope beside a repeated record", async () => {
    const conn = await warehouse.connect();
    const named = await readRows<{ unit_key: string; other: string; province: string; other_province: string }>(
      conn,
      `select any_value(d.unit_key) as unit_key, any_value(f.related_unit) as other,
              any_value(d.province_code) as province, any_value(o.province_code) as other_province
       from quality.dq_failures f
       join core.dim_units d on d.unit_code = f.unit_code and d.unit_level = 'school' and d.nam_hoc = 2025
       join core.dim_units o on o.unit_code = f.related_unit and o.unit_level = 'school' and o.nam_hoc = 2025
       where f.period = '2025-DN' and f.related_unit <> f.unit_code
       group by f.unit_code order by f.unit_code limit 5`,
    );
    conn.closeSync();
    expect(named.length).toBeGreaterThan(0);
    for (const { unit_key, other, province, other_province } of named) {
      const path = `/api/quality/failures?period=2025-DN&unit=${encodeURIComponent(unit_key)}&limit=10000`;
      const own = await call(path, await keyFor(unit_key));
      const rows = own.body.rows as Array<{ related_unit: string | null; related_record_key: string | null }>;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.map((r) => r.related_unit)).not.toContain(other);
      // the province of both schools reads which one
      if (province === other_province) {
        const seen = await call(path, await keyFor(`P:${province}@2025`));
        expect(seen.body.rows.map((r: { related_unit: string | null }) => r.related_unit)).toContain(other);
      }
    }
  });
});
