import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import {
  columnsOf,
  DATASET_SCHEMAS,
  DATASETS,
  recordsCsv,
  transparencyExportQuerySchema,
  transparencyJsonSchema,
  transparencyQuerySchema,
  transparencyReportSchema,
  transparencySchemaQuerySchema,
} from './transparency.schemas.js';

const fileName = (dataset: string, from: string, to: string, ext: string) => `transparansi-${dataset}-${from}-${to}.${ext}`;

/**
 * The public transparency figures (issue 13, item 3): the page's JSON and the open data, for anyone
 * (no sign-in); the office is the request's (its host), like the registry.
 */
export function transparencyRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/transparency', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      operationId: 'getTransparency',
      tags: ['Transparency'],
      summary:
        'Public: the office’s figures per month (office time zone) — applications filed by channel and permit type (digital = online + assisted, pooled), SLA compliance and median working days of the files closed, the SKM index and grade. Counts only, no personal data; every ratio as its numerator and denominator (0: not yet recorded)',
      querystring: transparencyQuerySchema,
      response: { 200: transparencyReportSchema, ...problemResponses },
    },
    handler: async (request) => services.transparency.getReport({ tenantId: request.tenant.id, year: request.query.year }),
  });

  // The exports are small (a few hundred rows a year) but public: a few a minute per address, like the registry's.
  r.get('/api/v1/transparency/export.json', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'exportTransparencyJson',
      tags: ['Transparency'],
      summary: `Public open data: one dataset (${DATASETS.join(', ')}) as a JSON array of its records (schema at /api/v1/transparency/schema.json?dataset=…; docs/transparency.md)`,
      querystring: transparencyExportQuerySchema,
      response: {
        200: z.union([z.array(DATASET_SCHEMAS.filed), z.array(DATASET_SCHEMAS.sla), z.array(DATASET_SCHEMAS.skm)]),
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      const { dataset, year } = request.query;
      const out = await services.transparency.exportRecords({ tenantId: request.tenant.id, year, dataset });
      void reply.header('content-disposition', contentDisposition('attachment', fileName(dataset, out.from, out.to, 'json')));
      return out.records;
    },
  });

  r.get('/api/v1/transparency/export.csv', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'exportTransparencyCsv',
      tags: ['Transparency'],
      summary: `Public open data: one dataset as CSV (RFC 4180, UTF-8), the schema's field order: ${DATASETS.map((d) => `${d}: ${columnsOf(d).join(', ')}`).join('; ')}`,
      querystring: transparencyExportQuerySchema,
      produces: ['text/csv'],
      response: { 200: z.string(), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { dataset, year } = request.query;
      const out = await services.transparency.exportRecords({ tenantId: request.tenant.id, year, dataset });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', fileName(dataset, out.from, out.to, 'csv')))
        .send(recordsCsv(dataset, out.records));
    },
  });

  r.get('/api/v1/transparency/schema.json', {
    schema: {
      operationId: 'getTransparencySchema',
      tags: ['Transparency'],
      summary: 'Public: the JSON Schema of one record of a transparency dataset (filed, sla or skm; docs/transparency.md explains the fields)',
      querystring: transparencySchemaQuerySchema,
      response: { 200: z.record(z.string(), z.unknown()), ...problemResponses },
    },
    handler: async (request, reply) => {
      void reply.header('content-type', 'application/schema+json');
      return transparencyJsonSchema(request.query.dataset);
    },
  });
}
