/**
 * Who is in a school during a school year and what happens to them: the first year's learners
 * (by planned cohort, with repeaters, late starters and summer transfers), the next year's
 * (promoted, repeating, new entrants, transfers), and each year's outcomes (dropouts with
 * reasons, transfers out and in, returns, repetition decided for the next year).
 */
import { Weighted, type Rng } from './prng.ts';
import { calendar, day } from './dates.ts';
import { DROPOUT, levelOf, REPETITION, TRANSFER_OUT } from './levels.ts';
import { newLearner, type Learner } from './learner-identity.ts';
import type { Context } from './context.ts';
import type { SchoolPlan } from './school-plan.ts';

/** One row of the status history. */
export type StatusEvent = { status: number; day: number; reason: string | null };

/** A learner's year in one school. */
export type Enrolment = {
  learner: Learner;
  grade: number;
  /** loai_nhap_hoc: 0 trúng tuyển, 1 chuyển đến, 2 xét tuyển, 3 lưu ban, 4 lên lớp. */
  entry: number;
  /** Status history, oldest first; the last one is hoc_sinh.trang_thai. */
  events: StatusEvent[];
  destination: string | null;
  left: boolean;
  repeats: boolean;
  /** Added by the duplicate_active_learner defect: a second active copy of another school's learner. */
  copy: boolean;
  /** For a copy: the school whose learner it duplicates. */
  copyOf?: string;
  classDn?: string;
  classCn?: string;
};

const reasons = new Weighted([
  ['01', 25],
  ['02', 30],
  ['03', 10],
  ['04', 2],
  ['06', 18],
  ['08', 8],
  ['09', 5],
  ['10', 2],
] as const);
const destinations = new Weighted([
  ['01', 60],
  ['02', 38],
  ['03', 2],
] as const);

function yearsBehind(rng: Rng, plan: SchoolPlan, grade: number): number {
  if (grade > 100) return 0;
  if (grade > 12) return rng.int(0, 6);
  const remote = plan.zone === '04' || plan.zone === '01' ? 2 : 1;
  const base = { th: 0.02, thcs: 0.04, thpt: 0.03 }[levelOf(grade) as 'th' | 'thcs' | 'thpt'] * remote;
  const r = rng.next();
  if (r < base) return 1;
  if (r < base + 0.004) return 2;
  if (r < base + 0.005) return 3;
  if (grade <= 5 && r > 0.998) return -1;
  return 0;
}

function enrol(learner: Learner, grade: number, entry: number, events: StatusEvent[]): Enrolment {
  return { learner, grade, entry, events, destination: null, left: false, repeats: false, copy: false };
}

function entrant(rng: Rng, ctx: Context, plan: SchoolPlan, grade: number, year: number, entry: number, behind: number): Enrolment {
  const start = calendar(year).start;
  const learner = newLearner(rng, ctx, plan, ctx.learnerCode(plan.commune.province.code), grade, year, behind);
  const events: StatusEvent[] =
    entry === 1
      ? [
          { status: 10, day: rng.int(day(year, 7, 15), day(year, 8, 31)), reason: null },
          { status: 1, day: start, reason: null },
        ]
      : [{ status: 1, day: start, reason: null }];
  return enrol(learner, grade, entry, events);
}

const firstEntry = (grade: number) => (grade === 10 ? 0 : 2);
const isEntryGrade = (plan: SchoolPlan, i: number) => i === 0 || plan.grades[i] > 100;

/** The learners of a school's first generated year. */
export function firstYear(rng: Rng, ctx: Context, plan: SchoolPlan, year: number): Enrolment[] {
  const list: Enrolment[] = [];
  plan.grades.forEach((grade, i) => {
    const repetition = REPETITION[levelOf(grade)];
    for (let k = 0; k < plan.cohort[i]; k++) {
      if (isEntryGrade(plan, i) && !(grade < 100 && rng.chance(repetition * (grade === 1 ? 2 : 1)))) {
        list.push(entrant(rng, ctx, plan, grade, year, firstEntry(grade), yearsBehind(rng, plan, grade)));
      } else if (grade < 100 && (isEntryGrade(plan, i) || rng.chance(repetition))) {
        list.push(entrant(rng, ctx, plan, grade, year, 3, yearsBehind(rng, plan, grade) + 1));
      } else {
        list.push(entrant(rng, ctx, plan, grade, year, rng.chance(0.005) ? 1 : 4, yearsBehind(rng, plan, grade)));
      }
    }
  });
  receiveTransfers(rng, ctx, plan, year, list);
  decideOutcomes(rng, ctx, plan, year, list);
  return list;
}

/** The learners of the next year: promoted or repeating, new entrants, transfers in. */
export function nextYear(rng: Rng, ctx: Context, plan: SchoolPlan, previous: Enrolment[], year: number): Enrolment[] {
  const start = calendar(year).start;
  const list: Enrolment[] = [];
  const have = new Map<number, number>();
  for (const e of previous) {
    if (e.left || e.copy) continue;
    const grade = e.repeats ? e.grade : e.grade + 1;
    if (!plan.grades.includes(grade)) continue;
    list.push(enrol(e.learner, grade, e.repeats ? 3 : 4, [{ status: 1, day: start, reason: null }]));
    have.set(grade, (have.get(grade) ?? 0) + 1);
  }
  plan.grades.forEach((grade, i) => {
    const present = have.get(grade) ?? 0;
    if (isEntryGrade(plan, i)) {
      const target = Math.round(plan.cohort[i] * (0.97 + 0.07 * rng.next()));
      for (let k = present; k < target; k++) list.push(entrant(rng, ctx, plan, grade, year, firstEntry(grade), yearsBehind(rng, plan, grade)));
    } else {
      for (let k = rng.poisson(present * 0.005); k > 0; k--) list.push(entrant(rng, ctx, plan, grade, year, 1, yearsBehind(rng, plan, grade)));
    }
  });
  receiveTransfers(rng, ctx, plan, year, list);
  decideOutcomes(rng, ctx, plan, year, list);
  return list;
}

/** Learners transferred out of earlier schools of the province during a term arrive here. */
function receiveTransfers(rng: Rng, ctx: Context, plan: SchoolPlan, year: number, list: Enrolment[]): void {
  for (let i = 0; i < plan.grades.length; i++) {
    const queue = ctx.pending.get(`${year}:${plan.grades[i]}`);
    if (!queue?.length) continue;
    let take = Math.max(1, Math.round(plan.cohort[i] * 0.01));
    while (take > 0 && queue.length > 0 && queue[0].from !== plan.code) {
      const t = queue.shift()!;
      const termEnd = t.term === 1 ? calendar(year).term2 - 1 : calendar(year).end;
      list.push(
        enrol(t.learner, plan.grades[i], 1, [{ status: t.term === 1 ? 2 : 6, day: Math.min(t.day + rng.int(1, 10), Math.max(t.day, termEnd)), reason: null }]),
      );
      take--;
    }
  }
}

function decideOutcomes(rng: Rng, ctx: Context, plan: SchoolPlan, year: number, list: Enrolment[]): void {
  const cal = calendar(year);
  const remote = plan.zone === '04' || plan.zone === '01';
  const dropFactor = remote ? 1.8 : plan.zone === '02' ? 0.6 : 1;
  for (const e of list) {
    const level = levelOf(e.grade);
    const since = e.events[e.events.length - 1].day + 5;
    const r = rng.next();
    const pDrop = DROPOUT[level] * dropFactor;
    if (r < pDrop + TRANSFER_OUT) {
      const t = rng.next();
      const [term, from, to] = t < 0.35 ? [1, cal.start + 10, cal.term2 - 1] : t < 0.8 ? [2, cal.term2, cal.end] : [3, cal.end + 1, cal.summerEnd];
      if (Math.max(from, since) > to) continue;
      const when = rng.int(Math.max(from, since), to);
      e.left = true;
      if (r < pDrop) {
        e.events.push({ status: term === 1 ? 5 : term === 2 ? 9 : 12, day: when, reason: reasons.draw(rng) });
        if (term === 1 && rng.chance(0.1)) {
          e.events.push({ status: 7, day: rng.int(cal.term2, cal.term2 + 40), reason: null });
          e.left = false;
        }
      } else {
        e.events.push({ status: term === 1 ? 4 : term === 2 ? 8 : 11, day: when, reason: null });
        e.destination = destinations.draw(rng);
        if (e.destination === '01' && term !== 3) {
          const key = `${year}:${e.grade}`;
          if (!ctx.pending.has(key)) ctx.pending.set(key, []);
          ctx.pending.get(key)!.push({ learner: e.learner, day: when, term: term as 1 | 2, from: plan.code });
        }
      }
    } else if (level !== 'mn') {
      const gradeFactor = e.grade === 1 ? 2 : e.grade <= 5 ? 0.75 : 1;
      e.repeats = rng.chance(REPETITION[level] * gradeFactor * (remote ? 1.5 : 1));
    }
  }
}
