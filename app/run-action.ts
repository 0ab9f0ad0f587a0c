/**
 * Wraps a command's action: loads config, prints errors as a clear message (never a stack trace
 * for expected errors) and sets the exit code: 2 bad config or usage, 75 transient (retry), 1 other.
 */
import { loadConfig, type Config } from '../lib/config.ts';
import { CsdlError, ConfigError } from '../lib/errors.ts';
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

export function action<A extends unknown[]>(fn: (config: Config, ...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      const config = loadConfig();
      setLogLevel(config.logLevel);
      await fn(config, ...args);
    } catch (err) {
      process.exitCode = exitCodeFor(err);
      if (interruptedBy) {
        // the embedded PostgreSQL stops on the signal too: what failed next is its consequence
        process.exitCode = interruptedBy === 'SIGINT' ? 130 : 143;
        process.stderr.write(`csdl: interrupted by ${interruptedBy}; nothing was completed (${(err as Error)?.message ?? String(err)})\n`);
      } else if (err instanceof CsdlError) {
        process.stderr.write(`csdl: [${err.code}] ${err.message}\n`);
      } else {
        process.stderr.write(`csdl: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
      }
    }
  };
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError) return 2;
  if (err instanceof CsdlError && err.transient) return 75;
  return 1;
}
