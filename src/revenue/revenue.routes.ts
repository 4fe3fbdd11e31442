import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { REVENUE_CSV_COLUMNS } from './revenue.service.js';
import { revenueQuerySchema, revenueReportSchema, revenueTargetParams, revenueTargetSchema, setRevenueTargetBody } from './revenue.schemas.js';

const bearer = [{ bearer: [] }];

/** Retribution revenue against the annual target: the JSON API (issue 12). */
export function revenueRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/revenue', {
    schema: {
      operationId: 'getRevenue',
      tags: ['Revenue'],
      summary:
        'Head, admin and treasurer: one year’s retribution revenue (recorded payments) by permit type and month in the office’s time zone, against the annual target, with % achieved and the projection to year end',
      security: bearer,
      querystring: revenueQuerySchema,
      response: { 200: revenueReportSchema, ...problemResponses },
    },
    handler: async (request) => services.revenue.getRevenue({ actor: requireActor(request, 'revenue.read'), year: request.query.year }),
  });

  r.get('/api/v1/revenue.csv', {
    schema: {
      operationId: 'exportRevenueCsv',
      tags: ['Revenue'],
      summary: `Head, admin and treasurer: the year’s revenue as CSV (RFC 4180, UTF-8), one row per permit type × month, columns ${REVENUE_CSV_COLUMNS.join(', ')}; amounts in whole rupiah`,
      security: bearer,
      querystring: revenueQuerySchema,
      produces: ['text/csv'],
      response: { 200: z.string(), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { year, csv } = await services.revenue.exportCsv({ actor: requireActor(request, 'revenue.read'), year: request.query.year });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `pendapatan-${year}.csv`))
        .send(csv);
    },
  });

  r.put('/api/v1/revenue/targets/:year', {
    schema: {
      operationId: 'setRevenueTarget',
      tags: ['Revenue'],
      summary:
        'Admin: the office’s annual revenue target for a year (whole rupiah above 0) with the reason; replaces the value in force as a new version, the earlier ones kept; audited. Next year’s can be set ahead',
      security: bearer,
      params: revenueTargetParams,
      body: setRevenueTargetBody,
      response: { 200: revenueTargetSchema, ...problemResponses },
    },
    handler: async (request) => services.revenue.setTarget({ actor: requireActor(request, 'revenue.manage'), year: request.params.year, ...request.body }),
  });
}
