/**
 * Classes of a school in a year and the assignment of learners to them: per grade by target class
 * size (level and zone), mixed-age preschool groups when an age group is small, multi-grade
 * classes (lớp ghép) at satellite sites of remote primary schools, and a few class changes
 * during the year (ma_lop_hoc_cn differs from ma_lop_hoc_dn).
 */
import type { Rng } from './prng.ts';
import { CLASS_SIZE, khoiOf, levelOf } from './levels.ts';
import type { Enrolment } from './enrolment.ts';
import type { SchoolPlan } from './school-plan.ts';

/** A class and its learners. */
export type SchoolClass = {
  code: string;
  name: string;
  grade: number;
  /** Preschool age groups mixed in the class (DM_NHOM_TUOI_MN as grades 101..106). */
  ageGroups: number[];
  site: string | null;
  mergedGroup: string | null;
  members: Enrolment[];
};

const letters = 'ABCDEFGHIKLMNOPQRSTUVXY';
const preschoolNames: Record<number, string> = { 101: 'Nhà trẻ', 102: 'Nhà trẻ', 103: 'Nhà trẻ', 104: 'Mầm', 105: 'Chồi', 106: 'Lá' };

/** The grade part of a class code: '01'..'15', or 'MN1'..'MN6' for preschool age groups. */
const codePart = (grade: number) => (grade > 100 ? `MN${grade - 100}` : khoiOf(grade));

function targetSize(plan: SchoolPlan, grade: number): number {
  return (grade > 100 && grade <= 103 ? CLASS_SIZE.nt : CLASS_SIZE[levelOf(grade)])[plan.zone];
}

/** Groups learners into bins that become classes: one bin per grade, small preschool age groups merged. */
function bins(plan: SchoolPlan, byGrade: Map<number, Enrolment[]>): Array<{ grades: number[]; members: Enrolment[] }> {
  const out: Array<{ grades: number[]; members: Enrolment[] }> = [];
  let current: { grades: number[]; members: Enrolment[] } | null = null;
  for (const grade of plan.grades) {
    const members = byGrade.get(grade) ?? [];
    if (grade <= 100) {
      if (members.length) out.push({ grades: [grade], members });
      continue;
    }
    if (current && (grade === 104 || current.members.length >= targetSize(plan, grade) * 0.6)) {
      out.push(current);
      current = null;
    }
    if (!members.length) continue;
    current = current ? { grades: [...current.grades, grade], members: [...current.members, ...members] } : { grades: [grade], members: [...members] };
  }
  if (current) out.push(current);
  return out;
}

/**
 * Builds the classes and sets each enrolment's classDn / classCn. `sizeFactor` scales the target
 * class size (the outlier_value defect uses it to build oversized classes).
 */
export function buildClasses(rng: Rng, plan: SchoolPlan, year: number, list: Enrolment[], sites: string[], sizeFactor: number): SchoolClass[] {
  const byGrade = new Map<number, Enrolment[]>();
  for (const e of list) {
    if (!byGrade.has(e.grade)) byGrade.set(e.grade, []);
    byGrade.get(e.grade)!.push(e);
  }
  const classes: SchoolClass[] = [];
  const prefix = `${plan.code}.${year % 100}.`;
  let merged = 0;
  const primary = plan.grades.includes(1) && (plan.zone === '04' || plan.zone === '01') && sites.length > 0;
  if (primary && sizeFactor === 1) {
    for (const g of [1, 3]) {
      const a = byGrade.get(g) ?? [];
      const b = byGrade.get(g + 1) ?? [];
      if (a.length < 30 || b.length < 30 || !rng.chance(0.5)) continue;
      const group = `${prefix}G${++merged}`;
      const site = rng.pick(sites);
      const take = rng.int(5, 9);
      for (const [grade, pool] of [
        [g, a],
        [g + 1, b],
      ] as const) {
        const members = pool.splice(0, take);
        classes.push({
          code: `${prefix}${codePart(grade)}G${merged}`,
          name: `${g}+${g + 1} ghép ${merged}`,
          grade,
          ageGroups: [],
          site,
          mergedGroup: group,
          members,
        });
      }
    }
  }
  for (const bin of bins(plan, byGrade)) {
    const grade = bin.grades[0];
    const count = Math.max(1, Math.round(bin.members.length / (targetSize(plan, grade) * sizeFactor)));
    rng.shuffle(bin.members);
    const made: SchoolClass[] = [];
    for (let i = 0; i < count; i++) {
      const letter = letters[i % letters.length] + (i >= letters.length ? String(Math.floor(i / letters.length)) : '');
      const name =
        grade > 100 ? `${bin.grades.length > 1 ? 'Lớp ghép' : preschoolNames[grade]} ${i + 1}` : grade >= 10 ? `${grade}A${i + 1}` : `${grade}${letter}`;
      const site = sites.length && grade <= 5 && (grade > 100 || plan.zone !== '02') && rng.chance(0.35) ? rng.pick(sites) : null;
      made.push({
        code: `${prefix}${codePart(grade)}${String(i + 1).padStart(2, '0')}`,
        name,
        grade,
        ageGroups: bin.grades,
        site,
        mergedGroup: null,
        members: [],
      });
    }
    bin.members.forEach((e, i) => made[i % count].members.push(e));
    classes.push(...made);
  }
  for (const c of classes) {
    for (const e of c.members) {
      e.classDn = c.code;
      e.classCn = c.code;
    }
  }
  const byGradeClasses = new Map<number, SchoolClass[]>();
  for (const c of classes) if (!c.mergedGroup) byGradeClasses.set(c.grade, [...(byGradeClasses.get(c.grade) ?? []), c]);
  for (const e of list) {
    const options = byGradeClasses.get(e.grade);
    if (options && options.length > 1 && rng.chance(0.01)) e.classCn = rng.pick(options).code;
  }
  return classes;
}
