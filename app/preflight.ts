/**
 * Checks a command makes before it starts work, so that a setting that cannot work stops it at
 * once, with every problem named, instead of after a sample was generated or the pipeline ran.
 */
import { createServer } from 'node:net';
import { ConfigError } from '../lib/errors.ts';
import { warehouseWriteProblem } from '../lib/warehouse.ts';

/** Why nothing can listen on `host:port` now (in use, not permitted), or null when it can. */
export async function listenProblem(host: string, port: number): Promise<string | null> {
  if (port === 0) return null;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(portProblem(host, port, err)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** The problem an error of listening on `host:port` means, in the terms of the settings. */
export function portProblem(host: string, port: number, err: NodeJS.ErrnoException): string {
  const why =
    err.code === 'EADDRINUSE'
      ? 'đang bị một tiến trình khác dùng; hãy dừng tiến trình đó hoặc chọn cổng khác'
      : err.code === 'EACCES'
        ? 'cần quyền mà tiến trình này không có; hãy chọn cổng lớn hơn 1023'
        : `không lắng nghe được (${err.code ?? err.message})`;
  return `PORT (hoặc --port): ${host}:${port} ${why}`;
}

/** Throws ConfigError naming every check that fails: the warehouse file can be written, the HTTP port is free. */
export async function preflight(checks: { warehouse?: string; listen?: { host: string; port: number } }): Promise<void> {
  const problems = [
    checks.warehouse === undefined ? null : warehouseWriteProblem(checks.warehouse),
    checks.listen ? await listenProblem(checks.listen.host, checks.listen.port) : null,
  ].filter((p): p is string => p !== null);
  if (problems.length) throw new ConfigError(problems);
}
