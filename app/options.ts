/**
 * Parsers of command-line option values. A bad value is a usage error that commander reports
 * before the command starts any work (exit code 2, app/main.ts).
 */
import { InvalidArgumentError } from 'commander';
import { PRESETS, type Preset } from '../sample/generate/presets.ts';

/** A seed: an integer from 0 to 2^32 - 1. */
export function seedOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) throw new InvalidArgumentError('cần một số nguyên từ 0 đến 4.294.967.295');
  return n;
}

/** A multiplier of the defect rates, from 0 to 50. */
export function rateOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 50) throw new InvalidArgumentError('cần một số từ 0 đến 50');
  return n;
}

/** One of `values`, e.g. `--kind admin`. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`cần một trong các giá trị ${values.join(', ')}`);
    return value as T;
  };
}

/** A sample preset of the generator. */
export const presetOption: (value: string) => Preset = oneOf(PRESETS);

/** A whole number from 1 to `max`, e.g. `-n 10`. */
export function countOption(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`cần một số nguyên từ 1 đến ${max}`);
    return n;
  };
}
