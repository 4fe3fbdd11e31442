import { z } from 'zod';
import type { FieldDefinition } from '../catalogue/catalogue.schema.js';
import { localisedTextSchema } from '../workflow/workflow.schema.js';
import { decimalPlaces } from './decimal.js';

/**
 * A permit type's fee rule, as data in the catalogue (permit-types.json `feeRule`), validated when the
 * catalogue is loaded: free; a fixed amount; per unit (a number the applicant gives × a rate, with an
 * optional minimum); a table (a form answer's value or range → an amount); or the PBG retribution
 * formula (PP 16/2021, with the office's coefficients per year). Every kind but free may carry waivers:
 * a form question whose answer takes a percentage off, with the reason and the legal basis shown to
 * the citizen and recorded with the treasurer's assessment.
 *
 * Catalogue versions stored before these kinds existed ({kind: 'free'} and {kind: 'pbg_retribution',
 * note}) still parse: everything added is optional or has a default.
 */

const fieldName = z.string().regex(/^[a-z][a-zA-Z0-9]{1,39}$/, 'a form field name (camelCase)');
/** Whole rupiah, up to a trillion. */
const rupiah = z.number().int('whole rupiah, no decimals').min(0).max(1_000_000_000_000);
/** A rate in rupiah per unit: at most 6 decimals, so that it means exactly what it says. */
const rate = z
  .number()
  .min(0)
  .max(1_000_000_000)
  .refine((x) => decimalPlaces(x) <= 6, 'at most 6 decimal places');
const answerValue = z.union([z.boolean(), z.string().min(1).max(40), z.number()]);

export const feeWaiverSchema = z.strictObject({
  /** Recorded with the assessment: `mbr`. */
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'use lower_snake_case, 2 to 40 characters'),
  /** The form question that triggers it and the answer that does (true for a yes/no question's "yes"). */
  when: z.strictObject({ field: fieldName, equals: answerValue }),
  /** How much is taken off: 100 means nothing is paid (retribution 0%). */
  percent: z.number().int().min(1).max(100),
  /** Why, as the citizen and the treasurer read it. */
  reason: localisedTextSchema,
  /** The regulation that allows it (the Perda and its article). */
  legalBasis: z.string().min(3).max(300),
});
export type FeeWaiver = z.infer<typeof feeWaiverSchema>;

const waivers = z.array(feeWaiverSchema).max(10).default([]);
const note = localisedTextSchema.optional();

/** One row of a table rule: an answer's exact value, or a number range (from inclusive, below exclusive). */
const tableRowSchema = z.union([
  z.strictObject({ value: answerValue, amount: rupiah, label: localisedTextSchema.optional() }),
  z
    .strictObject({ from: z.number().optional(), below: z.number().optional(), amount: rupiah, label: localisedTextSchema.optional() })
    .refine((r) => r.from !== undefined || r.below !== undefined, 'a range row needs "from", "below" or both')
    .refine((r) => r.from === undefined || r.below === undefined || r.from < r.below, { path: ['below'], message: 'must be above "from"' }),
]);
export type FeeTableRow = z.infer<typeof tableRowSchema>;

export const feeRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('free') }),
  z.strictObject({ kind: z.literal('fixed'), amount: rupiah, note, waivers }),
  z
    .strictObject({
      kind: z.literal('per_unit'),
      /** A number field of the form (number, area_m2, floor_count). */
      field: fieldName,
      /** Rupiah per unit of that answer. */
      rate,
      /** The least that is paid, whatever the answer. */
      minimum: rupiah.optional(),
      /** The unit as a person reads it: "m²", "titik", "lantai". */
      unit: localisedTextSchema.optional(),
      note,
      waivers,
    })
    .refine((r) => r.rate > 0 || (r.minimum ?? 0) > 0, { path: ['rate'], message: 'a rate of 0 with no minimum is a free rule: use kind "free"' }),
  z.strictObject({
    kind: z.literal('table'),
    /** The form field whose answer picks the row. */
    field: fieldName,
    /** The first row that matches the answer gives the amount. */
    rows: z.array(tableRowSchema).min(1).max(100),
    /** The amount when no row matches; without it, an answer no row lists cannot be priced (the treasurer sets the fee). */
    otherwise: rupiah.optional(),
    note,
    waivers,
  }),
  z.strictObject({ kind: z.literal('pbg_retribution'), note, waivers }),
]);
export type FeeRule = z.infer<typeof feeRuleSchema>;
export type FeeRuleKind = FeeRule['kind'];
export const FEE_RULE_KINDS = ['free', 'fixed', 'per_unit', 'table', 'pbg_retribution'] as const satisfies readonly FeeRuleKind[];

const NUMBER_TYPES: readonly FieldDefinition['type'][] = ['number', 'area_m2', 'floor_count'];

/** Whether `value` can be an answer of `field`: a yes/no takes true or false, a select one of its options, a number field a number. */
function answerFits(field: FieldDefinition, value: unknown): boolean {
  if (field.type === 'yes_no') return typeof value === 'boolean';
  if (field.type === 'select') return typeof value === 'string' && field.options.some((o) => o.value === value);
  if (NUMBER_TYPES.includes(field.type)) return typeof value === 'number';
  return typeof value === 'string';
}

/**
 * The fee rule checked against its permit type's form (run by the catalogue schema's superRefine): the
 * fields it reads exist and have the right type, and every answer it names is one the form can give.
 * Each problem has its path under `feeRule`, so the loader's message names the JSON path.
 */
export function feeRuleProblems(rule: FeeRule, fields: readonly FieldDefinition[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (rule.kind === 'per_unit') {
    const f = byName.get(rule.field);
    if (!f) problems.push({ path: ['field'], message: `field "${rule.field}" is not defined in this type's form` });
    else if (!NUMBER_TYPES.includes(f.type)) problems.push({ path: ['field'], message: `field "${rule.field}" is a ${f.type} field, not a number` });
  }
  if (rule.kind === 'table') {
    const f = byName.get(rule.field);
    if (!f) problems.push({ path: ['field'], message: `field "${rule.field}" is not defined in this type's form` });
    else {
      rule.rows.forEach((row, i) => {
        if ('value' in row) {
          if (!answerFits(f, row.value))
            problems.push({ path: ['rows', i, 'value'], message: `${JSON.stringify(row.value)} is not an answer field "${rule.field}" can have` });
        } else if (!NUMBER_TYPES.includes(f.type)) {
          problems.push({ path: ['rows', i], message: `a range needs a number field; "${rule.field}" is a ${f.type} field` });
        }
      });
    }
  }
  if (rule.kind !== 'free') {
    const codes = new Set<string>();
    rule.waivers.forEach((w, i) => {
      if (codes.has(w.code)) problems.push({ path: ['waivers', i, 'code'], message: `waiver "${w.code}" is defined twice` });
      codes.add(w.code);
      const f = byName.get(w.when.field);
      if (!f) problems.push({ path: ['waivers', i, 'when', 'field'], message: `field "${w.when.field}" is not defined in this type's form` });
      else if (!answerFits(f, w.when.equals))
        problems.push({
          path: ['waivers', i, 'when', 'equals'],
          message: `${JSON.stringify(w.when.equals)} is not an answer field "${w.when.field}" can have`,
        });
    });
  }
  return problems;
}
