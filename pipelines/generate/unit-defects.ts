/**
 * Unit-level defects, decided on the whole plan before any row is generated: schools that report
 * late (late_unit), do not report at all (missing_unit), jump between years (period_jump) or
 * declare extreme classes (outlier_value). One such defect per school at most; each kind gets
 * at least its minimum count.
 */
import { Rng } from './prng.ts';
import { DEFECT_RATES } from './defect-kinds.ts';
import type { SchoolPlan, UnitDefectKind } from './school-plan.ts';

const YEARS = [2024, 2025];

function eligible(kind: UnitDefectKind, plan: SchoolPlan): boolean {
  const learners = plan.cohort.reduce((s, n) => s + n, 0);
  if (kind === 'period_jump') return learners >= 80 && plan.group !== '19';
  if (kind === 'outlier_value') return plan.grades[0] <= 12 && learners / plan.grades.length >= 75;
  return true;
}

/** Marks `unitDefect` on some plans (at least `minimum` of each kind, fewer on very small plans). */
export function assignUnitDefects(plans: SchoolPlan[], seed: number, multiplier: number, minimum: number): void {
  const rng = Rng.derive(seed, 0x5eed);
  const floor = Math.min(minimum, Math.max(1, Math.floor(plans.length / 12)));
  const kinds: UnitDefectKind[] = ['missing_unit', 'period_jump', 'outlier_value', 'late_unit'];
  for (const kind of kinds) {
    const perSchool = kind === 'period_jump' ? DEFECT_RATES[kind] : DEFECT_RATES[kind] * YEARS.length;
    const rate = Math.min(0.5, perSchool * multiplier);
    let count = 0;
    const pick = (plan: SchoolPlan) => {
      const year = kind === 'period_jump' ? 2025 : rng.pick(YEARS);
      const factor = kind === 'period_jump' ? (rng.chance(0.5) ? 0.45 : 1.8) : kind === 'outlier_value' ? 3.5 : 1;
      plan.unitDefect = { kind, year, factor };
      count++;
    };
    for (const plan of plans) if (!plan.unitDefect && eligible(kind, plan) && rng.chance(rate)) pick(plan);
    const free = plans.filter((p) => !p.unitDefect && eligible(kind, p));
    for (const i of rng.sample(free.length, Math.max(0, floor - count))) pick(free[i]);
  }
}
