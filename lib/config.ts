/**
 * Configuration, read once from the environment (and an optional JSON file named by
 * CSDL_CONFIG_FILE), validated with zod and frozen. Every problem is reported at once, those of
 * command-line options that override a setting (`--port`, `--schedule`) included.
 *
 * @example
 *   const config = loadConfig();           // throws ConfigError listing each bad setting
 *   config.warehousePath                   // 'data/warehouse.duckdb' unless WAREHOUSE_PATH is set
 *   loadConfig(process.env, { CSDL_SCHEDULE: { value: '0 3 * * *', option: '--schedule' } }).schedule.cron; // '0 3 * * *'
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** The secret used on the embedded demo source only; a real source must configure its own. */
export const DEMO_PSEUDONYM_SECRET = 'demo-only-secret-not-for-real-data';

/** The key sealing consumer secrets on the embedded demo source only; a real source sets its own. */
export const DEMO_DELIVERY_KEY = 'demo-only-delivery-key-not-for-real-data';

const deadline = z.object({
  dn: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'phải có dạng MM-DD (tháng-ngày)')
    .describe('start-of-year deadline, e.g. 10-15'),
  cn: z
    .string()
    .regex(/^\d{2}-\d{2}$/, 'phải có dạng MM-DD (tháng-ngày)')
    .describe('end-of-year deadline, e.g. 06-15'),
});

/** A band of data-quality scores: from `min` (inclusive) up to the next band's minimum. */
export type QualityBand = Readonly<{ band: string; min: number; label: string; color: string }>;

/** The default bands: 98 and above good, 90 to 98 to improve, below 90 poor. */
export const DEFAULT_QUALITY_BANDS: readonly QualityBand[] = Object.freeze([
  { band: 'good', min: 98, label: 'Tốt', color: '#2b8a3e' },
  { band: 'fair', min: 90, label: 'Cần cải thiện', color: '#e8590c' },
  { band: 'poor', min: 0, label: 'Kém', color: '#c92a2a' },
]);

const qualityBands = z
  .array(
    z.object({
      band: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'phải là mã ngắn như good (chữ thường, chữ số, _)'),
      min: z.number().min(0).max(100),
      label: z.string().min(1).max(40),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'phải là mã màu như #2b8a3e'),
    }),
  )
  .min(1)
  .superRefine((bands, ctx) => {
    if (!bands.some((b) => b.min === 0)) ctx.addIssue({ code: 'custom', message: 'cần một mức bắt đầu từ 0, để điểm nào cũng có mức' });
    if (new Set(bands.map((b) => b.min)).size !== bands.length) ctx.addIssue({ code: 'custom', message: 'hai mức bắt đầu cùng một điểm' });
    if (new Set(bands.map((b) => b.band)).size !== bands.length) ctx.addIssue({ code: 'custom', message: 'hai mức trùng mã' });
  });

/** Whether the runtime knows `zone` as a time zone (node-cron schedules in it). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const gateRule = z.strictObject({
  rule: z.string().regex(/^[A-Z]{2,3}-[A-Za-z0-9_-]+$/, 'phải là mã quy tắc chất lượng như HS-REQ-trang_thai'),
  /** Most failing records the unit may have (default 0). */
  max_failed: z.number().int().min(0).optional(),
  /** Or the largest failing share of the records checked, 0..1. */
  max_failed_share: z.number().min(0).max(1).optional(),
});

const fields = z.object({
  CSDL_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'phải là địa chỉ postgres://')
    .optional(),
  WAREHOUSE_PATH: z.string().min(1).default('data/warehouse.duckdb'),
  CSDL_EMBEDDED_DIR: z.string().min(1).default('data/pg'),
  CSDL_EMBEDDED_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  CSDL_PSEUDONYM_SECRET: z.string().min(16, 'phải có ít nhất 16 ký tự').optional(),
  CSDL_ETL_PARALLELISM: z.coerce.number().int().min(1).max(32).default(2),
  CSDL_ETL_CHANGE_DETECTION: z.enum(['xmin', 'keys']).default('xmin'),
  CSDL_TMP_DIR: z.string().min(1).default('data/tmp'),
  CSDL_EXPORT_DIR: z.string().min(1).default('data/exports'),
  CSDL_DUCKDB_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "phải là dung lượng như '4GB' hoặc '512MB'")
    .default('4GB'),
  CSDL_ETL_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, "phải là dung lượng như '448MB'")
    .default('448MB'),
  PORT: z.coerce.number('phải là số cổng (0-65535)').int('phải là số cổng (0-65535)').min(0).max(65535).default(8080),
  // connections beyond the cores still help: a request holds its connection while its audit row commits
  CSDL_API_CONNECTIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(Math.min(256, Math.max(8, 4 * availableParallelism()))),
  CSDL_API_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
  CSDL_API_WARM_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  CSDL_PIPELINE_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(Math.max(1, Math.floor(availableParallelism() / 2))),
  CSDL_API_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  CSDL_API_MAX_QUEUE: z.coerce.number().int().min(0).max(100_000).default(512),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  CSDL_SCHEDULE: z
    .string()
    .default('0 2 * * *')
    .refine((s) => s === 'off' || cron.validate(s), 'phải là biểu thức cron như "0 2 * * *", hoặc "off"'),
  CSDL_SCHEDULE_TZ: z.string().default('Asia/Ho_Chi_Minh').refine(isTimeZone, 'phải là múi giờ IANA như Asia/Ho_Chi_Minh'),
  CSDL_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  CSDL_JOB_BACKOFF_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  CSDL_DELIVERY_KEY: z.string().min(16, 'phải có ít nhất 16 ký tự').optional(),
  CSDL_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  CSDL_DELIVERY_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  deadlines: z.record(z.string().regex(/^\d{2}(@\d{4})?$/, "khóa là mã tỉnh ('31') hoặc mã@năm bắt đầu hiệu lực ('15@2000')"), deadline).default({}),
  defaultDeadline: deadline.default({ dn: '10-31', cn: '06-30' }),
  approvalGate: z.array(gateRule).default([{ rule: 'HS-REQ-trang_thai', max_failed: 0 }]),
  qualityBands: qualityBands.default(DEFAULT_QUALITY_BANDS.map((b) => ({ ...b }))),
});

const schema = fields.superRefine((c, ctx) => {
  if (c.CSDL_DATABASE_URL && !c.CSDL_PSEUDONYM_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['CSDL_PSEUDONYM_SECRET'],
      message: 'bắt buộc khi CSDL_DATABASE_URL chỉ tới một nguồn thật (đặt một bí mật từ 16 ký tự và giữ nguyên)',
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
  api: Readonly<{ connections: number; queueTimeoutMs: number; maxQueue: number; cacheBytes: number; warmSeconds: number }>;
  /** DuckDB threads while a pipeline run is in progress inside `csdl serve` / `csdl run`. */
  pipelineThreads: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Pipeline runs of `csdl serve` and `csdl run`: the cron expression (null: off) and its time zone. */
  schedule: Readonly<{ cron: string | null; timezone: string }>;
  /** Tries per pipeline step on a transient failure, and the first wait between them (doubled each time). */
  jobs: Readonly<{ attempts: number; backoffMs: number }>;
  /**
   * Deliveries to reporting systems: the key sealing their shared secrets (null with a real source
   * that set none: push consumers cannot be registered), tries per push, and each try's timeout.
   */
  delivery: Readonly<{ key: string | null; attempts: number; timeoutMs: number }>;
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
  /** Bands of data-quality scores shown with their colour (highest minimum first). */
  qualityBands: readonly QualityBand[];
}>;

/** A setting's name, as its environment variable. */
export type SettingName = keyof typeof fields.shape;

/** Command-line options that override settings: the value given (undefined: not given) and the option's name. */
export type ConfigOverrides = Partial<Record<SettingName, { value: string | undefined; option: string }>>;

/**
 * Reads, validates and freezes the configuration; throws ConfigError naming every problem.
 * `overrides` win over the environment and the file, and a problem with one names its option.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  const file = env.CSDL_CONFIG_FILE;
  if (file) {
    if (!existsSync(file)) problems.push(`CSDL_CONFIG_FILE: không có tệp ${file}`);
    else {
      try {
        fileValues = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`CSDL_CONFIG_FILE: ${file} không phải JSON hợp lệ (${(err as Error).message})`);
      }
    }
  }
  const raw: Record<string, unknown> = { ...fileValues };
  for (const key of Object.keys(fields.shape) as SettingName[]) {
    const v = overrides[key]?.value ?? env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  // zod's own messages in Vietnamese where a field gives none
  const parsed = schema.safeParse(raw, { error: z.locales.vi().localeError });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || '(root)';
      const option = overrides[name as SettingName];
      problems.push(`${option?.value !== undefined ? `${option.option} (${name})` : name}: ${issue.message}`);
    }
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
    api: Object.freeze({
      connections: c.CSDL_API_CONNECTIONS,
      queueTimeoutMs: c.CSDL_API_QUEUE_TIMEOUT_MS,
      maxQueue: c.CSDL_API_MAX_QUEUE,
      cacheBytes: c.CSDL_API_CACHE_MB * 1024 * 1024,
      warmSeconds: c.CSDL_API_WARM_SECONDS,
    }),
    pipelineThreads: c.CSDL_PIPELINE_THREADS,
    logLevel: c.LOG_LEVEL,
    schedule: Object.freeze({ cron: c.CSDL_SCHEDULE === 'off' ? null : c.CSDL_SCHEDULE, timezone: c.CSDL_SCHEDULE_TZ }),
    jobs: Object.freeze({ attempts: c.CSDL_JOB_ATTEMPTS, backoffMs: c.CSDL_JOB_BACKOFF_SECONDS * 1000 }),
    delivery: Object.freeze({
      key: c.CSDL_DELIVERY_KEY ?? (c.CSDL_DATABASE_URL ? null : DEMO_DELIVERY_KEY),
      attempts: c.CSDL_DELIVERY_ATTEMPTS,
      timeoutMs: c.CSDL_DELIVERY_TIMEOUT_SECONDS * 1000,
    }),
    deadlines: Object.freeze(c.deadlines),
    defaultDeadline: Object.freeze(c.defaultDeadline),
    approvalGate: Object.freeze(c.approvalGate.map((g) => Object.freeze(g))),
    qualityBands: Object.freeze([...c.qualityBands].sort((a, b) => b.min - a.min).map((b) => Object.freeze(b))),
  });
}
