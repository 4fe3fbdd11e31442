import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationParams } from '../applications/applications.schemas.js';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { FEE_RULE_KINDS } from './fee-rule.schema.js';
import { retributionYearSchema } from './retribution.schema.js';

const bearer = [{ bearer: [] }];

const localised = z.object({ id: z.string(), en: z.string() });

const appliedWaiverSchema = z
  .object({
    code: z.string().describe('The waiver’s code, e.g. mbr'),
    field: z.string().describe('The form question that triggered it'),
    percent: z.number().int().min(1).max(100).describe('How much was taken off: 100 means nothing is paid'),
    reason: localised.describe('Why, in Indonesian and English'),
    legalBasis: z.string().describe('The regulation that allows it'),
    amountOff: z.number().int().min(0).describe('Rupiah taken off'),
  })
  .meta({ id: 'FeeWaiverApplied' });

const ruleCalculationSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), amount: z.number().int() }),
    z.object({
      kind: z.literal('per_unit'),
      field: z.string(),
      quantity: z.number(),
      rate: z.number().describe('Rupiah per unit'),
      unit: localised.nullable(),
      product: z.number().int().describe('quantity × rate, rounded half up'),
      minimum: z.number().int().nullable(),
      minimumApplied: z.boolean(),
      amount: z.number().int(),
    }),
    z.object({
      kind: z.literal('table'),
      field: z.string(),
      answer: z.union([z.string(), z.number(), z.boolean()]),
      row: z.number().int().nullable().describe('The matching row (0-based); null when the table’s otherwise amount was used'),
      label: localised.nullable(),
      amount: z.number().int(),
    }),
  ])
  .meta({ id: 'FeeRuleCalculation' });

export const feeAssessmentSchema = z
  .object({
    rule: z.enum(FEE_RULE_KINDS).describe('The permit type’s fee rule kind'),
    amount: z.number().int().min(0).describe('Whole rupiah, after any waiver'),
    beforeWaiver: z.number().int().min(0).describe('What the rule gave before a waiver (equal to amount when none applies)'),
    waiver: appliedWaiverSchema.nullable().describe('The waiver the answers triggered; null when none'),
    calculation: ruleCalculationSchema.nullable().describe('How a fixed, per-unit or table fee was reached; null for free and PBG'),
    breakdown: z
      .object({
        llt: z.number().describe('LLt: total floor area, m²'),
        ilo: z.number().describe('Ilo: locality index'),
        shst: z.number().int().describe('SHST: highest unit building price, rupiah per m²'),
        functionClass: z.string().describe('The function class the building function answer counts as'),
        if: z.number().describe('If: function index'),
        complexity: z.number(),
        permanence: z.number(),
        heightIndex: z.number(),
        fm: z.number().describe('Fm: ownership factor'),
        it: z.number().describe('It: integrated index, rounded half up to 3 decimals'),
        ibg: z.number().describe('Ibg: building (work type) index'),
        formula: z.string().describe('The calculation with the figures filled in'),
      })
      .nullable()
      .describe('How a PBG retribution was reached (before any waiver); null for the other kinds'),
    year: z.number().int().describe('The filing year in the office’s time zone, whose coefficients were used'),
    dataNote: z.string().nullable().describe('The coefficients’ caveats (an uncertain figure, a mapping choice)'),
    coefficientsVersion: z
      .number()
      .int()
      .optional()
      .describe('PBG: the coefficient version used — the one recorded when the treasurer assessed the fee, else the year’s version in force now'),
  })
  .meta({ id: 'FeeAssessment' });

export const coefficientVersionSchema = z
  .object({
    id: z.string(),
    year: z.number().int().describe('The filing year these coefficients are for'),
    version: z.number().int().min(1).describe('1, 2, … per office and year; the highest is in force'),
    coefficients: retributionYearSchema.describe('SHST, Ilo and the index tables, as seed-data/retribution.json has them for one year'),
    reason: z.string().describe('Why this version was saved'),
    createdAt: z.string().describe('When it was saved (UTC)'),
    createdBy: z.string().nullable().describe('The admin who saved it; null for the seeded version'),
  })
  .meta({ id: 'RetributionCoefficientVersion' });

const coefficientYearsSchema = z
  .object({
    years: z.array(
      z.object({
        year: z.number().int(),
        current: coefficientVersionSchema.describe('The version in force: the next assessment of a file filed in this year uses it'),
        history: z.array(coefficientVersionSchema).describe('Every version, newest first'),
      }),
    ),
  })
  .meta({ id: 'RetributionCoefficientYears' });

export const coefficientYearParams = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).describe('The filing year, e.g. 2027 ahead of the year'),
});

export const saveCoefficientsBody = z.strictObject({
  coefficients: retributionYearSchema,
  reason: z.string().trim().min(3).max(500).describe('Why (the decree that changed, the correction made); kept in the history and the audit'),
});

/** The permit type, and the answers the fee rule reads as query parameters (each as the application form checks it). */
export const estimateQuery = z
  .object({
    permitType: z
      .string()
      .regex(/^[A-Za-z0-9]{2,12}$/, 'a permit type code such as PBG')
      .describe('The permit type, e.g. PBG'),
  })
  .catchall(z.string().max(100).describe('An answer, by form field name (e.g. floorArea=235, lowIncomeHouse=no)'));

export const feeEstimateSchema = feeAssessmentSchema
  .extend({
    permitType: z.string(),
    answers: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe('The answers as they were read (numbers as numbers, yes/no as true/false)'),
  })
  .describe('An estimate only: the bill after the technical review is what counts')
  .meta({ id: 'FeeEstimate' });

export function feeRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/applications/:id/fee', {
    schema: {
      operationId: 'getFeeAssessment',
      tags: ['Case work'],
      summary:
        'Staff: the fee the office’s rules give for a filed application (the PBG retribution with its breakdown, a fixed, per-unit or table fee with its calculation, or 0 for a free permit), with the waiver its answers triggered (MBR: 0%)',
      security: bearer,
      params: applicationParams,
      response: { 200: feeAssessmentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      return services.fees.assessFor({ actor, applicationId: request.params.id });
    },
  });

  r.get('/api/v1/fees/estimate', {
    schema: {
      operationId: 'estimateFee',
      tags: ['Catalogue'],
      summary:
        'Anyone: an estimate of a permit type’s fee for the answers given (for PBG: floorArea, floorCount, buildingFunction, complexity, permanence, ownership, buildingWorkType, lowIncomeHouse), with the breakdown and any waiver, under the office’s coefficients in force now for this year. An estimate only: the bill after the technical review is what counts',
      querystring: estimateQuery,
      response: { 200: feeEstimateSchema, ...problemResponses },
    },
    handler: async (request) => {
      const { permitType, ...answers } = request.query;
      try {
        return await services.fees.estimate({ tenantId: request.tenant.id, permitTypeCode: permitType.toUpperCase(), answers });
      } catch (err) {
        // The answers are query parameters here: name them as such (floorArea, not answers.floorArea).
        if (err instanceof AppError && err.details.fields) {
          throw new AppError(err.code, err.message, {
            ...err.details,
            fields: err.details.fields.map((f) => ({ ...f, field: f.field.replace(/^answers\./, '') })),
          });
        }
        throw err;
      }
    },
  });

  r.get('/api/v1/fees/retribution-coefficients', {
    schema: {
      operationId: 'listRetributionCoefficients',
      tags: ['Case work'],
      summary: 'Admin and head: the office’s PBG retribution coefficients per filing year, the version in force and every earlier version',
      security: bearer,
      querystring: z.strictObject({}),
      response: { 200: coefficientYearsSchema, ...problemResponses },
    },
    handler: async (request) => services.fees.listCoefficients({ actor: requireActor(request, 'fees.read') }),
  });

  r.put('/api/v1/fees/retribution-coefficients/:year', {
    schema: {
      operationId: 'saveRetributionCoefficients',
      tags: ['Case work'],
      summary:
        'Admin: a new version of one filing year’s PBG retribution coefficients, with the reason (audited). The next assessment of a file filed in that year uses it without a restart; a file already assessed keeps its version',
      security: bearer,
      params: coefficientYearParams,
      body: saveCoefficientsBody,
      response: { 201: coefficientVersionSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request, 'fees.manage');
      const saved = await services.fees.saveCoefficients({ actor, year: request.params.year, ...request.body });
      return reply.code(201).send(saved);
    },
  });
}
