import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponses } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import { languageFrom } from '../shared/messages.js';
import {
  assistBody,
  assistResultSchema,
  claimByLinkBody,
  claimResultSchema,
  createHelpRequestBody,
  helpRequestListSchema,
  helpRequestParams,
  helpRequestReceiptSchema,
  helpRequestSchema,
  listHelpRequestsQuery,
  noteBody,
  replyBody,
  updateHelpRequestBody,
} from './helpdesk.schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['Help desk'];

/** The help desk over the JSON API: the public form, the officers' list and thread, assist, and claiming by link. */
export function helpdeskRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { helpdesk } = services;

  r.post('/api/v1/help-requests', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'createHelpRequest',
      tags,
      summary:
        'Public (the portal’s form, channel web): ask the office a question; officers with helpdesk.manage also record phone, Instagram, Facebook and email requests',
      body: createHelpRequestBody,
      response: { 201: helpRequestReceiptSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const created = await helpdesk.createHelpRequest({ tenant: request.tenant, actor: request.actor ?? null, ...request.body });
      return reply.code(201).send(created);
    },
  });

  r.get('/api/v1/help-requests', {
    schema: {
      operationId: 'listHelpRequests',
      tags,
      summary: 'Help desk: the office’s requests, overdue first (no first answer within 3 working days), paged',
      security: bearer,
      querystring: listHelpRequestsQuery,
      response: { 200: helpRequestListSchema, ...problemResponses },
    },
    handler: async (request) => {
      const q = request.query;
      return helpdesk.listHelpRequests({
        actor: requireActor(request, 'helpdesk.manage'),
        status: q.status,
        mine: q.mine === 'true',
        page: q.page,
        pageSize: q.pageSize,
      });
    },
  });

  r.get('/api/v1/help-requests/:id', {
    schema: {
      operationId: 'getHelpRequest',
      tags,
      summary: 'Help desk: one request with its thread, canned answers from the permit guide, and claim links',
      security: bearer,
      params: helpRequestParams,
      response: { 200: helpRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      helpdesk.getHelpRequest({
        actor: requireActor(request, 'helpdesk.manage'),
        id: request.params.id,
        lang: languageFrom(request.headers['accept-language']),
      }),
  });

  r.post('/api/v1/help-requests/:id/replies', {
    schema: {
      operationId: 'replyToHelpRequest',
      tags,
      summary:
        'Help desk: reply on the request’s channel (WhatsApp free text inside the 24-hour window, a template after it; email; phone, Instagram and Facebook replies are recorded as sent by hand)',
      security: bearer,
      params: helpRequestParams,
      body: replyBody,
      response: { 200: helpRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      helpdesk.replyToHelpRequest({
        actor: requireActor(request, 'helpdesk.manage'),
        id: request.params.id,
        ...request.body,
        lang: languageFrom(request.headers['accept-language']),
      }),
  });

  r.post('/api/v1/help-requests/:id/notes', {
    schema: {
      operationId: 'addHelpRequestNote',
      tags,
      summary: 'Help desk: an internal note on the request (never sent to the citizen)',
      security: bearer,
      params: helpRequestParams,
      body: noteBody,
      response: { 201: helpRequestSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const view = await helpdesk.addHelpRequestNote({
        actor: requireActor(request, 'helpdesk.manage'),
        id: request.params.id,
        body: request.body.body,
        lang: languageFrom(request.headers['accept-language']),
      });
      return reply.code(201).send(view);
    },
  });

  r.patch('/api/v1/help-requests/:id', {
    schema: {
      operationId: 'updateHelpRequest',
      tags,
      summary: 'Help desk: status, assignee, or the permit the question is about',
      security: bearer,
      params: helpRequestParams,
      body: updateHelpRequestBody,
      response: { 200: helpRequestSchema, ...problemResponses },
    },
    handler: async (request) =>
      helpdesk.updateHelpRequest({
        actor: requireActor(request, 'helpdesk.manage'),
        id: request.params.id,
        ...request.body,
        lang: languageFrom(request.headers['accept-language']),
      }),
  });

  r.post('/api/v1/help-requests/:id/assist', {
    schema: {
      operationId: 'assistHelpRequest',
      tags,
      summary: 'Front desk: an assisted draft for the citizen (channel assisted, linked to the request) and a claim link to continue it online',
      security: bearer,
      params: helpRequestParams,
      body: assistBody,
      response: { 201: assistResultSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const result = await helpdesk.assistHelpRequest({
        actor: requireActor(request, 'helpdesk.manage'),
        id: request.params.id,
        ...request.body,
        lang: languageFrom(request.headers['accept-language']),
      });
      return reply.code(201).send(result);
    },
  });

  r.post('/api/v1/claim-links/claim', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'claimApplicationByLink',
      tags,
      summary: 'Applicant: take the draft (or file) a claim link names into your account; a used, expired or unknown link is 404',
      security: bearer,
      body: claimByLinkBody,
      response: { 200: claimResultSchema, ...problemResponses },
    },
    handler: async (request) => helpdesk.claimApplicationByLink({ actor: requireActor(request), token: request.body.token }),
  });
}
