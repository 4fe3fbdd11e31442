import { z } from 'zod';
import { decimalPlaces } from './decimal.js';

/** A form option value (as in permit-types.json) or a function class code. */
const code = z.string().regex(/^[a-z0-9_]{1,40}$/, 'use lower_snake_case, as the form’s option values');

/** An index or factor: non-negative, written with at most 6 decimals so that it means exactly what it says. */
const index = z
  .number()
  .min(0)
  .max(100)
  .refine((x) => decimalPlaces(x) <= 6, 'at most 6 decimal places');

const table = z.record(code, index).refine((t) => Object.keys(t).length > 0, 'needs at least one entry');

/**
 * A building function class (DOMAIN.md "If"): one index, or, for housing and mixed use, one index up to
 * a size (floor area and floor count, both inclusive) and another above it.
 */
const functionClassSchema = z.union([
  z.strictObject({ index }),
  z
    .strictObject({
      index: index.describe('up to and including the size in upTo'),
      upTo: z.strictObject({ floorAreaM2: z.number().positive(), floors: z.number().int().min(1) }),
      indexAbove: index.describe('larger in floor area or in floors'),
    })
    .refine((c) => c.indexAbove >= c.index, { path: ['indexAbove'], message: 'is lower than the index up to the size (a larger building never pays less)' }),
]);
export type FunctionClass = z.infer<typeof functionClassSchema>;

/** If: the function classes, and which class each buildingFunction option counts as. */
const functionIndexSchema = z.strictObject({ classes: z.record(code, functionClassSchema), options: z.record(code, code) }).superRefine((fn, ctx) => {
  for (const [option, cls] of Object.entries(fn.options)) {
    if (!Object.hasOwn(fn.classes, cls)) ctx.addIssue({ code: 'custom', path: ['options', option], message: `function class "${cls}" is not in if.classes` });
  }
});

/** By floor count; must list 1 floor, and never falls as floors rise (a typo guard). */
const heightIndexSchema = z.record(z.string().regex(/^[1-9]\d{0,2}$/, 'a floor count from 1 to 999'), index).superRefine((heights, ctx) => {
  if (!Object.hasOwn(heights, '1')) ctx.addIssue({ code: 'custom', path: [], message: 'must list the index for 1 floor' });
  const floors = Object.keys(heights)
    .map(Number)
    .sort((a, b) => a - b);
  for (let i = 1; i < floors.length; i++) {
    const [lower, higher] = [floors[i - 1]!, floors[i]!];
    if (heights[String(higher)]! < heights[String(lower)]!)
      ctx.addIssue({ code: 'custom', path: [String(higher)], message: `is lower than the index for ${lower} floors` });
  }
});

/** One office's coefficients for one filing year. */
export const retributionYearSchema = z.strictObject({
  /** The decree the figures come from, so an office can check them. */
  decree: z.string().min(3).max(300),
  /** Where a figure is uncertain or a choice was made, say so: the treasurer sees this. */
  dataNote: z.string().max(2000).optional(),
  /** SHST: the highest unit building price, whole rupiah per m², set yearly by the mayor. */
  shst: z.number().int().positive().max(1_000_000_000),
  /** Ilo: the locality index, at most 0.5% (PP 16/2021). */
  ilo: index.refine((x) => x > 0 && x <= 0.005, 'the locality index is above 0 and at most 0.005 (0.5%)'),
  if: functionIndexSchema,
  /** By the complexity option: simple 1, not simple 2. */
  complexity: table,
  /** By the permanence option: non-permanent 1, permanent 2. */
  permanence: table,
  /** A floor count between two listed ones takes the lower one's value. */
  heightIndex: heightIndexSchema,
  /** Fm, by the ownership option: state 0, person or company 1. */
  fm: table,
  /** Ibg, by the buildingWorkType option: new 1, renovations and heritage conservation less. */
  ibg: table,
});
export type RetributionCoefficients = z.infer<typeof retributionYearSchema>;

/** The whole file: per office code (as in the tenants table), per filing year. */
export const retributionTableSchema = z.strictObject({
  source: z.string().min(3),
  offices: z.record(
    z.string().regex(/^[A-Z0-9]{2,12}$/, 'an office code such as MLG'),
    z.record(z.string().regex(/^\d{4}$/, 'a year such as 2026'), retributionYearSchema),
  ),
});
export type RetributionTable = z.infer<typeof retributionTableSchema>;
