/**
 * Validity of dates and ages, and malformed values the ETL keeps as pushed:
 *   FMT   a value not in its expected format (models/quality/rules/format.sql);
 *   DATE  a date that cannot be true (date.sql);
 *   AGE   an age implausible for the grade (learners) or for work (staff) (age.sql).
 * Every rule reads the birth date its population parsed once (populations.sql).
 */
import type { RecordRule } from './rule.ts';
import { recordRule, type RuleParams } from './rule-files.ts';

type Draft = Omit<RecordRule, 'kind' | 'level' | 'fails' | 'detail'>;
const record = (d: Draft, block?: string, params?: RuleParams): RecordRule => recordRule({ level: 'record', ...d }, block, params);

/** Ages accepted around the official age of grades 1-12 (khối + 5), published as the rule's thresholds. */
const AGE_BAND = { below_official_age: 2, above_official_age: 7 } as const;
/** Working ages accepted for staff on the census day. */
const STAFF_AGE = { min_age: 18, max_age: 65 } as const;

const birthFormat = (table: string, prefix: string, vi: string, en: string): RecordRule =>
  record(
    {
      id: `${prefix}-FMT-ngay_sinh`,
      dimension: 'validity',
      family: 'format',
      table,
      field: 'ngay_sinh',
      vi: `Ngày sinh của ${vi} không đúng định dạng (yyyy-mm-dd)`,
      en: `Birth date of the ${en} not in the pushed format (yyyy-mm-dd)`,
      population: table,
    },
    'birth_date',
    { column: 'ngay_sinh' },
  );

const birthPossible = (table: string, prefix: string, vi: string, en: string): RecordRule =>
  record(
    {
      id: `${prefix}-DATE-ngay_sinh`,
      dimension: 'validity',
      family: 'date',
      table,
      field: 'ngay_sinh',
      vi: `Ngày sinh của ${vi} không thể có (không phải ngày lịch, sau ngày chốt số liệu hoặc trước 1900)`,
      en: `Birth date of the ${en} impossible (not a calendar day, after the census day, or before 1900)`,
      population: table,
    },
    'birth_date',
  );

/** The date, format and age rules. */
export function dateRules(): RecordRule[] {
  return [
    birthFormat('hoc_sinh', 'HS', 'học sinh', 'learner'),
    birthFormat('can_bo', 'CB', 'cán bộ', 'staff member'),
    record(
      {
        id: 'PH-FMT-dien_tich',
        dimension: 'validity',
        family: 'format',
        table: 'phong_hoc',
        field: 'dien_tich',
        vi: 'Diện tích phòng học không phải là số (m²)',
        en: 'Room area is not a number (m²)',
        population: 'phong_hoc',
      },
      undefined,
      { column: 'dien_tich' },
    ),
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
    }),
    record({
      id: 'HS-AGE-khoi_hoc',
      dimension: 'validity',
      family: 'age',
      table: 'hoc_sinh',
      field: 'khoi_hoc',
      vi: 'Tuổi của học sinh không phù hợp với khối học',
      en: 'Learner age implausible for the grade (khối)',
      thresholds: { ...AGE_BAND },
      population: 'hoc_sinh',
    }),
    record({
      id: 'CB-AGE',
      dimension: 'validity',
      family: 'age',
      table: 'can_bo',
      field: 'ngay_sinh',
      vi: `Tuổi của cán bộ ngoài độ tuổi lao động (${STAFF_AGE.min_age}-${STAFF_AGE.max_age})`,
      en: `Staff member's age outside working age (${STAFF_AGE.min_age}-${STAFF_AGE.max_age})`,
      thresholds: { ...STAFF_AGE },
      population: 'can_bo',
    }),
  ];
}
