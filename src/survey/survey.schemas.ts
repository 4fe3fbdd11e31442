import { z } from 'zod';
import { SKM_ELEMENTS, type SkmElement } from './skm.js';

/** Respondent details (Permenpan RB 14/2017's form): every one optional, codes rather than free text. */
export const AGE_BANDS = ['under_20', '20_29', '30_39', '40_49', '50_59', '60_plus'] as const;
export const SEXES = ['male', 'female'] as const;
export const EDUCATION = ['none_primary', 'junior_high', 'senior_high', 'diploma', 'bachelor', 'postgraduate'] as const;
export const OCCUPATIONS = ['civil_servant', 'military_police', 'private_employee', 'entrepreneur', 'student', 'other'] as const;

const score = z.coerce
  .number({ message: 'choose 1 to 4' })
  .int({ message: 'choose 1 to 4' })
  .min(1, { message: 'choose 1 to 4' })
  .max(4, { message: 'choose 1 to 4' })
  .describe('1 not good … 4 very good');
/** An empty form field ('') means "not given". */
const optionalCode = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.enum(values).optional()).describe(`One of ${values.join(', ')}; optional`);

const scoreShape = Object.fromEntries(SKM_ELEMENTS.map((e) => [e, score])) as Record<SkmElement, typeof score>;

/** The answer, from the page's form (strings) or the API (numbers). */
export const answerBody = z
  .strictObject({
    ...scoreShape,
    ageBand: optionalCode(AGE_BANDS),
    sex: optionalCode(SEXES),
    education: optionalCode(EDUCATION),
    occupation: optionalCode(OCCUPATIONS),
  })
  .meta({ id: 'SurveyAnswer' });
export type AnswerInput = z.output<typeof answerBody>;

/** The API's path: any short string; an unknown or malformed token is the service's 404, as on the page. */
export const apiTokenParams = z.object({ token: z.string().max(100) });

export const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a survey link') });

const localised = z.object({ id: z.string(), en: z.string() });

export const invitationSchema = z
  .object({
    service: z.object({ kind: z.enum(['permit', 'queue', 'helpdesk']), code: z.string(), name: localised }),
    answered: z.boolean().describe('True once the invitation was answered: it takes no second answer'),
  })
  .meta({ id: 'SurveyInvitation' });

const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
export const skmQuery = z.strictObject({
  from: period.optional().describe('First month (YYYY-MM), inclusive; default January of this year'),
  to: period.optional().describe('Last month (YYYY-MM), inclusive; default December of this year'),
  service: z
    .string()
    .regex(/^[A-Z0-9_-]{1,40}$/)
    .optional()
    .describe('Only this service: a permit type code, a queue service code, or HELPDESK'),
});

const means = z.object(Object.fromEntries(SKM_ELEMENTS.map((e) => [e, z.number()])) as Record<SkmElement, z.ZodNumber>);
const figure = z.object({
  respondents: z.number().int(),
  means: means.describe('Per element the mean score (NRR), two decimals'),
  weightedIndex: z.number().describe('Σ NRR × 1/9, 1–4'),
  index: z.number().describe('The weighted index × 25, 25–100, two decimals'),
  grade: z.enum(['A', 'B', 'C', 'D']),
  label: localised,
});
export const skmReportSchema = z
  .object({
    unit: z.object({ code: z.string(), name: z.string() }).describe('The office (unit) the figures are of'),
    from: z.string(),
    to: z.string(),
    elements: z.array(z.string()).describe('The nine elements in the regulation’s order (U1 … U9)'),
    overall: figure.nullable().describe('All services together; null: no answers in the period'),
    service: z.string().nullable().describe('The service filter; null: all services'),
    services: z.array(figure.extend({ kind: z.enum(['permit', 'queue', 'helpdesk']), code: z.string(), name: localised })),
    available: z.array(z.object({ code: z.string(), name: localised })).describe('Every service with answers in the period, whatever the filter'),
  })
  .meta({ id: 'SkmReport' });
