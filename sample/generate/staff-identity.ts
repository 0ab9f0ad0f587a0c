/**
 * A staff member (cán bộ) as kept across school years: group (01 managers, 02 staff, 03
 * teachers), level taught, qualification consistent with the 2019 Education Law standard,
 * contract, salary grade, evaluation and personal data.
 */
import { Weighted, type Rng } from './prng.ts';
import { birthDay, day, yearOf } from './dates.ts';
import { FEMALE_TEACHERS, LEVEL_CAP, QUALIFIED, type Level } from './levels.ts';
import { mobilePhone, oldIdCard, personName, personalEmail } from './names.ts';
import type { SchoolPlan } from './school-plan.ts';
import type { Context } from './context.ts';

/** A staff member, the same across years. */
export type StaffMember = {
  code: string;
  group: '01' | '02' | '03';
  role: string | null;
  level: Level;
  name: string;
  sex: number;
  birth: number;
  ethnic: string;
  qualification: string;
  standard: string | null;
  major: string;
  subject: string | null;
  contract: string;
  ngach: string;
  hired: number;
  evaluation: string;
  selfEvaluation: string;
  idCard: string;
  citizenId: string;
  phone: string;
  email: string | null;
  father: string;
  mother: string;
  spouse: string | null;
  /** Set when the member joined by transfer this year (trang_thai 07). */
  transferredIn: boolean;
};

const w = <T extends string>(entries: Array<[T, number]>) => new Weighted(entries);
const qualifiedPreschool = w([
  ['17', 45],
  ['16', 40],
  ['14', 3],
  ['13', 7],
  ['02', 5],
]);
const unqualifiedPreschool = w([
  ['18', 88],
  ['15', 12],
]);
const qualifiedGeneral = w([
  ['16', 80],
  ['13', 8],
  ['02', 11],
  ['01', 1],
]);
const qualifiedUpper = w([
  ['16', 70],
  ['13', 6],
  ['02', 23],
  ['01', 1],
]);
const unqualifiedGeneral = w([
  ['17', 75],
  ['14', 10],
  ['18', 15],
]);
const staffQualification = w([
  ['03', 35],
  ['04', 30],
  ['05', 30],
  ['06', 5],
]);
const primarySubjects = w([
  ['09', 75],
  ['07', 8],
  ['08', 6],
  ['05', 4],
  ['19', 4],
  ['10', 3],
]);
const secondarySubjects = w([
  ['22', 22],
  ['20', 20],
  ['07', 12],
  ['23', 7],
  ['17', 6],
  ['21', 6],
  ['18', 6],
  ['06', 5],
  ['16', 3],
  ['10', 4],
  ['08', 5],
  ['24', 3],
  ['25', 1],
]);
const majors: Record<string, string> = {
  '22': '140209',
  '20': '140217',
  '07': '140231',
  '23': '140211',
  '17': '140212',
  '21': '140213',
  '18': '140218',
  '06': '140219',
  '16': '140204',
  '10': '140210',
  '08': '140206',
  '24': '140246',
  '25': '140208',
  '05': '140221',
  '19': '140222',
  '09': '140202',
};
const evaluations = w([
  ['01', 35],
  ['02', 47],
  ['03', 16],
  ['05', 2],
]);
const staffRoles = ['15', '16', '11', '09', '10', '17', '12'];
const ngachByLevel: Record<Level, Array<[string, number]>> = {
  mn: [
    ['02', 60],
    ['01', 25],
    ['03', 15],
  ],
  th: [
    ['05', 60],
    ['04', 25],
    ['06', 15],
  ],
  thcs: [
    ['09', 55],
    ['08', 35],
    ['07', 10],
  ],
  thpt: [
    ['12', 55],
    ['11', 38],
    ['10', 7],
  ],
  gdtx: [
    ['12', 60],
    ['11', 35],
    ['10', 5],
  ],
};
const ngach = Object.fromEntries(Object.entries(ngachByLevel).map(([k, v]) => [k, new Weighted(v)])) as Record<Level, Weighted<string>>;

/** Qualification (DM_TRINH_DO_CHUYEN_MON) and training standard (DM_CHUAN_DAO_TAO) of a teacher or manager. */
export function qualificationOf(rng: Rng, level: Level): { qualification: string; standard: string } {
  const qualified = rng.chance(QUALIFIED[level]);
  if (level === 'mn') {
    const q = (qualified ? qualifiedPreschool : unqualifiedPreschool).draw(rng);
    return { qualification: q, standard: q === '17' || q === '14' ? '01' : qualified ? '02' : '03' };
  }
  const q = qualified ? (level === 'thpt' ? qualifiedUpper : qualifiedGeneral).draw(rng) : unqualifiedGeneral.draw(rng);
  return { qualification: q, standard: q === '16' || q === '13' ? '01' : qualified ? '02' : '03' };
}

/** A new staff member of `group` for a school, hired before the start of `year`. */
export function newStaff(
  rng: Rng,
  ctx: Context,
  plan: SchoolPlan,
  code: string,
  group: '01' | '02' | '03',
  role: string | null,
  level: Level,
  year: number,
  minority: number,
): StaffMember {
  const female = group === '03' ? FEMALE_TEACHERS[level] : group === '01' ? (level === 'mn' ? 0.95 : 0.5) : 0.65;
  const sex = rng.chance(female) ? 2 : 1;
  const age = group === '01' ? rng.int(36, 58) : rng.int(23, sex === 2 ? 56 : 59);
  const birth = birthDay(rng, year - age);
  const ethnic = rng.chance(minority) ? plan.profile.groups.draw(rng) : '01';
  const name = personName(rng, sex, ethnic);
  const hired = Math.min(day(year, 8, 15), birth + 365 * rng.int(22, 27) + rng.int(0, 300));
  const isTeacher = group !== '02';
  const { qualification, standard } = isTeacher ? qualificationOf(rng, level) : { qualification: staffQualification.draw(rng), standard: null };
  const subject =
    group !== '03' ? null : level === 'mn' ? (rng.chance(0.2) ? '02' : '01') : level === 'th' ? primarySubjects.draw(rng) : secondarySubjects.draw(rng);
  const publicSchool = plan.ownership === '01';
  const contract = publicSchool
    ? (group === '02'
        ? w([
            ['07', 40],
            ['03', 20],
            ['04', 20],
            ['02', 20],
          ])
        : w([
            ['07', 78],
            ['08', 10],
            ['03', 7],
            ['04', 5],
          ])
      ).draw(rng)
    : w([
        ['03', 55],
        ['04', 30],
        ['06', group === '03' ? 15 : 0],
      ]).draw(rng);
  const cccd = ctx.citizenId(plan.commune.province.code, sex, yearOf(birth));
  return {
    code,
    group,
    role: group === '02' ? (role ?? rng.pick(staffRoles)) : role,
    level,
    name,
    sex,
    birth,
    ethnic,
    qualification,
    standard,
    major: level === 'mn' ? '140201' : subject ? (majors[subject] ?? '000000') : isTeacher ? (level === 'th' ? '140202' : '140209') : '000000',
    subject,
    contract,
    ngach: !publicSchool ? '66' : group === '02' ? rng.pick(['16', '19', '22', '33', '36']) : ngach[level].draw(rng),
    hired,
    evaluation: isTeacher ? evaluations.draw(rng) : '04',
    selfEvaluation: isTeacher ? evaluations.draw(rng) : '04',
    idCard: age >= 35 && rng.chance(0.5) ? oldIdCard(rng) : cccd,
    citizenId: cccd,
    phone: mobilePhone(rng),
    email: rng.chance(0.7) ? personalEmail(rng, name) : null,
    father: personName(rng, 1, ethnic, name.split(' ')[0]),
    mother: personName(rng, 2, ethnic),
    spouse: rng.chance(0.75) ? personName(rng, sex === 1 ? 2 : 1, rng.chance(0.9) ? ethnic : '01') : null,
    transferredIn: false,
  };
}

/** DM_CAP_HOC code of the level a member teaches. */
export const capOf = (level: Level) => LEVEL_CAP[level];
