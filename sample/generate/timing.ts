/**
 * When a school enters its data in a year: the start-of-year (ĐN) window ends on a day between
 * mid-September and the province's deadline (31/10 unless configured), or, for a late unit,
 * well after it; end-of-year (CN) changes fall in May-June before the CN deadline.
 */
import type { Rng } from './prng.ts';
import { calendar, deadlineDay } from './dates.ts';
import { DEADLINES, DEFAULT_DEADLINE } from './presets.ts';
import type { Timing } from './rows.ts';
import type { SchoolPlan } from './school-plan.ts';

/** The deadline that applies to a school in a year: its province of that year. */
export function deadlineOf(plan: SchoolPlan, year: number): { dn: number; cn: number } {
  const province = year < 2025 ? plan.commune.province.code : plan.newProvince.code;
  const d = DEADLINES[province] ?? DEFAULT_DEADLINE;
  return { dn: deadlineDay(d.dn, year), cn: deadlineDay(d.cn, year + 1) };
}

/** The school's data-entry windows in `year`; `late` puts the whole ĐN window after the deadline. */
export function timingFor(rng: Rng, plan: SchoolPlan, year: number, late: boolean): Timing {
  const cal = calendar(year);
  const deadline = deadlineOf(plan, year);
  let dnTo: number;
  let dnFrom: number;
  if (late) {
    dnFrom = deadline.dn + rng.int(5, 10);
    dnTo = dnFrom + rng.int(3, 15);
  } else {
    const span = deadline.dn - cal.start;
    dnTo = cal.start + Math.round(span * (0.35 + 0.65 * Math.sqrt(rng.next())));
    dnFrom = Math.max(cal.start, dnTo - rng.int(4, 20));
  }
  const cnTo = deadline.cn - rng.int(0, 25);
  return { dnFrom, dnTo, cnFrom: Math.max(cal.end - 15, cnTo - 14), cnTo };
}
