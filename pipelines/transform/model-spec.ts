/**
 * The sidecar of a SQL model (`<model>.json` beside `<model>.sql`): what one row means, what each
 * column holds and in which unit, how the model is materialised, and the tests it must pass.
 *
 * @example
 *   {
 *     "description": "Schools as of each census day.",
 *     "grain": "one row per school per period",
 *     "materialized": "table",
 *     "partition_by": "current_province_code",
 *     "key": ["school_key", "period"],
 *     "columns": [
 *       { "name": "period", "description": "reporting period, e.g. 2025-DN", "tests": ["not_null"] },
 *       { "name": "ky", "description": "DN or CN", "tests": [{ "accepted_values": ["DN", "CN"] }] }
 *     ],
 *     "tests": [{ "unique": ["school_key", "period"] }, { "expression_is_true": "learners >= 0" }]
 *   }
 */
import { z } from 'zod';

const relationship = z.strictObject({
  /** The referenced model, `schema.name`. */
  to: z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'must be schema.name'),
  /** The referenced column (defaults to the tested column's name). */
  field: z.string().optional(),
});

/** Tests written under one column. */
export const columnTestSchema = z.union([
  z.literal('not_null'),
  z.literal('unique'),
  z.strictObject({ accepted_values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }),
  z.strictObject({ relationships: relationship }),
]);

/** Tests written for the whole model. */
export const modelTestSchema = z.union([
  z.strictObject({ unique: z.array(z.string()).min(1) }),
  z.strictObject({ not_null: z.array(z.string()).min(1) }),
  z.strictObject({ expression_is_true: z.string().min(1), where: z.string().optional() }),
  z.strictObject({ relationships: relationship.extend({ columns: z.array(z.string()).min(1), fields: z.array(z.string()).optional() }) }),
  z.strictObject({ accepted_values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1), column: z.string() }),
]);

/** One described column: meaning, unit, tests. */
export const columnSpecSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  /** Unit of measure where the column is a quantity: 'học sinh', '%', 'date', ... */
  unit: z.string().optional(),
  tests: z.array(columnTestSchema).default([]),
});

/** The whole sidecar. */
export const modelSpecSchema = z
  .strictObject({
    description: z.string().min(1),
    grain: z.string().min(1),
    materialized: z.enum(['table', 'view']).default('table'),
    /**
     * Column holding the current (34-province) code of the unit a row belongs to. A run limited to
     * some provinces deletes and rebuilds only their rows of this model.
     */
    partition_by: z.string().optional(),
    /**
     * Build a full run in batches of partitions instead of in one statement, for a model whose
     * working set outgrows memory at national scale (its hash tables spill). `values` is a query
     * whose first column gives a partition value per unit of weight (for example one row per
     * school-year); consecutive values are packed into batches of at most `max_weight` (a value
     * heavier than that is a batch of its own). The model must read the batch from
     * `getvariable('transform_provinces')`, with a null partition value as '' (see fct_learners).
     */
    batches: z
      .strictObject({
        values: z.string().min(1),
        max_weight: z.number().int().positive(),
      })
      .optional(),
    /**
     * For a model without partitions whose rows each belong to a school (the staging views): the
     * column holding the school's code. A run limited to some provinces tests only the rows of
     * those provinces' schools (core.int_school_years), so that its tests cost in proportion to
     * them; a full run tests every row.
     */
    school_column: z.string().optional(),
    /** Columns that identify a row; failing tests report these for up to 10 offending rows. */
    key: z.array(z.string()).min(1),
    columns: z.array(columnSpecSchema).min(1),
    tests: z.array(modelTestSchema).default([]),
  })
  .refine((s) => !s.batches || (s.partition_by && s.materialized === 'table'), {
    message: 'batches needs partition_by and materialized "table"',
    path: ['batches'],
  });

/** A test declared for the whole model. */
export type ModelTest = z.infer<typeof modelTestSchema>;
/** A validated sidecar. */
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** A discovered model: its SQL, its sidecar and where both came from. */
export type Model = {
  /** `schema.name`, e.g. `core.dim_units`. */
  id: string;
  schema: string;
  name: string;
  sqlPath: string;
  sql: string;
  spec: ModelSpec;
  /** Other models this one reads (`schema.name`), filled by the dependency graph. */
  dependsOn: string[];
};
