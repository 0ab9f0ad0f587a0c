/**
 * Levels (cấp học) and their parameters: learners per person nationally (the Ministry's snapshot of
 * 04/09/2024, school year 2024-2025),
 * non-public shares, target class sizes by zone, teachers per class, repetition and dropout.
 *
 * Grades are numbered internally: 101..106 for the preschool age groups DM_NHOM_TUOI_MN 01..06
 * (101..103 in nhóm trẻ, khối 16; 104..106 in mẫu giáo, khối 17), 1..12 for general education,
 * 13..15 for continuing education (GDTX, khối 13..15).
 */
/** A level (cấp học): mầm non, tiểu học, THCS, THPT, GDTX. */
export type Level = 'mn' | 'th' | 'thcs' | 'thpt' | 'gdtx';

/** DM_CAP_HOC code of a level. */
export const LEVEL_CAP: Record<Level, string> = { mn: '01', th: '02', thcs: '03', thpt: '04', gdtx: '05' };

/** The level of an internal grade. */
export function levelOf(grade: number): Level {
  if (grade > 100) return 'mn';
  if (grade <= 5) return 'th';
  if (grade <= 9) return 'thcs';
  if (grade <= 12) return 'thpt';
  return 'gdtx';
}

/** khoi_hoc of an internal grade: '01'..'15', '16' nhóm trẻ, '17' mẫu giáo. */
export function khoiOf(grade: number): string {
  if (grade > 100) return grade <= 103 ? '16' : '17';
  return String(grade).padStart(2, '0');
}

/** Age reached in the calendar year the school year starts, for an on-age learner. */
export function onAge(grade: number): number {
  if (grade > 100) return grade === 101 ? 0 : grade === 102 ? 1 : grade - 101;
  if (grade <= 12) return grade + 5;
  return grade + 3;
}

/** National learners 2024-2025 (Ministry snapshot 04/09/2024) by level and ownership. */
export const NATIONAL = {
  mn: { public: 445_640 + 3_321_428, nonPublic: 250_669 + 795_652 },
  th: { public: 8_695_206, nonPublic: 155_094 },
  thcs: { public: 6_414_871, nonPublic: 99_390 },
  thpt: { public: 2_652_917, nonPublic: 334_533 },
};

/** Target learners per class by zone (01 border, 02 urban, 03 plain, 04 mountain). */
export const CLASS_SIZE: Record<Level | 'nt', Record<string, number>> = {
  nt: { '01': 14, '02': 22, '03': 18, '04': 14 },
  mn: { '01': 22, '02': 32, '03': 28, '04': 22 },
  th: { '01': 24, '02': 36, '03': 31, '04': 25 },
  thcs: { '01': 32, '02': 42, '03': 39, '04': 33 },
  thpt: { '01': 36, '02': 43, '03': 41, '04': 37 },
  gdtx: { '01': 30, '02': 38, '03': 36, '04': 30 },
};

/** Teachers per class (staffing norm as practised). */
export const TEACHERS_PER_CLASS: Record<Level, number> = { mn: 2.0, th: 1.4, thcs: 1.9, thpt: 2.2, gdtx: 1.6 };

/** Share of teachers meeting the 2019 Education Law standard (end of 2023-2024). */
export const QUALIFIED: Record<Level, number> = { mn: 0.893, th: 0.899, thcs: 0.938, thpt: 0.999, gdtx: 0.97 };

/** Share of female teachers. */
export const FEMALE_TEACHERS: Record<Level, number> = { mn: 0.98, th: 0.8, thcs: 0.7, thpt: 0.62, gdtx: 0.55 };

/** Repetition per learner and year (grade 1 x2, grades 2-5 x0.75, remote x1.5). */
export const REPETITION: Record<Level, number> = { mn: 0, th: 0.01, thcs: 0.015, thpt: 0.008, gdtx: 0.02 };
/** Dropout per year (statuses 05/09/12), before the zone factor (x1.8 remote, x0.6 urban). */
export const DROPOUT: Record<Level, number> = { mn: 0.002, th: 0.002, thcs: 0.01, thpt: 0.015, gdtx: 0.05 };
/** Transfers out per learner and year. */
export const TRANSFER_OUT = 0.012;
