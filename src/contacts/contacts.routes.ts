import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { historyQuery, historySchema, myHistoryQuery, toHistory } from './contacts.schemas.js';

const bearer = [{ bearer: [] }];

/** The channel history over the JSON API: staff look a citizen up; anyone signed in reads their own. */
export function contactRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/contacts', {
    schema: {
      operationId: 'getChannelHistory',
      tags: ['Contacts'],
      summary:
        'Staff (front desk, verifier, head, admin): a citizen’s contacts with the office, newest first, 50 a page: by applicant account (its rows, and those with its verified number or email), or by a number or email',
      security: bearer,
      querystring: historyQuery,
      response: { 200: historySchema, ...problemResponses },
    },
    handler: async (request) => toHistory(await services.contacts.getChannelHistory({ actor: requireActor(request, 'contacts.view'), ...request.query })),
  });

  r.get('/api/v1/me/contacts', {
    schema: {
      operationId: 'getMyChannelHistory',
      tags: ['Contacts'],
      summary: 'Your own contacts with the office, newest first, 50 a page: those of your account, and those with your number or email once verified',
      security: bearer,
      querystring: myHistoryQuery,
      response: { 200: historySchema, ...problemResponses },
    },
    handler: async (request) => toHistory(await services.contacts.getMyChannelHistory({ actor: requireActor(request), page: request.query.page })),
  });
}
