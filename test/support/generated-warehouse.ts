/**
 * A generated CSDL in a real embedded PostgreSQL, loaded by the real ETL into a real DuckDB file
 * and transformed: the set-up of the tests and benchmarks that check indicators against counts
 * made on the source. `load()` runs the ETL and the transform again, after a test has changed
 * the source by SQL (a defect planted after generation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadConfig, type Config } from '../../lib/config.ts';
import { openWarehouse, queryRows, type Warehouse } from '../../lib/warehouse.ts';
import { runEtl } from '../../pipelines/ingest/run-etl.ts';
import { runTransform, type TransformOptions, type TransformSummary } from '../../pipelines/transform/run-transform.ts';
import { generate, type Preset } from '../../sample/generate/generate.ts';
import { startTestSource, type TestSource } from './source.ts';

export type GeneratedWarehouse = {
  source: TestSource;
  config: Config;
  dir: string;
  /** Open between load() and close(). */
  conn: DuckDBConnection;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Full ETL from the source, then the transform; returns the transform's summary and times. */
  load(opts?: Pick<TransformOptions, 'populationCsv' | 'beforeCommit'>): Promise<{ transform: TransformSummary; etlSeconds: number; transformSeconds: number }>;
  close(): Promise<void>;
};

/** Generates `preset` with `seed` into a fresh embedded PostgreSQL; nothing is loaded yet. */
export async function generatedSource(preset: Preset, seed: number, say?: (m: string) => void): Promise<GeneratedWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), `csdl-generated-${preset}-`));
  const source = await startTestSource({ schema: false });
  await generate({ url: source.url, preset, seed, onProgress: say });
  const config = loadConfig({
    CSDL_DATABASE_URL: source.url,
    WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
    CSDL_TMP_DIR: join(dir, 'tmp'),
    CSDL_PSEUDONYM_SECRET: 'generated-warehouse-secret-0123456789',
    LOG_LEVEL: 'warn',
  });
  let warehouse: Warehouse | undefined;
  const g: GeneratedWarehouse = {
    source,
    config,
    dir,
    conn: undefined as unknown as DuckDBConnection,
    rows: (sql, params) => queryRows(g.conn, sql, params),
    async load(opts = {}) {
      closeWarehouse();
      let t0 = performance.now();
      await runEtl({ config, sourceUrl: source.url, full: true });
      const etlSeconds = (performance.now() - t0) / 1000;
      warehouse = await openWarehouse(config.warehousePath, { memoryLimit: '2GB' });
      g.conn = await warehouse.connect();
      t0 = performance.now();
      const transform = await runTransform({ warehouse: g.conn, deadlines: config, ...opts });
      return { transform, etlSeconds, transformSeconds: (performance.now() - t0) / 1000 };
    },
    async close() {
      closeWarehouse();
      await source.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  function closeWarehouse() {
    if (!warehouse) return;
    g.conn.closeSync();
    warehouse.close();
    warehouse = undefined;
  }
  return g;
}
