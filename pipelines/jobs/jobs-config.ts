/**
 * The server's own settings (beside lib/config.ts, which holds port and warehouse path), read
 * once from the environment and command-line options with zod; every problem named at once.
 *
 *   CSDL_SCHEDULE            cron expression of pipeline runs (default '0 2 * * *', 02:00 daily)
 *   CSDL_SCHEDULE_TZ         its time zone (default Asia/Ho_Chi_Minh)
 *   CSDL_JOB_ATTEMPTS        tries per step on transient failures (default 3)
 *   CSDL_JOB_BACKOFF_SECONDS first wait between tries, doubled each time (default 30)
 */
import cron from 'node-cron';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.ts';

const schema = z.object({
  CSDL_SCHEDULE: z
    .string()
    .default('0 2 * * *')
    .refine((s) => s === 'off' || cron.validate(s), 'must be a cron expression such as "0 2 * * *", or "off"'),
  CSDL_SCHEDULE_TZ: z.string().min(1).default('Asia/Ho_Chi_Minh'),
  CSDL_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  CSDL_JOB_BACKOFF_SECONDS: z.coerce.number().min(0).max(3600).default(30),
});

export type ServerConfig = Readonly<{
  /** null when scheduling is off. */
  schedule: string | null;
  timezone: string;
  attempts: number;
  backoffMs: number;
}>;

/** Reads the server settings; `overrides` (from command-line options) win over the environment. */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env, overrides: Record<string, string | undefined> = {}): ServerConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = overrides[key] ?? env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const c = parsed.data;
  return Object.freeze({
    schedule: c.CSDL_SCHEDULE === 'off' ? null : c.CSDL_SCHEDULE,
    timezone: c.CSDL_SCHEDULE_TZ,
    attempts: c.CSDL_JOB_ATTEMPTS,
    backoffMs: c.CSDL_JOB_BACKOFF_SECONDS * 1000,
  });
}
