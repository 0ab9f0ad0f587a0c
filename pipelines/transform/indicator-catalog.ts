/**
 * The indicator catalogue, data/indicators/catalog.json: one entry per indicator with its names,
 * definition, formula, unit, source fields, TT 03/2024 code and breakdowns. It is the single
 * source of truth: the runner loads it into the warehouse, and the value formulas of
 * indicators.indicator_values follow its `value_kind`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ModelDefinitionError } from './transform-errors.ts';

export const defaultCatalogPath = fileURLToPath(new URL('../../data/indicators/catalog.json', import.meta.url));

const dimension = z.enum(['total', 'level', 'grade', 'sex', 'minority', 'qualification', 'ownership', 'zone']);
const unitLevel = z.enum(['school', 'district', 'commune', 'province', 'nation']);

/** One catalogue entry. */
export const indicatorSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9-]+$/, 'upper-case letters, digits and hyphens'),
  name_vi: z.string().min(1),
  name_en: z.string().min(1),
  definition: z.string().min(1),
  formula: z.string().min(1),
  /** How to read the values where the definition alone does not say; null when nothing to add. */
  method_note: z.string().min(1).nullable(),
  /** Unit of the value: 'trường', 'lớp', 'học sinh', 'giáo viên', '%', 'tỷ số'. */
  unit: z.string().min(1),
  /**
   * What the counts behind the value are: schools, classes, classrooms, records (learner or staff
   * records, so a learner enrolled in two schools counts twice) or persons (distinct pseudonyms).
   */
  counts: z.enum(['schools', 'classes', 'classrooms', 'records', 'persons']),
  /** How `value` follows from numerator and denominator. */
  value_kind: z.enum(['count', 'ratio', 'percent', 'gpia']),
  /** Periods the indicator is computed for. */
  periods: z.enum(['DN', 'CN', 'DN,CN']),
  /** What must exist for it: one period, two consecutive school years, or a population table. */
  needs: z.enum(['one period', 'same school year DN and CN', 'two school years', 'population']),
  tt03_code: z.string().nullable(),
  source_fields: z.array(z.string()).min(1),
  breakdowns: z.array(dimension).min(1),
  unit_levels: z.array(unitLevel).min(1),
});

/** A validated catalogue entry. */
export type Indicator = z.infer<typeof indicatorSchema>;

/** Reads and validates the catalogue; every problem is reported at once. */
export function loadIndicatorCatalog(path: string = defaultCatalogPath): Indicator[] {
  const parsed = z.array(indicatorSchema).safeParse(JSON.parse(readFileSync(path, 'utf8')), { error: z.locales.vi().localeError });
  if (!parsed.success) {
    throw new ModelDefinitionError(parsed.error.issues.map((i) => `${path}: [${i.path.join('.')}] ${i.message}`));
  }
  const codes = parsed.data.map((i) => i.code);
  const dup = codes.filter((c, i) => codes.indexOf(c) !== i);
  if (dup.length) throw new ModelDefinitionError([`${path}: mã chỉ tiêu xuất hiện hai lần: ${dup.join(', ')}`]);
  return parsed.data;
}
