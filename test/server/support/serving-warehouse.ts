/**
 * The warehouse the serving tests share: the tiny preset through the real pipeline (with the
 * suppression decisions the product publishes), a real server over it, keys of the nation, two
 * provinces and a school, and the units and periods the tests ask about.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../../lib/warehouse.ts';
import { JobRunner } from '../../../pipelines/jobs/job-runner.ts';
import { pipelineSteps } from '../../../pipelines/jobs/pipeline-steps.ts';
import { generate } from '../../../sample/generate/generate.ts';
import { createAccount } from '../../../server/accounts/accounts.store.ts';
import { startServer, type RunningServer } from '../../../server/start-server.ts';
import { publishIndicatorDecisions } from '../../../server/suppression/publish-decisions.ts';
import { startTestSource } from '../../support/source.ts';

export type ServingWarehouse = {
  warehouse: Warehouse;
  server: RunningServer;
  /** Runs the whole pipeline again (`start('manual')`). */
  runner: JobRunner;
  keys: Record<'nation' | 'provinceA' | 'provinceB' | 'school', string>;
  /** The latest start-of-year period. */
  period: string;
  /** The first two of today's provinces by code (accounts A and B). */
  provinces: string[];
  school: string;
  /** A province and a commune with data, and the first period (before the 2025 merger). */
  deep: { province: string; commune: string; earlier: string };
  /** A GET, identity-encoded unless asked: a kept answer is gzipped for a client that accepts it, under another ETag. */
  get(
    url: string,
    path: string,
    key?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; etag: string | null; cache: string | null }>;
  sql<T = Record<string, unknown>>(q: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
};

export async function servingWarehouse(): Promise<ServingWarehouse> {
  const src = await startTestSource({ schema: false });
  await generate({ url: src.url, preset: 'tiny', seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), 'csdl-serving-'));
  const config = loadConfig({
    CSDL_DATABASE_URL: src.url,
    CSDL_PSEUDONYM_SECRET: 'serving-test-secret-0123456789',
    WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
    CSDL_TMP_DIR: join(dir, 'tmp'),
    LOG_LEVEL: 'warn',
  });
  const warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '1GB' });
  const sql = async <T = Record<string, unknown>>(q: string, params?: unknown[]) => {
    const conn = await warehouse.connect();
    try {
      return await queryRows<T>(conn, q, params);
    } finally {
      conn.closeSync();
    }
  };
  const runner = new JobRunner({ warehouse, steps: pipelineSteps(config, { beforeCommit: publishIndicatorDecisions }), attempts: 1, threads: 1 });
  await runner.init();
  expect((await runner.start('manual').done).status).toBe('succeeded');
  const server = await startServer({ warehouse, port: 0 });
  const [{ period }] = await sql<{ period: string }>(`select period from core.dim_periods where ky = 'DN' order by census_day desc limit 1`);
  const provinces = (
    await sql<{ unit_key: string }>(`select unit_key from core.dim_units where unit_level = 'province' and valid_to is null order by unit_code limit 2`)
  ).map((r) => r.unit_key);
  const [{ unit_key: school }] = await sql<{ unit_key: string }>(
    `select unit_key from serving.indicator_values where unit_level = 'school' and period = $1 order by unit_key limit 1`,
    [period],
  );
  const [deep] = await sql<{ province: string; commune: string; earlier: string }>(
    `select u.province_key as province, u.parent_key as commune, (select min(period) from core.dim_periods) as earlier
     from core.dim_units as u where u.unit_key = $1`,
    [school],
  );
  const conn = await warehouse.connect();
  const make = async (unit: string, kind: 'admin' | 'exploit') => (await createAccount(conn, { unit, kind, name: `test ${unit}` })).key;
  const keys = {
    nation: await make('VN', 'admin'),
    provinceA: await make(provinces[0], 'exploit'),
    provinceB: await make(provinces[1], 'exploit'),
    school: await make(school, 'exploit'),
  };
  conn.closeSync();
  return {
    warehouse,
    server,
    runner,
    keys,
    period,
    provinces,
    school,
    deep,
    async get(url, path, key, headers = {}) {
      const res = await fetch(url + path, { headers: { 'Accept-Encoding': 'identity', ...headers, ...(key ? { Authorization: `Bearer ${key}` } : {}) } });
      return { status: res.status, text: await res.text(), etag: res.headers.get('etag'), cache: res.headers.get('x-cache') };
    },
    sql,
    async close() {
      await server.close();
      warehouse.close();
      await src.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
