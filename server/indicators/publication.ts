/**
 * How indicators are published, from data/indicators/publication.json (the one source of truth):
 * the breakdown dimensions, the national map's indicators, and which additive count each
 * indicator's numerator and denominator is. Read once, validated with zod, frozen; a bad file
 * stops the server at start with every problem named.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const PATH = fileURLToPath(new URL('../../data/indicators/publication.json', import.meta.url));

const countRef = z.strictObject({
  /** The additive count: a column of indicators.int_unit_cells ('learners', 'teachers', ...). */
  count: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** A fixed cell of that count the indicator always shows (GPI: learners with sex=female). */
  cell: z.record(z.string(), z.string()).optional(),
  /** 'start_of_year': the count of the start-of-year period of the same school year (DROP-NAT). */
  period: z.literal('start_of_year').optional(),
});

const schema = z.strictObject({
  description: z.string(),
  dimensions: z.array(z.strictObject({ code: z.string().regex(/^[a-z]+$/), name_vi: z.string().min(1), name_en: z.string().min(1) })).min(1),
  map: z.strictObject({
    indicators: z.array(z.strictObject({ code: z.string().regex(/^[A-Z0-9-]+$/), label: z.string().min(1), format: z.string().regex(/^,\.\d+f$/) })).min(1),
  }),
  counts: z.record(
    z.string().regex(/^[A-Z0-9-]+$/),
    z.strictObject({
      numerator: countRef,
      denominator: countRef.optional(),
      /**
       * Why the indicator is never published outside the caller's subtree (every figure 'x'): a
       * count that does not add up across units or breakdowns (persons counted once however many
       * schools hold them) cannot be protected by the additive families.
       */
      withheld: z.string().min(1).optional(),
    }),
  ),
});

/** The numerator's or denominator's count of an indicator. */
export type CountRef = z.infer<typeof countRef>;
export type Publication = z.infer<typeof schema>;

function load(path: string): Publication {
  const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}:\n${parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`).join('\n')}`);
  return Object.freeze(parsed.data);
}

/** The publication settings, read once. */
export const PUBLICATION: Publication = load(PATH);

/** The breakdown dimensions' codes: level, grade, sex, minority, ownership, zone. */
export const DIMENSIONS: readonly string[] = PUBLICATION.dimensions.map((d) => d.code);

/** The national map's indicator codes, in the order the map offers them. */
export const MAP_INDICATORS: readonly string[] = PUBLICATION.map.indicators.map((i) => i.code);
