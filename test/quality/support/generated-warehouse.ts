/**
 * A warehouse built the way production builds it, for the proof tests and the benchmark: an
 * embedded PostgreSQL filled by the generator (preset, seed), the ETL into a DuckDB file, and
 * the transform of the layers the rules read (staging, core). The manifest stays in the source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../lib/config.ts';
import { openWarehouse, type Warehouse } from '../../../lib/warehouse.ts';
import { generate, type Preset } from '../../../sample/generate/generate.ts';
import { DEADLINES, DEFAULT_DEADLINE } from '../../../sample/generate/presets.ts';
import { runEtl } from '../../../pipelines/ingest/run-etl.ts';
import { runTransform } from '../../../pipelines/transform/run-transform.ts';
import { startTestSource, type TestSource } from '../../support/source.ts';

/** The reporting deadlines the generator planned its data entry against (late units miss them). */
export const GENERATOR_DEADLINES = { deadlines: DEADLINES, defaultDeadline: DEFAULT_DEADLINE };

export type GeneratedWarehouse = {
  source: TestSource;
  warehouse: Warehouse;
  config: Config;
  close(): Promise<void>;
};

/**
 * Generates `preset`, loads and transforms it; `dir` keeps the files (default: a temp dir, removed
 * on close); `beforeLoad` changes the generated source before the ETL reads it (planted defects).
 */
export async function buildGeneratedWarehouse(
  preset: Preset,
  seed = 42,
  dir?: string,
  beforeLoad?: (source: TestSource) => Promise<void>,
): Promise<GeneratedWarehouse> {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'csdl-quality-'));
  const source = await startTestSource();
  try {
    await generate({ url: source.url, preset, seed });
    await beforeLoad?.(source);
    const config = loadConfig({
      CSDL_DATABASE_URL: source.url,
      WAREHOUSE_PATH: join(root, 'warehouse.duckdb'),
      CSDL_TMP_DIR: join(root, 'tmp'),
      CSDL_PSEUDONYM_SECRET: 'quality-tests-secret-0123456789',
      LOG_LEVEL: 'warn',
    });
    await runEtl({ config, sourceUrl: source.url, full: true });
    const warehouse = await openWarehouse(config.warehousePath);
    const summary = await runTransform({ warehouse: await warehouse.connect(), deadlines: GENERATOR_DEADLINES, select: ['staging', 'core'] });
    if (summary.status !== 'succeeded') throw new Error(`transform failed:\n${summary.errors.slice(0, 5).join('\n')}`);
    return {
      source,
      warehouse,
      config,
      close: async () => {
        warehouse.close();
        await source.close();
        if (!dir) rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await source.close();
    throw err;
  }
}
