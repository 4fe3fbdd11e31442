import { z } from 'zod';
import { MAX_TARGET } from './revenue.service.js';

const rupiah = z.number().int().min(0).describe('Whole rupiah');
const localised = z.object({ id: z.string(), en: z.string() });
const month = z.object({
  month: z.number().int().min(1).max(12).describe('1 = January, in the office’s time zone'),
  total: rupiah,
  count: z.number().int().min(0).describe('How many payments'),
});

export const revenueTargetSchema = z
  .object({
    amount: z.number().int().min(1).describe('The annual target, whole rupiah'),
    version: z.number().int().min(1).describe('1, 2, … per office and year; the highest is in force'),
    reason: z.string().describe('Why this value was set'),
    setAt: z.string().describe('When (UTC)'),
    setBy: z.string().nullable().describe('The admin who set it'),
  })
  .meta({ id: 'RevenueTarget' });

export const revenueReportSchema = z
  .object({
    year: z.number().int(),
    timeZone: z.string().describe('The office’s time zone: months and days are counted in it'),
    today: z.string().describe('Today’s date in the office’s time zone (YYYY-MM-DD)'),
    period: z.enum(['past', 'current', 'future']),
    permitTypes: z
      .array(
        z.object({
          code: z.string().describe('The permit type’s code; "-" for a payment whose file is unknown'),
          name: localised,
          total: rupiah,
          count: z.number().int().min(0),
          months: z.array(month).length(12),
        }),
      )
      .describe('Each permit type with recorded payments in the year, by code'),
    months: z.array(month.extend({ cumulative: rupiah.describe('Revenue from January to the end of this month') })).length(12),
    total: rupiah.describe('The year’s revenue: payments in state recorded, by paid_at in the office’s time zone'),
    count: z.number().int().min(0),
    target: revenueTargetSchema.nullable().describe('The target in force; null: no target set (achievement is then null, not 0%)'),
    targetHistory: z.array(revenueTargetSchema).describe('Every value set for the year, newest first'),
    achievedPermille: z
      .number()
      .int()
      .nullable()
      .describe('Total ÷ target in tenths of a percent (553 = 55.3%), exact integer arithmetic rounded half up; null without a target'),
    projection: z
      .object({
        basis: z
          .enum(['pace', 'actual', 'none'])
          .describe(
            'pace: the year is running, total ÷ elapsed days (today counted) × days in the year; actual: a past year, its actual total; none: a future year, no projection',
          ),
        amount: rupiah.nullable(),
        elapsedDays: z.number().int().min(0),
        daysInYear: z.number().int(),
        permilleOfTarget: z.number().int().nullable().describe('The projection ÷ target in tenths of a percent; null without a target or a projection'),
      })
      .describe('The projection to the year’s end at the current pace'),
  })
  .meta({ id: 'RevenueReport' });

export const revenueQuerySchema = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('The calendar year in the office’s time zone; default this year'),
});

export const revenueTargetParams = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).describe('The year; next year’s target can be set ahead'),
});

export const setRevenueTargetBody = z.strictObject({
  amount: z.number().int().min(1).max(MAX_TARGET).describe('The annual target, whole rupiah above 0'),
  reason: z.string().trim().min(3).max(500).describe('Why (the budget document, a revision); kept in the history and the audit'),
});
