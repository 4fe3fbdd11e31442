import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { dashboardCsvParams, dashboardQuerySchema, dashboardReportSchema } from './dashboard.schemas.js';

const bearer = [{ bearer: [] }];

/** The head's dashboard: the JSON API (issue 13, item 1). */
export function dashboardRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/dashboard', {
    schema: {
      operationId: 'getDashboard',
      tags: ['Dashboard'],
      summary:
        'Head and admin: the office’s figures for a period — digital take-up (online + assisted ÷ filed, pooled) with the channel shares, by period and permit type, against the previous period; the online door’s completion and drop-off; files in and out; backlog per workflow state; SLA compliance and median working days per permit type; files overdue now. Every ratio as its exact numerator and denominator',
      security: bearer,
      querystring: dashboardQuerySchema,
      response: { 200: dashboardReportSchema, ...problemResponses },
    },
    handler: async (request) => services.dashboard.getDashboard({ actor: requireActor(request, 'dashboard.read'), ...request.query }),
  });

  r.get('/api/v1/dashboard/:table.csv', {
    schema: {
      operationId: 'exportDashboardCsv',
      tags: ['Dashboard'],
      summary: 'Head and admin: one of the dashboard’s tables as CSV (RFC 4180, UTF-8), with the same filters',
      security: bearer,
      params: dashboardCsvParams,
      querystring: dashboardQuerySchema,
      produces: ['text/csv'],
      response: { 200: z.string(), ...problemResponses },
    },
    handler: async (request, reply) => {
      const out = await services.dashboard.exportCsv({ actor: requireActor(request, 'dashboard.read'), ...request.query, table: request.params.table });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `dasbor-${request.params.table}-${out.from}-${out.to}.csv`))
        .send(out.csv);
    },
  });
}
