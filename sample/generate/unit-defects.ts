/**
 * Unit-level defects, decided on the whole plan before any row is generated: schools that report
 * late (late_unit), do not report at all (missing_unit), jump between years (period_jump) or
 * declare extreme classes (outlier_value). One such defect per school at most; each kind gets
 * at least its minimum count.
 */
import { Rng } from './prng.ts';
import { DEFECT_RATES } from './defect-kinds.ts';
import { CLASS_SIZE, levelOf } from './levels.ts';
import type { SchoolPlan, UnitDefectKind } from './school-plan.ts';

const YEARS = [2024, 2025];

/** Schools of each DM_NHOM_CAP_HOC group per new province: an outlier needs peers to stand out from. */
function peerCounts(plans: SchoolPlan[]): Map<string, number> {
  const peers = new Map<string, number>();
  for (const p of plans) peers.set(`${p.newProvince.code}:${p.group}`, (peers.get(`${p.newProvince.code}:${p.group}`) ?? 0) + 1);
  return peers;
}

function eligible(kind: UnitDefectKind, plan: SchoolPlan, peers: Map<string, number>): boolean {
  const learners = plan.cohort.reduce((s, n) => s + n, 0);
  if (kind === 'period_jump') return learners >= 80 && plan.group !== '19';
  if (kind === 'outlier_value') {
    // general education with cohorts big enough that merged classes reach more than twice the
    // usual size, and at least three other schools of the same kind in the province
    if (plan.grades[0] > 12) return false;
    const target = CLASS_SIZE[levelOf(plan.grades[0])][plan.zone];
    return learners / plan.grades.length >= 2.3 * target && (peers.get(`${plan.newProvince.code}:${plan.group}`) ?? 0) >= 4;
  }
  return true;
}

/** Marks `unitDefect` on some plans (at least `minimum` of each kind, fewer on very small plans). */
export function assignUnitDefects(plans: SchoolPlan[], seed: number, multiplier: number, minimum: number): void {
  const rng = Rng.derive(seed, 0x5eed);
  const floor = Math.min(minimum, Math.max(1, Math.floor(plans.length / 12)));
  const peers = peerCounts(plans);
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
    for (const plan of plans) if (!plan.unitDefect && eligible(kind, plan, peers) && rng.chance(rate)) pick(plan);
    const free = plans.filter((p) => !p.unitDefect && eligible(kind, p, peers));
    for (const i of rng.sample(free.length, Math.max(0, floor - count))) pick(free[i]);
  }
}
