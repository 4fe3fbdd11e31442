import { z } from 'zod';
import { CHANNELS, DASHBOARD_TABLES, INTERVALS } from './dashboard.service.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const localised = z.object({ id: z.string(), en: z.string() });
const count = z.number().int().min(0);
const ratio = z
  .object({ numerator: count, denominator: count.describe('0: nothing recorded (not 0%)') })
  .describe('A pooled figure: numerator ÷ denominator, exact counts')
  .meta({ id: 'DashboardRatio' });
const shares = z
  .object({
    filed: count.describe('Applications filed (submitted_at in the period)'),
    digital: ratio.describe('online + assisted ÷ filed: the headline'),
    online: ratio.describe('online (self-service) ÷ filed'),
    assisted: ratio.describe('assisted (filed online with an officer’s help) ÷ filed; also counted in digital'),
    walkIn: ratio.describe('walk_in (the counter) ÷ filed'),
    courier: ratio.describe('courier ÷ filed'),
  })
  .meta({ id: 'DashboardChannelShares' });
const period = z.object({ start: date, end: date });
const dropStep = z.union([
  z.object({ kind: z.literal('field'), code: z.string(), label: localised }),
  z.object({ kind: z.literal('document'), code: z.string(), label: localised }),
  z.object({ kind: z.literal('check') }),
]);

const minutes = z.number().min(0).nullable();
const hourFigure = z.object({
  visitors: count.describe('Tickets issued'),
  waited: count.describe('Tickets called: waiting runs from issue to the first call'),
  medianWaitMinutes: minutes.describe('null: none called'),
  served: count.describe('Tickets served to completion: from the first start to the completion'),
  medianServiceMinutes: minutes.describe('null: none completed'),
});
const operationsSchema = z
  .object({
    revenue: z.object({
      period: z
        .object({
          total: count.describe('Whole rupiah'),
          count,
          byPermitType: z.array(z.object({ code: z.string().describe("'-': a payment without a file"), name: localised, total: count, count })),
        })
        .describe('Recorded payments paid (office-local date) in the period; the permit type filter applies, the channel filter does not'),
      yearToDate: z
        .object({ year: z.number().int(), from: date, to: date, total: count, count })
        .describe('1 January of the period’s end’s year to the period’s end, the whole office (no filter)'),
      target: z
        .object({ amount: count, achieved: ratio.describe('Year to date ÷ target (whole rupiah)') })
        .nullable()
        .describe('The year’s target (latest version); null: no target set (never 0%)'),
    }),
    skm: z
      .object({
        fromMonth: z.string(),
        toMonth: z.string(),
        result: z
          .object({
            respondents: count,
            scoreSum: count,
            weightedIndex: z.number(),
            index: z.number().describe('25 × scoreSum ÷ (9 × respondents), two decimals'),
            grade: z.enum(['A', 'B', 'C', 'D']),
            label: localised,
          })
          .nullable()
          .describe('null: no answers in those months'),
      })
      .describe('The SKM index (Permenpan RB 14/2017) over the months the period touches (answers record only their month), every service'),
    helpdesk: z
      .object({
        received: count,
        answered: ratio.describe('Answered ÷ received'),
        withinDue: ratio.describe('First answered by the end of its due date ÷ received'),
        medianFirstResponseMinutes: minutes.describe('Request to first answer, over the answered ones; null: none answered'),
      })
      .describe('Help requests received (created_at) in the period'),
    queue: z
      .object({
        visitors: count,
        byHour: z.array(hourFigure.extend({ hour: z.number().int().min(0).max(23).describe('Office-local hour of issue') })),
        total: hourFigure,
      })
      .describe('Queue tickets issued on the period’s days, by the hour of issue'),
  })
  .describe('The office’s other services for the period: revenue against target, SKM, help desk, queue')
  .meta({ id: 'DashboardOperations' });

export const dashboardReportSchema = z
  .object({
    timeZone: z.string(),
    today: date,
    from: date,
    to: date,
    previous: z.object({ from: date, to: date }).describe('The period of the same length just before, for the trend'),
    interval: z.enum(INTERVALS),
    filters: z.object({ permitType: z.string().nullable(), channel: z.enum(CHANNELS).nullable() }),
    adjusted: z.boolean().describe('Always false here: a bad filter is a 400'),
    permitTypes: z.array(z.object({ code: z.string(), name: localised })),
    takeUp: z.object({
      total: shares,
      previous: shares,
      series: z.array(period.extend(shares.shape)),
      byPermitType: z.array(
        z
          .object({ code: z.string(), name: localised, previousDigital: ratio.describe('Digital take-up of this type in the previous period') })
          .extend(shares.shape),
      ),
    }),
    completion: z.object({
      total: ratio.describe('Online drafts started in the period (created_at) and submitted since ÷ those started'),
      byPermitType: z.array(z.object({ code: z.string(), name: localised, rate: ratio })),
      dropOff: z
        .array(z.object({ permitCode: z.string(), permitName: localised, step: dropStep, drafts: count }))
        .describe('Drafts never submitted, by the first page not filled in (read from answers and documents; no page-visit log)'),
      notSubmitted: count,
    }),
    flow: z.object({ in: count, out: count, series: z.array(period.extend({ in: count, out: count })) }),
    backlog: z.object({ total: count, states: z.array(z.object({ code: z.string(), label: localised, kind: z.string(), count })) }),
    sla: z.object({
      total: z.object({ compliance: ratio, medianWorkingDays: z.number().nullable() }),
      byPermitType: z.array(
        z.object({
          code: z.string(),
          name: localised,
          slaWorkingDays: z.number().int().nullable(),
          compliance: ratio.describe('Closed within the service time ÷ closed in the period'),
          medianWorkingDays: z.number().nullable().describe('Working days the office used (pauses with the applicant excluded); null: none closed'),
        }),
      ),
    }),
    overdue: z.object({ total: count, byPermitType: z.array(z.object({ code: z.string(), name: localised, count })) }),
    operations: operationsSchema,
  })
  .meta({ id: 'DashboardReport' });

export const dashboardQuerySchema = z.strictObject({
  from: date.optional().describe('First day (office-local, YYYY-MM-DD); default the first of to’s month'),
  to: date.optional().describe('Last day, inclusive; default today'),
  permitType: z.string().max(12).optional().describe('A permit type code'),
  channel: z.enum(CHANNELS).optional(),
  interval: z
    .enum(INTERVALS)
    .optional()
    .describe('The series’ buckets; default day up to 31 days, week up to 184, else month; coarsened when it would give more than 62 rows'),
});

export const dashboardCsvParams = z.strictObject({ table: z.enum(DASHBOARD_TABLES) });
