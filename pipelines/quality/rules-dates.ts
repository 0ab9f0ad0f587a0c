/**
 * Validity of dates and ages, and malformed values the ETL keeps as pushed:
 *   FMT   a value not in its expected format (a birth date typed '05/01/2014' or 'không rõ',
 *         a room area '45m2'): the detail names the field and the kind of the raw value,
 *         never the value (birth dates are personal);
 *   DATE  a date that cannot be true (not a calendar day, after the census day, before birth);
 *   AGE   an age implausible for the grade (learners) or for work (staff).
 */
import type { RecordRule } from './rule.ts';
import { pushedDate, valueKind } from './sql-fragments.ts';

type Draft = Omit<RecordRule, 'kind' | 'level' | 'weight'> & { weight?: number };
const record = (d: Draft): RecordRule => ({ kind: 'population', level: 'record', weight: 1, ...d });

/** Ages accepted per khối, around the official age (khối + 5 for grades 1-12). */
export const AGE_BAND = { belowOfficial: 2, aboveOfficial: 7, nhomTre: [0, 3], mauGiao: [2, 6], gdtxBelowOfficial: 2 } as const;
/** Working ages accepted for staff on the census day. */
export const STAFF_AGE = { min: 18, max: 65 } as const;

const birthFormat = (table: string, prefix: string, vi: string, en: string): RecordRule =>
  record({
    id: `${prefix}-FMT-ngay_sinh`,
    dimension: 'validity',
    family: 'format',
    table,
    field: 'ngay_sinh',
    vi: `Ngày sinh của ${vi} không đúng định dạng (yyyy-mm-dd)`,
    en: `Birth date of the ${en} not in the pushed format (yyyy-mm-dd)`,
    population: table,
    applies: `nullif(trim(ngay_sinh), '') is not null`,
    fails: 'not ngay_sinh_shaped',
    detail: `'ngay_sinh: ' || ${valueKind('ngay_sinh')}`,
  });

const birthPossible = (table: string, prefix: string, vi: string, en: string): RecordRule =>
  record({
    id: `${prefix}-DATE-ngay_sinh`,
    dimension: 'validity',
    family: 'date',
    table,
    field: 'ngay_sinh',
    vi: `Ngày sinh của ${vi} không thể có (không phải ngày lịch, sau ngày chốt số liệu hoặc trước 1900)`,
    en: `Birth date of the ${en} impossible (not a calendar day, after the census day, or before 1900)`,
    population: table,
    applies: 'ngay_sinh_shaped',
    fails: `ngay_sinh_date is null or ngay_sinh_date > census_day or ngay_sinh_date < date '1900-01-01'`,
    detail: `case when ${pushedDate('ngay_sinh')} is null then 'ngay_sinh: not a calendar day'
      when ${pushedDate('ngay_sinh')} > census_day then 'ngay_sinh: after the census day' else 'ngay_sinh: before 1900' end`,
  });

/** The date, format and age rules. */
export function dateRules(): RecordRule[] {
  // counting uses the birth date the population derived once per record (populations.ts);
  // details, built for the sampled records only, parse it again
  const birth = 'ngay_sinh_date';
  const validBirth = `${birth} between date '1900-01-01' and census_day`;
  const age = `(nam_hoc - year(${birth}))`;
  const detailAge = `(nam_hoc - year(${pushedDate('ngay_sinh')}))`;
  return [
    birthFormat('hoc_sinh', 'HS', 'học sinh', 'learner'),
    birthFormat('can_bo', 'CB', 'cán bộ', 'staff member'),
    record({
      id: 'PH-FMT-dien_tich',
      dimension: 'validity',
      family: 'format',
      table: 'phong_hoc',
      field: 'dien_tich',
      vi: 'Diện tích phòng học không phải là số (m²)',
      en: 'Room area is not a number (m²)',
      population: 'phong_hoc',
      applies: `nullif(trim(dien_tich), '') is not null`,
      fails: `try_cast(trim(dien_tich) as double) is null`,
      detail: `'dien_tich: ' || ${valueKind('dien_tich')}`,
    }),
    birthPossible('hoc_sinh', 'HS', 'học sinh', 'learner'),
    birthPossible('can_bo', 'CB', 'cán bộ', 'staff member'),
    record({
      id: 'HS-DATE-ngay_trang_thai',
      dimension: 'validity',
      family: 'date',
      table: 'hoc_sinh',
      field: 'ngay_trang_thai',
      vi: 'Ngày trạng thái của học sinh trước ngày sinh hoặc ngoài năm học',
      en: 'Status date of the learner before birth or outside the school year',
      population: 'hoc_sinh',
      applies: 'ngay_trang_thai is not null',
      // before birth only against a possible birth date (an impossible one is its own finding)
      fails: `(${validBirth} and ngay_trang_thai < ${birth})
        or ngay_trang_thai not between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31)`,
      detail: `case when ngay_trang_thai between make_date(nam_hoc, 6, 1) and make_date(nam_hoc + 1, 8, 31)
        then 'ngay_trang_thai: before birth' else 'ngay_trang_thai: outside the school year' end`,
    }),
    record({
      id: 'TH-DATE-ngay_thanh_lap',
      dimension: 'validity',
      family: 'date',
      table: 'truong_hoc',
      field: 'ngay_thanh_lap',
      vi: 'Ngày thành lập trường sau ngày chốt số liệu hoặc trước 1900',
      en: 'School founded after the census day or before 1900',
      population: 'truong_hoc',
      applies: 'ngay_thanh_lap is not null',
      fails: `ngay_thanh_lap > census_day or ngay_thanh_lap < date '1900-01-01'`,
    }),
    record({
      id: 'CB-DATE-ngay_tuyen_dung',
      dimension: 'validity',
      family: 'date',
      table: 'can_bo',
      field: 'ngay_tuyen_dung',
      vi: 'Ngày tuyển dụng sau ngày chốt số liệu hoặc trước 15 tuổi',
      en: 'Recruited after the census day or before the age of 15',
      population: 'can_bo',
      applies: 'ngay_tuyen_dung is not null',
      fails: `ngay_tuyen_dung > census_day or ngay_tuyen_dung < ${birth} + interval 15 year`,
    }),
    record({
      id: 'HS-AGE-khoi_hoc',
      dimension: 'validity',
      family: 'age',
      table: 'hoc_sinh',
      field: 'khoi_hoc',
      vi: 'Tuổi của học sinh không phù hợp với khối học',
      en: 'Learner age implausible for the grade (khối)',
      thresholds: { below_official_age: AGE_BAND.belowOfficial, above_official_age: AGE_BAND.aboveOfficial },
      population: 'hoc_sinh',
      applies: `${validBirth} and (khoi_hoc between 1 and 17)`,
      // official age: khối + 5 (grades 1-12), khối + 3 (GDTX 13-15); nhóm trẻ 0-3, mẫu giáo 2-6
      fails: `case
        when khoi_hoc = 16 then ${age} not between ${AGE_BAND.nhomTre[0]} and ${AGE_BAND.nhomTre[1]}
        when khoi_hoc = 17 then ${age} not between ${AGE_BAND.mauGiao[0]} and ${AGE_BAND.mauGiao[1]}
        when khoi_hoc between 13 and 15 then ${age} < khoi_hoc + 3 - ${AGE_BAND.gdtxBelowOfficial}
        else ${age} not between khoi_hoc + 5 - ${AGE_BAND.belowOfficial} and khoi_hoc + 5 + ${AGE_BAND.aboveOfficial} end`,
      detail: `'age ' || ${detailAge} || ' in khối ' || khoi_hoc`,
    }),
    record({
      id: 'CB-AGE',
      dimension: 'validity',
      family: 'age',
      table: 'can_bo',
      field: 'ngay_sinh',
      vi: `Tuổi của cán bộ ngoài độ tuổi lao động (${STAFF_AGE.min}-${STAFF_AGE.max})`,
      en: `Staff member's age outside working age (${STAFF_AGE.min}-${STAFF_AGE.max})`,
      thresholds: { min_age: STAFF_AGE.min, max_age: STAFF_AGE.max },
      population: 'can_bo',
      applies: validBirth,
      fails: `date_sub('year', ${birth}, census_day) not between ${STAFF_AGE.min} and ${STAFF_AGE.max}`,
      detail: `'age ' || date_sub('year', ${pushedDate('ngay_sinh')}, census_day)`,
    }),
  ];
}
