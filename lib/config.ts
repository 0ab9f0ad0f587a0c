/**
 * Configuration, read once from the environment (and an optional JSON file named by
 * CSDL_CONFIG_FILE), validated with zod and frozen. Every problem is reported at once.
 *
 * @example
 *   const config = loadConfig();           // throws ConfigError listing each bad setting
 *   config.warehousePath                   // 'data/warehouse.duckdb' unless WAREHOUSE_PATH is set
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** The secret used on the embedded demo source only; a real source must configure its own. */
export const DEMO_PSEUDONYM_SECRET = 'demo-only-secret-not-for-real-data';

const deadline = z.object({
  dn: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'must be MM-DD')
    .describe('start-of-year deadline, e.g. 10-15'),
  cn: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'must be MM-DD')
    .describe('end-of-year deadline, e.g. 06-15'),
});

const gateRule = z.strictObject({
  rule: z.string().regex(/^[A-Z]{2,3}-[A-Za-z0-9_-]+$/, 'a quality rule id such as HS-REQ-trang_thai'),
  /** Most failing records the unit may have (default 0). */
  max_failed: z.number().int().min(0).optional(),
  /** Or the largest failing share of the records checked, 0..1. */
  max_failed_share: z.number().min(0).max(1).optional(),
});

const fields = z.object({
  CSDL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  WAREHOUSE_PATH: z.string().min(1).default('data/warehouse.duckdb'),
  CSDL_EMBEDDED_DIR: z.string().min(1).default('data/pg'),
  CSDL_EMBEDDED_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  CSDL_PSEUDONYM_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  CSDL_ETL_PARALLELISM: z.coerce.number().int().min(1).max(32).default(2),
  CSDL_ETL_CHANGE_DETECTION: z.enum(['xmin', 'keys']).default('xmin'),
  CSDL_TMP_DIR: z.string().min(1).default('data/tmp'),
  CSDL_EXPORT_DIR: z.string().min(1).default('data/exports'),
  CSDL_DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "a size such as '4GB' or '512MB'")
    .default('4GB'),
  CSDL_ETL_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "a size such as '448MB'")
    .default('448MB'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CSDL_API_CONNECTIONS: z.coerce.number().int().min(1).max(256).default(8),
  CSDL_API_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  CSDL_API_MAX_QUEUE: z.coerce.number().int().min(0).max(100_000).default(512),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  deadlines: z.record(z.string().regex(/^\d{2}(@\d{4})?$/, "keys are province codes ('31'), or code@valid-from year ('15@2000')"), deadline).default({}),
  defaultDeadline: deadline.default({ dn: '10-31', cn: '06-30' }),
  approvalGate: z.array(gateRule).default([{ rule: 'HS-REQ-trang_thai', max_failed: 0 }]),
});

const schema = fields.superRefine((c, ctx) => {
  if (c.CSDL_DATABASE_URL && !c.CSDL_PSEUDONYM_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['CSDL_PSEUDONYM_SECRET'],
      message: 'is required when CSDL_DATABASE_URL names a real source (set a secret of 16+ characters and keep it stable)',
    });
  }
});

export type Config = Readonly<{
  databaseUrl: string | undefined;
  embedded: boolean;
  warehousePath: string;
  embeddedDir: string;
  embeddedPort: number;
  pseudonymSecret: string;
  etlParallelism: number;
  /**
   * How an incremental run finds changed rows: 'xmin' reads only rows written since the last run's
   * snapshot horizon and counts ids per block to find deletes; 'keys' reads every (id, updated_at).
   * Both are exact; 'xmin' falls back to 'keys' for a table whose result disagrees with the snapshot.
   */
  etlChangeDetection: 'xmin' | 'keys';
  tmpDir: string;
  /** Where export packages are written (one folder per period, unit and version). */
  exportDir: string;
  /** DuckDB's memory limit for the transform, quality and server (the ETL keeps its own, lower one). */
  duckdbMemoryLimit: string;
  /** DuckDB's memory limit of a `csdl etl` run that opens the warehouse itself (one thread). */
  etlMemoryLimit: string;
  port: number;
  /** API: warehouse connections running queries at once, how long a request waits for one, and how many may wait. */
  api: Readonly<{ connections: number; queueTimeoutMs: number; maxQueue: number }>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Reporting deadlines (MM-DD) per province of the period's own time ('31'; '15@2000' where a
   * code was reused by another province after 07/2025), falling back to `defaultDeadline`.
   */
  deadlines: Readonly<Record<string, { dn: string; cn: string }>>;
  defaultDeadline: Readonly<{ dn: string; cn: string }>;
  /**
   * The quality gate of an approval: quality rules (meta.quality_rule_catalog ids) a unit must
   * pass, at its own level, in the period it approves; a rule fails when more records than
   * `max_failed` (default 0) or a larger share than `max_failed_share` fail it.
   */
  approvalGate: ReadonlyArray<Readonly<{ rule: string; max_failed?: number; max_failed_share?: number }>>;
}>;

/** Reads, validates and freezes the configuration; throws ConfigError naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  const file = env.CSDL_CONFIG_FILE;
  if (file) {
    if (!existsSync(file)) problems.push(`CSDL_CONFIG_FILE: file ${file} does not exist`);
    else {
      try {
        fileValues = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`CSDL_CONFIG_FILE: ${file} is not valid JSON (${(err as Error).message})`);
      }
    }
  }
  const raw: Record<string, unknown> = { ...fileValues };
  for (const key of Object.keys(fields.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const c = parsed.data;
  return Object.freeze({
    databaseUrl: c.CSDL_DATABASE_URL,
    embedded: !c.CSDL_DATABASE_URL,
    warehousePath: resolve(c.WAREHOUSE_PATH),
    embeddedDir: resolve(c.CSDL_EMBEDDED_DIR),
    embeddedPort: c.CSDL_EMBEDDED_PORT,
    pseudonymSecret: c.CSDL_PSEUDONYM_SECRET ?? DEMO_PSEUDONYM_SECRET,
    etlParallelism: c.CSDL_ETL_PARALLELISM,
    etlChangeDetection: c.CSDL_ETL_CHANGE_DETECTION,
    tmpDir: resolve(c.CSDL_TMP_DIR),
    exportDir: resolve(c.CSDL_EXPORT_DIR),
    duckdbMemoryLimit: c.CSDL_DUCKDB_MEMORY_LIMIT,
    etlMemoryLimit: c.CSDL_ETL_MEMORY_LIMIT,
    port: c.PORT,
    api: Object.freeze({ connections: c.CSDL_API_CONNECTIONS, queueTimeoutMs: c.CSDL_API_QUEUE_TIMEOUT_MS, maxQueue: c.CSDL_API_MAX_QUEUE }),
    logLevel: c.LOG_LEVEL,
    deadlines: Object.freeze(c.deadlines),
    defaultDeadline: Object.freeze(c.defaultDeadline),
    approvalGate: Object.freeze(c.approvalGate.map((g) => Object.freeze(g))),
  });
}
