import { z } from 'zod';
import { CHANNELS } from '../dashboard/dashboard.service.js';

/**
 * The public transparency figures (issue 13, item 3): the page's JSON (TransparencyReport) and the three
 * open-data files, one record shape each (docs/transparency.md explains every field and formula):
 * filings per month × permit type × channel, SLA per month × permit type, SKM per month. Counts only:
 * no name, NIK, number, tracking code or contact of anyone.
 */

const month = z
  .string()
  .regex(/^\d{4}-\d{2}$/)
  .describe('Month in the office’s time zone, YYYY-MM');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().min(0);
const localised = z.object({ id: z.string(), en: z.string() });
const ratio = z
  .object({ numerator: count, denominator: count.describe('0: nothing recorded (shown as “belum tercatat”, never 0%)') })
  .describe('A pooled figure: numerator ÷ denominator, exact counts')
  .meta({ id: 'TransparencyRatio' });
const shares = z
  .object({
    filed: count.describe('Applications filed (submitted_at in the month, office time zone)'),
    digital: ratio.describe('(online + assisted) ÷ filed'),
    online: ratio,
    assisted: ratio,
    walkIn: ratio,
    courier: ratio,
  })
  .meta({ id: 'TransparencyChannelShares' });
const sla = z
  .object({
    closed: count.describe('Files that reached a final state (decided_at) in the month, after being filed'),
    measured: count.describe('Of those, the files with an SLA outcome (a service time to compare with)'),
    withinSla: count.describe('Of those, the files closed within the permit type’s service time (working days)'),
    compliance: ratio.describe('withinSla ÷ measured'),
    medianWorkingDays: z.number().nullable().describe('Median working days the office used (pauses with the applicant excluded); null: none closed'),
  })
  .meta({ id: 'TransparencySla' });
export const SKM_GRADES = ['A', 'B', 'C', 'D'] as const;
const skm = z
  .object({
    respondents: count,
    index: z.number().nullable().describe('The SKM converted index 25–100 (Permenpan RB 14/2017), two decimals; null: no answers'),
    grade: z.enum(SKM_GRADES).nullable(),
    label: localised.nullable().describe('The grade’s name: Sangat Baik, Baik, Kurang Baik, Tidak Baik'),
  })
  .meta({ id: 'TransparencySkm' });
const typeShares = z.object({ code: z.string(), name: localised }).extend(shares.shape);

export const transparencyReportSchema = z
  .object({
    office: z.object({ code: z.string(), name: z.string() }),
    timeZone: z.string(),
    utcOffsetMinutes: z.number().int().describe('The fixed offset months are read with (Asia/Jakarta: 420)'),
    today: date,
    year: z.number().int().nullable().describe('The calendar year shown; null: the last 12 months up to the current one'),
    years: z.array(z.number().int()).describe('The years that can be chosen, newest first'),
    from: month,
    to: month,
    permitTypes: z.array(z.object({ code: z.string(), name: localised })),
    months: z.array(z.object({ month, filed: shares, byPermitType: z.array(typeShares), sla, skm })),
    total: z.object({
      filed: shares,
      byPermitType: z.array(typeShares),
      sla,
      slaByPermitType: z.array(z.object({ code: z.string(), name: localised, slaWorkingDays: z.number().int().nullable() }).extend(sla.shape)),
      skm,
    }),
  })
  .meta({ id: 'TransparencyReport' });

const office = z.string().describe('The office’s code (e.g. MLG)');
const percent = z.number().min(0).max(100).nullable().describe('The ratio in percent, one decimal, rounded half up; null: nothing recorded');

export const filedRecordSchema = z
  .strictObject({
    office,
    month,
    permitType: z.string().describe('Permit type code (e.g. PBG, REKLAME)'),
    permitTypeName: z.string().describe('Permit type name in Indonesian'),
    channel: z
      .enum(CHANNELS)
      .describe('online: self-service; assisted: filed online with an officer’s help; walk_in: the counter; courier: by post or courier'),
    digital: z.boolean().describe('true for online and assisted: the channels counted as digital take-up'),
    filed: count.min(1).describe('Applications filed in the month by this channel for this permit type (a missing row: none)'),
  })
  .meta({ id: 'TransparencyFiledRecord' });

export const slaRecordSchema = z
  .strictObject({
    office,
    month,
    permitType: z.string().nullable().describe('Permit type code; null: all permit types of the office together'),
    permitTypeName: z.string().nullable().describe('Permit type name in Indonesian; null on the all-types row'),
    slaWorkingDays: z.number().int().nullable().describe('The service time in working days (the permit type’s current standard); null on the all-types row'),
    closed: count.describe('Files closed (a final state) in the month after being filed'),
    measured: count.describe('Of those, files with an SLA outcome'),
    withinSla: count.describe('Of those, closed within the service time'),
    compliancePercent: percent.describe('withinSla ÷ measured in percent; null when measured is 0'),
    medianWorkingDays: z.number().nullable().describe('Median working days used; null when none were measured'),
  })
  .meta({ id: 'TransparencySlaRecord' });

const nrr = (what: string) => z.number().min(1).max(4).describe(`NRR of ${what}: the mean score 1–4, two decimals`);
export const skmRecordSchema = z
  .strictObject({
    office,
    month,
    respondents: count.min(1).describe('Answers in the month, every service of the office (a missing month: no answers)'),
    u1Requirements: nrr('U1 requirements'),
    u2Procedure: nrr('U2 system, mechanism and procedure'),
    u3Time: nrr('U3 completion time'),
    u4Fee: nrr('U4 fee'),
    u5Product: nrr('U5 product'),
    u6Competence: nrr('U6 staff competence'),
    u7Behaviour: nrr('U7 staff behaviour'),
    u8Complaints: nrr('U8 complaint handling'),
    u9Facilities: nrr('U9 facilities'),
    weightedIndex: z.number().min(1).max(4).describe('Σ NRR × 1/9, two decimals'),
    index: z.number().min(25).max(100).describe('The converted index: 25 × Σ scores ÷ (9 × respondents), two decimals'),
    grade: z.enum(SKM_GRADES).describe('A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99'),
    gradeLabel: z.string().describe('The grade’s name in Indonesian (Sangat Baik, Baik, Kurang Baik, Tidak Baik)'),
  })
  .meta({ id: 'TransparencySkmRecord' });

export type FiledRecord = z.infer<typeof filedRecordSchema>;
export type SlaRecord = z.infer<typeof slaRecordSchema>;
export type SkmRecord = z.infer<typeof skmRecordSchema>;

export const DATASETS = ['filed', 'sla', 'skm'] as const;
export type Dataset = (typeof DATASETS)[number];
export const DATASET_SCHEMAS = { filed: filedRecordSchema, sla: slaRecordSchema, skm: skmRecordSchema } as const;
const DATASET_TITLES: Record<Dataset, string> = {
  filed: 'Izol transparency: applications filed per month, permit type and channel',
  sla: 'Izol transparency: SLA compliance and working days per month and permit type',
  skm: 'Izol transparency: SKM satisfaction index per month',
};

/** A year (YYYY); the service checks it is one the office can show. */
const year = z
  .string()
  .regex(/^\d{4}$/, 'a year, YYYY')
  .transform(Number)
  .optional()
  .describe('A calendar year (YYYY) in the office’s time zone; default the last 12 months up to the current one');
export const transparencyQuerySchema = z.strictObject({ year });
const dataset = z.enum(DATASETS).default('filed').describe('Which file: filed (default), sla or skm; one record shape each');
export const transparencyExportQuerySchema = z.strictObject({ year, dataset });
export const transparencySchemaQuerySchema = z.strictObject({ dataset });

/** The CSV columns of a dataset: the schema's field order. */
export function columnsOf(d: Dataset): string[] {
  return Object.keys(DATASET_SCHEMAS[d].shape);
}

/**
 * RFC 4180 CSV in the schema's column order: text quoted (quotes doubled; a value a spreadsheet would
 * run as a formula gets a leading apostrophe, as the registry export does), numbers and booleans bare,
 * null an empty field, CRLF line ends.
 */
export function recordsCsv(d: Dataset, records: readonly Record<string, string | number | boolean | null>[]): string {
  const cols = columnsOf(d);
  const cell = (v: string | number | boolean | null | undefined) =>
    v === null || v === undefined ? '' : typeof v === 'string' ? `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : String(v);
  return `${[cols.join(','), ...records.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}

/** One dataset's record schema as a self-contained JSON Schema (2020-12) document, as published. */
export function transparencyJsonSchema(d: Dataset): Record<string, unknown> {
  const schema = DATASET_SCHEMAS[d];
  const generated = z.toJSONSchema(schema) as { $defs?: Record<string, Record<string, unknown>> };
  const id = schema.meta()?.id;
  const record = (id && generated.$defs?.[id]) || generated;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: DATASET_TITLES[d],
    description: `One record of /api/v1/transparency/export.json?dataset=${d} (CSV columns in this order: ${columnsOf(d).join(', ')}). Counts only, no personal data; docs/transparency.md explains the fields.`,
    ...record,
  };
}
