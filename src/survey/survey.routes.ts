import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { answerBody, apiTokenParams, invitationSchema, skmQuery, skmReportSchema } from './survey.schemas.js';

const bearer = [{ bearer: [] }];

/** The SKM satisfaction survey's JSON API (issue 13, item 2). */
export function surveyRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/survey/invitations/:token', {
    schema: {
      operationId: 'getSurveyInvitation',
      tags: ['Survey'],
      summary: 'Anyone with the link: which service an SKM survey invitation asks about, and whether it was answered. No sign-in: the token is the key',
      params: apiTokenParams,
      response: { 200: invitationSchema, ...problemResponses },
    },
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    handler: async (request) => services.survey.getInvitation({ tenantId: request.tenant.id, token: request.params.token }),
  });

  r.post('/api/v1/survey/invitations/:token/answer', {
    schema: {
      operationId: 'answerSurvey',
      tags: ['Survey'],
      summary:
        'Anyone with the link: answer the SKM survey once (nine elements 1–4, respondent details optional). Anonymous: the answer keeps only service, office and month. 409 when already answered; 400 with field errors and nothing written when malformed',
      params: apiTokenParams,
      body: answerBody,
      response: { 200: z.object({ answered: z.literal(true) }), ...problemResponses },
    },
    config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    handler: async (request) => {
      await services.survey.answer({ tenantId: request.tenant.id, token: request.params.token, answer: request.body });
      return { answered: true as const };
    },
  });

  r.get('/api/v1/survey/skm', {
    schema: {
      operationId: 'getSkmReport',
      tags: ['Survey'],
      summary:
        'Head and admin: the SKM index (Permenpan RB 14/2017) per service and for the office over months from–to (YYYY-MM, default this year): respondents, per-element means, weighted and converted index, grade A–D',
      security: bearer,
      querystring: skmQuery,
      response: { 200: skmReportSchema, ...problemResponses },
    },
    handler: async (request) => services.survey.getReport({ actor: requireActor(request, 'survey.read'), ...request.query }),
  });
}
