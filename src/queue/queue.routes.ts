import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { languageFrom } from '../shared/messages.js';
import { callNextBody, displayQuery, displaySchema, eventBody, issueBody, KIOSK_COOKIE, kioskHeaders, ticketParams, ticketSchema } from './queue.schemas.js';

const bearer = [{ bearer: [] }];

/**
 * The queue over the JSON API, first step: a ticket (anonymous, as the kiosk will ask), the ticket by its
 * id (the visitor's page), and the counters' call-next and actions (`queue.serve`).
 */
export function queueRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/queue/tickets', {
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    schema: {
      operationId: 'issueQueueTicket',
      tags: ['Queue'],
      summary:
        'The kiosk (an enrolled device: its X-Kiosk-Token header or cookie) or front-desk staff: a queue ticket for a service group, numbered per day (A-001), with its position and the wait promised; 403 queue_kiosk_required from any other device; 422 outside opening hours, after the day’s closing time or for an unknown service',
      headers: kioskHeaders,
      body: issueBody,
      response: { 201: ticketSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const ticket = await services.queue.issueTicket({
        tenant: request.tenant,
        actor: request.actor,
        ...request.body,
        kioskToken: request.headers['x-kiosk-token'] ?? request.cookies[KIOSK_COOKIE],
        lang: languageFrom(request.headers['accept-language']),
      });
      return reply.code(201).send(ticket);
    },
  });

  r.get('/api/v1/queue/tickets/:id', {
    schema: {
      operationId: 'getQueueTicket',
      tags: ['Queue'],
      summary:
        'Public: a ticket by its id (the visitor’s page): status, position in the call order, counter when called, the expected wait and the error of past estimates',
      params: ticketParams,
      response: { 200: ticketSchema, ...problemResponses },
    },
    handler: async (request) =>
      services.queue.getTicket({ tenant: request.tenant, id: request.params.id, lang: languageFrom(request.headers['accept-language']) }),
  });

  r.post('/api/v1/queue/call-next', {
    schema: {
      operationId: 'callNextTicket',
      tags: ['Queue'],
      summary:
        'Counter staff: call the next ticket of a service group to a counter (booked visitors at their slot time, then by wait with the priority policy); 409 queue_empty when nobody waits',
      security: bearer,
      body: callNextBody,
      response: { 200: ticketSchema, ...problemResponses },
    },
    handler: async (request) =>
      services.queue.callNext({
        actor: requireActor(request, 'queue.serve'),
        tenant: request.tenant,
        ...request.body,
        lang: languageFrom(request.headers['accept-language']),
      }),
  });

  r.post('/api/v1/queue/tickets/:id/events', {
    schema: {
      operationId: 'updateQueueTicket',
      tags: ['Queue'],
      summary:
        'Counter staff: start, complete, no-show, recall, skip or transfer (with service) a called ticket (a timestamped event); 409 when its status does not allow it, or for a booked visitor’s no-show within the grace period',
      security: bearer,
      params: ticketParams,
      body: eventBody,
      response: { 200: ticketSchema, ...problemResponses },
    },
    handler: async (request) =>
      services.queue.updateTicket({
        actor: requireActor(request, 'queue.serve'),
        tenant: request.tenant,
        id: request.params.id,
        action: request.body.action,
        service: request.body.service,
        lang: languageFrom(request.headers['accept-language']),
      }),
  });

  r.get('/api/v1/queue/display', {
    schema: {
      operationId: 'getQueueDisplay',
      tags: ['Queue'],
      summary: 'Public (the lobby display): the ticket each counter is serving and the next numbers of each service group, today',
      querystring: displayQuery,
      response: { 200: displaySchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const view = await services.queue.display({
        tenant: request.tenant,
        service: request.query.service,
        lang: languageFrom(request.headers['accept-language']),
      });
      return reply.header('cache-control', 'no-store').send(view);
    },
  });
}
