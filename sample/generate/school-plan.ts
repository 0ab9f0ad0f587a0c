/**
 * One school as planned before any row is generated: where it is, what it serves, who owns it,
 * how many learners it has per grade in 2024, and any unit-level defect it will carry.
 */
import type { Rng } from './prng.ts';
import type { ProvinceProfile } from './provinces.ts';
import type { NewCommune, NewProvince, OldCommune } from './units.ts';

/** Defects that concern a whole school-year. */
export type UnitDefectKind = 'late_unit' | 'missing_unit' | 'period_jump' | 'outlier_value';
/** A unit-level defect: which kind, in which year, and its size factor (jump, outlier). */
export type UnitDefect = { kind: UnitDefectKind; year: number; factor: number };

/** A planned school. */
export type SchoolPlan = {
  /** Position in generation order; keys the school's random stream. */
  index: number;
  code: string;
  name: string;
  /** ma_nhom_cap_hoc (also cap_hoc), DM_NHOM_CAP_HOC. */
  group: string;
  /** loai_hinh_truong, DM_LOAI_TRUONG. */
  schoolType: string;
  /** loai_hinh_dao_tao: 01 công lập, 03 dân lập, 09 tư thục. */
  ownership: string;
  /** Internal grades served (see levels.ts). */
  grades: number[];
  /** Planned learners per grade in 2024, parallel to `grades`. */
  cohort: number[];
  zone: string;
  hardship: string | null;
  commune: OldCommune;
  newProvince: NewProvince;
  newCommune: NewCommune;
  profile: ProvinceProfile;
  specialised: boolean;
  boarding: boolean;
  unitDefect?: UnitDefect;
};

// nhà trẻ (age groups 01-03) is 11.8 % of public and 24 % of non-public preschool learners (the
// Ministry's snapshot of 04/09/2024: 445.640 of 3.767.068 public, 250.669 of 1.046.321 non-public)
const preschoolShares = {
  public: [0.002, 0.018, 0.098, 0.285, 0.292, 0.305],
  private: [0.005, 0.045, 0.14, 0.27, 0.27, 0.27],
  group: [0.02, 0.12, 0.2, 0.25, 0.22, 0.19],
};

/** Splits a school's learners over its grades, with a little noise per grade. */
export function cohorts(rng: Rng, grades: number[], learners: number, group: string, ownership: string): number[] {
  let shares: number[];
  if (grades[0] > 100) {
    shares = group === '19' ? preschoolShares.group : ownership === '01' ? preschoolShares.public : preschoolShares.private;
  } else {
    shares = grades.map(() => 1 / grades.length);
  }
  return grades.map((_, i) => Math.max(grades[0] > 100 ? 0 : 3, Math.round(learners * shares[i] * (1 + 0.07 * rng.gauss()))));
}

/** Levels a DM_NHOM_CAP_HOC group serves. */
export const GROUP_GRADES: Record<string, number[]> = {
  '01': [101, 102, 103, 104, 105, 106],
  '19': [101, 102, 103, 104, 105, 106],
  '06': [1, 2, 3, 4, 5],
  '07': [6, 7, 8, 9],
  '08': [10, 11, 12],
  '09': [1, 2, 3, 4, 5, 6, 7, 8, 9],
  '10': [6, 7, 8, 9, 10, 11, 12],
  '11': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  '12': [13, 14, 15],
  '13': [13, 14, 15],
};
