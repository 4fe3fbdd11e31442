import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import {
  closeDayBody,
  dayParams,
  heldPaymentListSchema,
  heldPaymentParams,
  heldPaymentSchema,
  importStatementBody,
  lineParams,
  noteBody,
  reconciliationDayListSchema,
  reconciliationDaySchema,
} from './reconciliation.schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['Payments'];
const permission = 'payments.manage' as const;

/** These operations read no query parameters: an unknown one is a 400 (unknown_field), not ignored. */
const noQuery = z.strictObject({});
/**
 * The treasurer's money desk over the JSON API (`payments.manage`): the payments held for review
 * (accepted to pay their file, or closed with a note) and the reconciliation of each day's bank
 * statement. The service applies the policy and reads only the treasurer's own office.
 */
export function reconciliationRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const desk = services.reconciliation;

  r.get('/api/v1/payments/held', {
    schema: {
      querystring: noQuery,
      operationId: 'listHeldPayments',
      tags,
      summary: 'Treasurer: the payments held for review (wrong amount, voided, expired or paid bill, unknown bill), oldest first, and the latest closed',
      security: bearer,
      response: { 200: heldPaymentListSchema, ...problemResponses },
    },
    handler: async (request) => desk.listHeldPayments({ actor: requireActor(request, permission) }),
  });

  r.get('/api/v1/payments/held/:id', {
    schema: {
      querystring: noQuery,
      operationId: 'getHeldPayment',
      tags,
      summary: 'Treasurer: one held payment with its bill and file, and whether accepting it would pay the file',
      security: bearer,
      params: heldPaymentParams,
      response: { 200: heldPaymentSchema, ...problemResponses },
    },
    handler: async (request) => desk.getHeldPayment({ actor: requireActor(request, permission), id: request.params.id }),
  });

  r.post('/api/v1/payments/held/:id/accept', {
    schema: {
      querystring: noQuery,
      operationId: 'acceptHeldPayment',
      tags,
      summary:
        'Treasurer: accept a payment held for an expired bill (still open, same amount, the file waiting for payment): it pays the bill and moves the file on, with a note (409 payment_not_acceptable otherwise)',
      security: bearer,
      params: heldPaymentParams,
      body: noteBody,
      response: { 200: heldPaymentSchema, ...problemResponses },
    },
    handler: async (request) => desk.acceptHeldPayment({ actor: requireActor(request, permission), id: request.params.id, note: request.body.note }),
  });

  r.post('/api/v1/payments/held/:id/close', {
    schema: {
      querystring: noQuery,
      operationId: 'closeHeldPayment',
      tags,
      summary: 'Treasurer: close a held payment with a note (a refund to make, a duplicate payment …); nothing else changes',
      security: bearer,
      params: heldPaymentParams,
      body: noteBody,
      response: { 200: heldPaymentSchema, ...problemResponses },
    },
    handler: async (request) => desk.closeHeldPayment({ actor: requireActor(request, permission), id: request.params.id, note: request.body.note }),
  });

  r.get('/api/v1/reconciliation/days', {
    schema: {
      querystring: noQuery,
      operationId: 'listReconciliationDays',
      tags,
      summary: 'Treasurer: the statement days imported, latest first, with how many lines wait for a note',
      security: bearer,
      response: { 200: reconciliationDayListSchema, ...problemResponses },
    },
    handler: async (request) => ({ days: await desk.listDays({ actor: requireActor(request, permission) }) }),
  });

  r.post('/api/v1/reconciliation/statements', {
    schema: {
      querystring: noQuery,
      operationId: 'importBankStatement',
      tags,
      summary:
        'Treasurer: import one day’s bank statement (CSV text or the SNAP VA report’s JSON body) and reconcile it: matched, missing, unexpected, amount mismatch. A file that cannot be read: 422 statement_invalid with the line; a closed day: 409',
      security: bearer,
      body: importStatementBody,
      response: { 201: reconciliationDaySchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const { format, content, day, fileName } = request.body;
      const view = await desk.importStatement({ actor: requireActor(request, permission), source: format, content, day, fileName });
      return reply.code(201).send(view);
    },
  });

  r.get('/api/v1/reconciliation/days/:day', {
    schema: {
      querystring: noQuery,
      operationId: 'getReconciliationDay',
      tags,
      summary: 'Treasurer: one statement day with its lines (matched, missing, unexpected, amount mismatch) and their notes',
      security: bearer,
      params: dayParams,
      response: { 200: reconciliationDaySchema, ...problemResponses },
    },
    handler: async (request) => desk.getDay({ actor: requireActor(request, permission), day: request.params.day }),
  });

  r.post('/api/v1/reconciliation/days/:day/lines/:lineId/resolve', {
    schema: {
      querystring: noQuery,
      operationId: 'resolveReconciliationLine',
      tags,
      summary: 'Treasurer: resolve one line that did not match with a note',
      security: bearer,
      params: lineParams,
      body: noteBody,
      response: { 200: reconciliationDaySchema, ...problemResponses },
    },
    handler: async (request) =>
      desk.resolveLine({ actor: requireActor(request, permission), day: request.params.day, lineId: request.params.lineId, note: request.body.note }),
  });

  r.post('/api/v1/reconciliation/days/:day/close', {
    schema: {
      querystring: noQuery,
      operationId: 'closeReconciliationDay',
      tags,
      summary: 'Treasurer: close the day once every line that did not match is resolved (409 reconciliation_unresolved until then)',
      security: bearer,
      params: dayParams,
      body: closeDayBody.optional(),
      response: { 200: reconciliationDaySchema, ...problemResponses },
    },
    handler: async (request) => desk.closeDay({ actor: requireActor(request, permission), day: request.params.day, note: request.body?.note }),
  });
}
