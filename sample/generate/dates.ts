/**
 * Calendar helpers on whole days (days since 1970-01-01, UTC) and timestamps in Vietnam's time
 * zone (+07). Everything is computed from numbers, never from the wall clock.
 */
import type { Rng } from './prng.ts';

const DAY_MS = 86_400_000;

/** Day number of a calendar date. */
export function day(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / DAY_MS;
}

// Formatting dates is hot (hundreds of millions of calls nationally): cache per day and second.
const OFFSET = 40_000;
const dayText: string[] = [];
const clockText: string[] = [];

/** 'YYYY-MM-DD' of a day number. */
export function isoDate(d: number): string {
  const i = d + OFFSET;
  return dayText[i] ?? (dayText[i] = new Date(d * DAY_MS).toISOString().slice(0, 10));
}

/** The CSDL's pushed date format: '2012-01-09T00:00:00.0'. */
export function pushedDate(d: number): string {
  return isoDate(d) + 'T00:00:00.0';
}

/** Year of a day number. */
export function yearOf(d: number): number {
  return new Date(d * DAY_MS).getUTCFullYear();
}

/** A uniformly random day in [from, to]. */
export function randomDay(rng: Rng, from: number, to: number): number {
  return rng.int(from, Math.max(from, to));
}

/** A random birth day within a calendar year (or a part of it, months inclusive). */
export function birthDay(rng: Rng, year: number, fromMonth = 1, toMonth = 12): number {
  return randomDay(rng, day(year, fromMonth, 1), day(toMonth === 12 ? year + 1 : year, toMonth === 12 ? 1 : toMonth + 1, 1) - 1);
}

/**
 * A timestamp during office hours of a day, in seconds since the epoch (UTC);
 * `timestamp()` renders it in +07.
 */
export function officeTime(rng: Rng, d: number): number {
  // 07:30 to 17:30 local time = 00:30 to 10:30 UTC
  return d * 86_400 + 1_800 + rng.int(0, 36_000);
}

/** 'YYYY-MM-DD HH:MM:SS+07' for whole seconds since the epoch. */
export function timestamp(seconds: number): string {
  const local = seconds + 7 * 3600;
  const d = Math.floor(local / 86_400);
  const s = local - d * 86_400;
  const clock = clockText[s] ?? (clockText[s] = new Date(s * 1000).toISOString().slice(11, 19));
  return isoDate(d) + ' ' + clock + '+07';
}

/** MM-DD deadline string to a day number in the given year. */
export function deadlineDay(mmdd: string, year: number): number {
  return day(year, Number(mmdd.slice(0, 2)), Number(mmdd.slice(3, 5)));
}

/** School-year calendar of nam_hoc Y: start 05/09/Y, term 2 from 16/01/Y+1, end 31/05/Y+1. */
export function calendar(year: number) {
  return {
    start: day(year, 9, 5),
    census: day(year, 9, 30),
    term2: day(year + 1, 1, 16),
    end: day(year + 1, 5, 31),
    summerEnd: day(year + 1, 6, 25),
  };
}
