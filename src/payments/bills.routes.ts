import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationParams } from '../applications/applications.schemas.js';
import { problemResponses } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import { applicationBillsSchema, billSchema, reissueBillBody } from './bills.schemas.js';

const bearer = [{ bearer: [] }];

/** These operations read no query parameters: an unknown one is a 400 (unknown_field), not ignored. */
const noQuery = z.strictObject({});
/** Bills (SKRD): the JSON API (issue 12). */
export function billRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/applications/:id/bills', {
    schema: {
      querystring: noQuery,
      operationId: 'listApplicationBills',
      tags: ['Payments'],
      summary:
        'The applicant of the file and the office’s staff: the file’s bills (SKRD), newest first, with status, payment code (biller code, customer number, virtual account), QRIS, expiry and legal basis, and the payments received',
      security: bearer,
      params: applicationParams,
      response: { 200: applicationBillsSchema, ...problemResponses },
    },
    handler: async (request) => services.bills.listForApplication({ actor: requireActor(request), applicationId: request.params.id }),
  });

  r.post('/api/v1/applications/:id/bills/reissue', {
    schema: {
      querystring: noQuery,
      operationId: 'reissueApplicationBill',
      tags: ['Payments'],
      summary:
        'Treasurer: void the open bill (expired or not) and issue a new one with a new payment code for the file’s fee, with the reason (audited). 409 when the file is not waiting for payment, is paid, or the office has no payment settings',
      security: bearer,
      params: applicationParams,
      body: reissueBillBody,
      response: { 201: billSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request, 'payments.manage');
      const bill = await services.bills.reissue({ actor, applicationId: request.params.id, reason: request.body.reason });
      return reply.code(201).send(bill);
    },
  });

  r.post('/api/v1/applications/:id/bills/new-code', {
    schema: {
      querystring: noQuery,
      operationId: 'requestNewBillCode',
      tags: ['Payments'],
      summary:
        'The applicant of the file: once the open bill has expired, a new payment code at once (the expired one voided). 409 while the code can still be paid',
      security: bearer,
      params: applicationParams,
      response: { 201: billSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const bill = await services.bills.requestNewCode({ actor: requireActor(request), applicationId: request.params.id });
      return reply.code(201).send(bill);
    },
  });
}
