import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localisedSchema, problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';

const trackingSchema = z
  .object({
    number: z.string(),
    permitType: z.object({ code: z.string(), name: localisedSchema }),
    state: z.object({ code: z.string(), kind: z.string(), label: localisedSchema, nextStep: localisedSchema }),
    submittedAt: z.string().nullable(),
    lastChangedAt: z.string(),
    expectedBy: z
      .string()
      .nullable()
      .describe('YYYY-MM-DD in the office time zone: the date the service standard promises; null before filing and once closed'),
    step: z
      .object({ number: z.number().int(), of: z.number().int() })
      .nullable()
      .describe('The current stage on the way to the permit (the permit guide’s steps); null while with the applicant or when closed without a permit'),
    late: z.boolean().describe('Past the expected date while the office has the file'),
    officeTold: z.boolean().describe('The file is late and the head of the office has been told'),
    timeline: z.array(z.object({ state: z.string(), label: localisedSchema, at: z.string() })),
    documentsToReplace: z.array(z.object({ code: z.string(), name: localisedSchema })),
    parcels: z
      .array(
        z.object({
          direction: z.enum(['in', 'out']),
          company: z.string(),
          trackingNumber: z.string(),
          at: z.string(),
          contents: z.enum(['permit', 'returned_papers']).nullable(),
        }),
      )
      .describe('Courier parcels of the file: received (in) and sent back (out: the permit or returned papers)'),
    bookmark: z
      .object({ path: z.string(), expiresAt: z.string() })
      .describe('A signed page link to follow the file without the code (the file id, expiry and an HMAC; never the code), valid 30 days'),
  })
  .meta({ id: 'Tracking' });

export function trackingRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // POST, not GET: the tracking code works like a password and must not land in URLs or logs.
  r.post('/api/v1/track', {
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      operationId: 'trackApplication',
      tags: ['Tracking'],
      summary: 'Public: where an application is, by its number and tracking code (no personal data)',
      body: z.strictObject({
        number: z.string().trim().min(1).max(40),
        trackingCode: z.string().trim().min(1).max(20),
      }),
      response: { 200: trackingSchema, ...problemResponses },
    },
    handler: async (request) => services.tracking.trackApplication({ tenantId: request.tenant.id, ...request.body }),
  });
}
