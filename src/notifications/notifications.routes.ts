import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/context.js';
import { problemResponses, uuidParam } from '../http/common.schemas.js';
import type { Services } from '../services.js';

const bearer = [{ bearer: [] }];

export const messageViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.string().describe('The message kind: contact_code, reset_code, claim_code, application_returned, permit_issued, permit_expiring …'),
    channel: z.string().describe('email, whatsapp or sms: the channel last tried'),
    recipient: z.string().describe('The address, masked'),
    status: z.enum(['mailbox', 'pending', 'sent', 'delivered', 'read', 'failed', 'dead']),
    attempts: z.number().int(),
    reason: z.string().nullable().describe('Why the last attempt failed (the gateway’s answer), if it did'),
    createdAt: z.string(),
    at: z.string().describe('When the status last changed'),
  })
  .meta({ id: 'MessageDelivery' });

/** The messages API: the admin's dead letters and "send again", and the delivery state of a file's messages. */
export function notificationRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/admin/failed-messages', {
    schema: {
      operationId: 'listFailedMessages',
      tags: ['Messages'],
      summary: 'Admin: the office’s messages that could not be delivered on any channel (dead or failed), newest first, with the reason',
      security: bearer,
      querystring: z.strictObject({}),
      response: { 200: z.array(messageViewSchema), ...problemResponses },
    },
    handler: async (request) => services.notifications.listFailedMessages({ actor: requireActor(request, 'messages.manage') }),
  });

  r.post('/api/v1/admin/failed-messages/:id/resend', {
    schema: {
      operationId: 'resendMessage',
      tags: ['Messages'],
      summary: 'Admin: send an undelivered message again, from its recipient’s first channel (audited); 409 unless it is dead or failed',
      security: bearer,
      params: z.object({ id: uuidParam }),
      response: { 200: messageViewSchema, ...problemResponses },
    },
    handler: async (request) => services.notifications.resendMessage({ actor: requireActor(request, 'messages.manage'), id: request.params.id }),
  });

  r.get('/api/v1/applications/:id/messages', {
    schema: {
      operationId: 'listApplicationMessages',
      tags: ['Applications'],
      summary: 'The messages sent about an application: what, to whom (masked), on which channel, and their delivery status',
      security: bearer,
      params: z.object({ id: uuidParam }),
      response: { 200: z.array(messageViewSchema), ...problemResponses },
    },
    handler: async (request) => services.notifications.messagesAboutApplication({ actor: requireActor(request), applicationId: request.params.id }),
  });
}
