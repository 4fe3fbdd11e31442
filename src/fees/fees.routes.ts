import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationParams } from '../applications/applications.schemas.js';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';

const bearer = [{ bearer: [] }];

export const feeAssessmentSchema = z
  .object({
    rule: z.enum(['free', 'pbg_retribution']).describe('The permit type’s fee rule'),
    amount: z.number().int().min(0).describe('Whole rupiah'),
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
      .describe('How a PBG retribution was reached; null for a free permit'),
    year: z.number().int().describe('The filing year in the office’s time zone, whose coefficients were used'),
    dataNote: z.string().nullable().describe('The coefficients’ caveats (an uncertain figure, a mapping choice)'),
  })
  .meta({ id: 'FeeAssessment' });

export function feeRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/applications/:id/fee', {
    schema: {
      operationId: 'getFeeAssessment',
      tags: ['Case work'],
      summary: 'Staff: the fee the office’s rules give for a filed application (the PBG retribution with its breakdown, or 0 for a free permit)',
      security: bearer,
      params: applicationParams,
      response: { 200: feeAssessmentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      return services.fees.assessFor({ actor, applicationId: request.params.id });
    },
  });
}
