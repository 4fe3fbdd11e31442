import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../http/common.schemas.js';
import { contentDisposition } from '../http/content-disposition.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import {
  correctionBody,
  dataRequestSchema,
  erasureBody,
  noQuery,
  officeDataRequestSchema,
  officeListQuery,
  personalDataSchema,
  requestParams,
  resolveBody,
  toOfficeRequest,
  toPersonalData,
  toRequest,
} from './data-rights.schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['Personal data'];

/** The data subject's rights (UU PDP 27/2022, LAW-5) over the JSON API: the applicant's own, and the office's answers to corrections. */
export function dataRightsRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/me/personal-data', {
    schema: {
      operationId: 'getMyPersonalData',
      tags,
      summary:
        'Applicant: everything the office holds about you as one JSON document (profile with your own full NIK, applications with answers, document list with download links, bills, payments, permits, appointments, help requests, officers’ openings of your documents, your requests); never cached',
      security: bearer,
      querystring: noQuery,
      response: { 200: personalDataSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const data = await services.dataRights.exportPersonalData({ actor: requireActor(request, 'personalData.own') });
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition('attachment', `data-pribadi-${data.exportedAt.slice(0, 10)}.json`))
        .send(toPersonalData(data));
    },
  });

  r.get('/api/v1/me/data-requests', {
    schema: {
      operationId: 'listMyDataRequests',
      tags,
      summary: 'Applicant: your correction and erasure requests, newest first, with their status and the office’s answer',
      security: bearer,
      querystring: noQuery,
      response: { 200: z.array(dataRequestSchema), ...problemResponses },
    },
    handler: async (request) => (await services.dataRights.listMyRequests({ actor: requireActor(request, 'personalData.own') })).map(toRequest),
  });

  r.get('/api/v1/me/data-requests/:id', {
    schema: {
      operationId: 'getMyDataRequest',
      tags,
      summary: 'Applicant: one of your requests (anyone else’s is 404)',
      security: bearer,
      params: requestParams,
      response: { 200: dataRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      toRequest(await services.dataRights.getMyRequest({ actor: requireActor(request, 'personalData.own'), requestId: request.params.id })),
  });

  r.post('/api/v1/me/data-requests/corrections', {
    schema: {
      operationId: 'createCorrectionRequest',
      tags,
      summary:
        'Applicant: ask the office to correct your data (what is wrong, what it should be); answers 201 with a KOR- reference; a full NIK in any text is 400 (come to the counter with the KTP)',
      security: bearer,
      body: correctionBody,
      response: { 201: dataRequestSchema, ...problemResponses },
    },
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    handler: async (request, reply) =>
      reply.code(201).send(toRequest(await services.dataRights.fileCorrection({ actor: requireActor(request, 'personalData.own'), ...request.body }))),
  });

  r.post('/api/v1/me/erasure', {
    schema: {
      operationId: 'eraseMyAccount',
      tags,
      summary:
        'Applicant: erase your account now, with your password and confirm true. Drafts never filed (with their uploads), sessions and profile data are erased and the account can no longer sign in; filed applications, permits, bills, payments and the audit trail are kept, each named with the reason',
      security: bearer,
      body: erasureBody,
      response: { 200: dataRequestSchema, ...problemResponses },
    },
    config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    handler: async (request) =>
      toRequest(
        await services.dataRights.eraseMyAccount({
          actor: requireActor(request, 'personalData.own'),
          password: request.body.currentPassword,
          confirm: request.body.confirm,
          clientIp: request.ip,
        }),
      ),
  });

  r.get('/api/v1/data-requests', {
    schema: {
      operationId: 'listDataRequests',
      tags,
      summary: 'Front desk, admin: the office’s correction requests, open ones oldest first (or the last 100 answered)',
      security: bearer,
      querystring: officeListQuery,
      response: { 200: z.array(officeDataRequestSchema), ...problemResponses },
    },
    handler: async (request) =>
      (await services.dataRights.listCorrectionRequests({ actor: requireActor(request, 'dataRequests.manage'), status: request.query.status })).map(
        toOfficeRequest,
      ),
  });

  r.get('/api/v1/data-requests/:id', {
    schema: {
      operationId: 'getDataRequest',
      tags,
      summary: 'Front desk, admin: one correction request of the office, with who asked',
      security: bearer,
      params: requestParams,
      response: { 200: officeDataRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      toOfficeRequest(await services.dataRights.getCorrectionRequest({ actor: requireActor(request, 'dataRequests.manage'), requestId: request.params.id })),
  });

  r.post('/api/v1/data-requests/:id/resolve', {
    schema: {
      operationId: 'resolveDataRequest',
      tags,
      summary:
        'Front desk, admin: answer an open correction request as corrected (what was changed) or refused (why); the applicant is told; an answered request is 409',
      security: bearer,
      params: requestParams,
      body: resolveBody,
      response: { 200: officeDataRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      toOfficeRequest(
        await services.dataRights.resolveCorrection({ actor: requireActor(request, 'dataRequests.manage'), requestId: request.params.id, ...request.body }),
      ),
  });
}
