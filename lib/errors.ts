/**
 * Errors the product raises on purpose. Each has a typed `code`; `transient` decides whether a
 * scheduled job retries (source down, lock held) or stops (bad config, schema drift).
 */
export class CsdlError extends Error {
  readonly code: string;
  readonly transient: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, opts: { transient?: boolean; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.transient = opts.transient ?? false;
    this.details = opts.details ?? {};
  }
}

/** Configuration is missing or invalid; the message lists every problem at once. */
export class ConfigError extends CsdlError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Cấu hình không hợp lệ (CONFIG_INVALID):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A command was asked for something it cannot do as asked (a bad option value); exits 2. */
export class UsageError extends CsdlError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('USAGE', message, { details });
  }
}

/** The source database cannot be reached; retried by scheduled runs. */
export class SourceUnavailableError extends CsdlError {
  constructor(message: string, cause?: unknown) {
    super('SOURCE_UNAVAILABLE', message, { transient: true, cause });
  }
}

/** Another process holds the warehouse file (DuckDB allows one writer). */
export class LockHeldError extends CsdlError {
  constructor(path: string, cause?: unknown) {
    super(
      'WAREHOUSE_LOCKED',
      `Kho dữ liệu ${path} đang bị một tiến trình khác giữ (\`csdl serve\` đang chạy?). ` + 'Hãy chạy lệnh qua máy chủ, hoặc dừng máy chủ trước.',
      { transient: true, cause, details: { path } },
    );
  }
}

/** The source schema differs from what the pipeline expects (missing or retyped column). */
export class SchemaDriftError extends CsdlError {
  constructor(message: string, details: Record<string, unknown>) {
    super('SCHEMA_DRIFT', message, { details });
  }
}

/** Warehouse and source snapshot disagree after a load. */
export class ReconciliationError extends CsdlError {
  constructor(message: string, details: Record<string, unknown>) {
    super('RECONCILIATION_FAILED', message, { details });
  }
}

/** A user asked for something the product refuses to do (e.g. write over real data). */
export class RefusedError extends CsdlError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('REFUSED', message, { details });
  }
}

/** Whether a failure is worth retrying: our own classification, or a network-level error. */
export function isTransient(err: unknown): boolean {
  if (err instanceof CsdlError) return err.transient;
  const code = (err as { code?: string } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === '57P03' || code === '53300';
}
