/**
 * Wraps a command's action: loads config (with the options that override settings), prints errors
 * as a clear message (never a stack trace for expected errors) and sets the exit code: 2 bad
 * config or usage, 75 transient (retry), 1 other. Commander's own usage errors exit 2 in main.ts.
 */
import { loadConfig, type Config, type ConfigOverrides } from '../lib/config.ts';
import { CsdlError, ConfigError, UsageError } from '../lib/errors.ts';
import { setLogLevel } from '../lib/log.ts';

/** The signal that interrupted a one-off command, if any (`csdl serve` installs its own handlers). */
let interruptedBy: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interruptedBy = signal;
    // nobody else stops the process on this signal (no embedded server started): the default does
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/**
 * The action of a command; `overrides` maps its options onto the settings they override.
 *
 * @example
 *   .action(action(async (config, opts) => serve(config), (opts) => ({ PORT: { value: opts.port, option: '--port' } })))
 */
export function action<A extends unknown[]>(fn: (config: Config, ...args: A) => Promise<void>, overrides?: (...args: A) => ConfigOverrides) {
  return async (...args: A): Promise<void> => {
    try {
      const config = loadConfig(process.env, overrides?.(...args));
      setLogLevel(config.logLevel);
      await fn(config, ...args);
    } catch (err) {
      process.exitCode = exitCodeFor(err);
      if (interruptedBy) {
        // the embedded PostgreSQL stops on the signal too: what failed next is its consequence
        process.exitCode = interruptedBy === 'SIGINT' ? 130 : 143;
        process.stderr.write(`csdl: bị ngắt bởi ${interruptedBy}; chưa hoàn thành việc gì (${(err as Error)?.message ?? String(err)})\n`);
      } else if (err instanceof CsdlError) {
        process.stderr.write(`csdl: [${err.code}] ${err.message}\n`);
      } else {
        process.stderr.write(`csdl: lỗi không lường trước: ${(err as Error)?.stack ?? String(err)}\n`);
      }
    }
  };
}

/** 2 for bad configuration or usage, 75 for a transient failure worth retrying, else 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) return 2;
  if (err instanceof CsdlError && err.transient) return 75;
  return 1;
}
