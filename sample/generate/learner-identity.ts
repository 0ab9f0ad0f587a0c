/**
 * A learner's identity, kept across school years: code, name, birth, sex, ethnicity, disability,
 * parents and contacts. Per-year facts (grade, class, status) live in the enrolment.
 */
import { Weighted, type Rng } from './prng.ts';
import { birthDay, yearOf } from './dates.ts';
import { onAge, levelOf } from './levels.ts';
import { addressLine, familyName, mobilePhone, personName, personalEmail } from './names.ts';
import type { SchoolPlan } from './school-plan.ts';
import type { Context } from './context.ts';

/** Who a learner is, the same in every year. */
export type Learner = {
  code: string;
  name: string;
  sex: number;
  birth: number;
  ethnic: string;
  religion: string;
  disability: string | null;
  mother: string;
  father: string;
  motherBirth: number;
  fatherBirth: number;
  guardianIsFather: boolean;
  motherPhone: string;
  fatherPhone: string;
  email: string | null;
  citizenId: string;
  address: string;
  birthProvince: string;
};

const disabilities = new Weighted([
  ['01', 25],
  ['02', 15],
  ['03', 12],
  ['04', 18],
  ['05', 22],
  ['06', 8],
] as const);
const kinhReligion = new Weighted([
  ['99', 86],
  ['01', 6],
  ['02', 7],
  ['05', 1],
] as const);
const kinhReligionKhmer = new Weighted([
  ['01', 90],
  ['99', 10],
] as const);
const minorityReligion = new Weighted([
  ['99', 84],
  ['08', 12],
  ['01', 3],
  ['02', 1],
] as const);

/** Probability that a learner of this school belongs to an ethnic minority. */
export function minorityShare(plan: SchoolPlan): number {
  const m = plan.profile.minority;
  const factor = plan.zone === '04' || plan.zone === '01' ? 1.12 : plan.zone === '03' ? 0.75 : 0.45;
  return Math.min(0.97, m * factor);
}

/**
 * A new learner for `grade` in school year `year`; `yearsBehind` makes them older than on-age
 * (repeaters, late starters).
 */
export function newLearner(rng: Rng, ctx: Context, plan: SchoolPlan, code: string, grade: number, year: number, yearsBehind: number): Learner {
  const sex = rng.chance(0.515) ? 1 : 2;
  const ethnic = rng.chance(minorityShare(plan)) ? plan.profile.groups.draw(rng) : '01';
  const age = onAge(grade) + yearsBehind;
  const birth = grade === 101 ? birthDay(rng, year, 1, 6) : birthDay(rng, year - age);
  const by = yearOf(birth);
  const motherYear = by - rng.int(19, 38);
  const fatherYear = motherYear - rng.int(-1, 6);
  const family = familyName(rng, ethnic);
  const father = personName(rng, 1, ethnic, family);
  const mother = personName(rng, 2, ethnic);
  const guardianIsFather = rng.chance(0.55);
  const level = levelOf(grade);
  const disabledRate = level === 'mn' ? 0.006 : 0.015;
  return {
    code,
    name: personName(rng, sex, ethnic, family),
    sex,
    birth,
    ethnic,
    religion: (ethnic === '01' ? kinhReligion : ethnic === '05' ? kinhReligionKhmer : minorityReligion).draw(rng),
    disability: rng.chance(disabledRate) ? disabilities.draw(rng) : null,
    mother,
    father,
    motherBirth: birthDay(rng, motherYear),
    fatherBirth: birthDay(rng, fatherYear),
    guardianIsFather,
    motherPhone: mobilePhone(rng),
    fatherPhone: mobilePhone(rng),
    email: rng.chance(0.15) ? personalEmail(rng, guardianIsFather ? father : mother) : null,
    citizenId: ctx.citizenId(plan.commune.province.code, sex, by),
    address: addressLine(rng, plan.zone === '02', plan.zone === '04'),
    birthProvince: plan.commune.province.name,
  };
}
