import { WITHDRAW_ACTION } from './applications.service.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import { requireActor } from '../http/context.js';
import { problemResponses, uuidParam } from '../http/common.schemas.js';
import { AppError } from '../shared/errors.js';
import { readFilePart } from '../http/multipart.js';
import type { Services } from '../services.js';
import {
  CHANNELS,
  actionBody,
  applicationParams,
  applicationSchema,
  applicationSummarySchema,
  createApplicationBody,
  documentSchema,
  toApplicationView,
  toDocumentView,
  toSummary,
  toWorkQueueItem,
  updateApplicationBody,
  workQueueQuery,
  workQueueSchema,
} from './applications.schemas.js';

const bearer = [{ bearer: [] }];
const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(8)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .optional()
    .describe('Any unique string per intended operation; a retry with the same key returns the first result'),
});

export function applicationRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = async (request: { actor: unknown }, id: string) => {
    const actor = requireActor(request as never);
    return toApplicationView(actor, await services.applications.getApplication({ actor, applicationId: id }));
  };

  r.post('/api/v1/applications', {
    schema: {
      operationId: 'createApplication',
      tags: ['Applications'],
      summary: 'Start an application (a draft). The front desk records walk-in, courier and assisted intake here.',
      security: bearer,
      headers: idempotencyHeader,
      body: createApplicationBody,
      response: { 200: applicationSchema, 201: applicationSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request, 'application.create');
      const { application, created } = await services.applications.createApplication({
        actor,
        ...request.body,
        permitTypeCode: request.body.permitTypeCode.toUpperCase(),
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.code(created ? 201 : 200).send(await view(request, application.id));
    },
  });

  r.post('/api/v1/applications/claim', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'claimApplication',
      tags: ['Applications'],
      summary: 'Take a file the front desk received into your account, with its number and the claim code sent to you',
      security: bearer,
      body: z.strictObject({ number: z.string().trim().min(1).max(40), claimCode: z.string().trim().min(1).max(20) }),
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request, 'application.claim');
      const app = await services.applications.claimApplication({ actor, ...request.body });
      return view(request, app.id);
    },
  });

  r.patch('/api/v1/applications/:id', {
    schema: {
      operationId: 'updateApplication',
      tags: ['Applications'],
      summary: 'Save answers on a draft or a file returned for correction (only the given fields change; null clears one)',
      security: bearer,
      params: applicationParams,
      body: updateApplicationBody,
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      await services.applications.updateApplication({
        actor,
        applicationId: request.params.id,
        answers: request.body.answers,
        revision: request.body.revision,
      });
      return view(request, request.params.id);
    },
  });

  r.get('/api/v1/applications/:id', {
    schema: {
      operationId: 'getApplication',
      tags: ['Applications'],
      summary: 'One application with its documents, timeline and the actions open to you',
      security: bearer,
      params: applicationParams,
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => view(request, request.params.id),
  });

  r.get('/api/v1/applications', {
    schema: {
      operationId: 'listApplications',
      tags: ['Applications'],
      summary: 'Applications you may see: your own as an applicant, your office’s as staff',
      security: bearer,
      querystring: z.strictObject({
        state: z
          .string()
          .regex(/^[a-z_]{2,40}$/)
          .optional(),
        permitType: z
          .string()
          .regex(/^[A-Za-z0-9]{2,12}$/)
          .optional(),
        channel: z.enum(CHANNELS).optional(),
        q: z.string().max(100).optional().describe('Part of the number or the applicant’s name'),
        page: z.coerce.number().int().min(1).max(10_000).default(1),
        pageSize: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: {
        200: z.object({ items: z.array(applicationSummarySchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }),
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      const { page, pageSize, permitType, ...rest } = request.query;
      const { rows, total } = await services.applications.listApplications({
        actor,
        filters: { ...rest, permitCode: permitType?.toUpperCase(), limit: pageSize, offset: (page - 1) * pageSize },
      });
      return { items: rows.map(toSummary), page, pageSize, total };
    },
  });

  r.get('/api/v1/work-queue', {
    schema: {
      operationId: 'listWorkQueue',
      tags: ['Case work'],
      summary: 'Staff: the files waiting for your role (or held by you), soonest due first, one page at a time; the same queue as the office’s work-queue page',
      security: bearer,
      querystring: workQueueQuery,
      response: { 200: workQueueSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      const { page, pageSize, permitType, mine, ...filters } = request.query;
      const queue = await services.applications.listWorkQueue({
        actor,
        filters: { ...filters, permitCode: permitType?.toUpperCase(), mine: mine === 'true' },
        page,
        pageSize,
      });
      return { items: queue.items.map(toWorkQueueItem), page: queue.page, pageSize: queue.pageSize, total: queue.total };
    },
  });

  r.post('/api/v1/applications/:id/submit', {
    schema: {
      operationId: 'submitApplication',
      tags: ['Applications'],
      summary: 'Submit a draft: it gets its number and tracking code (the receipt). Send an Idempotency-Key to make retries safe.',
      security: bearer,
      params: applicationParams,
      headers: idempotencyHeader,
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      await services.applications.performAction({
        actor,
        applicationId: request.params.id,
        action: 'submit',
        idempotencyKey: request.headers['idempotency-key'],
      });
      return view(request, request.params.id);
    },
  });

  r.post('/api/v1/applications/:id/withdraw', {
    schema: {
      operationId: 'withdrawApplication',
      tags: ['Applications'],
      summary: 'Withdraw your application',
      security: bearer,
      params: applicationParams,
      body: z.strictObject({ reason: z.string().max(2000).optional() }).optional(),
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      await services.applications.performAction({ actor, applicationId: request.params.id, action: WITHDRAW_ACTION, reason: request.body?.reason });
      return view(request, request.params.id);
    },
  });

  r.post('/api/v1/applications/:id/actions', {
    schema: {
      operationId: 'performApplicationAction',
      tags: ['Applications'],
      summary: 'Take a workflow action (see availableActions on the application)',
      security: bearer,
      params: applicationParams,
      headers: idempotencyHeader,
      body: actionBody,
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      await services.applications.performAction({
        actor,
        applicationId: request.params.id,
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return view(request, request.params.id);
    },
  });

  r.put('/api/v1/applications/:id/documents/:requirementCode', {
    config: { multipartUpload: true },
    schema: {
      operationId: 'uploadDocument',
      tags: ['Documents'],
      summary: 'Upload the file for one requirement (multipart/form-data, field "file"); replaces the current version and keeps the old one',
      security: bearer,
      consumes: ['multipart/form-data'],
      params: z.strictObject({ id: uuidParam, requirementCode: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/) }),
      response: { 201: documentSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request);
      const part = await readFilePart(request, { maxBytes: services.config.maxUploadBytes, what: 'the file' });
      const malformed = () =>
        new AppError('invalid_input', 'malformed multipart', {
          fields: [{ field: 'file', code: 'required', message: 'send the file as multipart/form-data in a field named "file"' }],
        });
      let parseError = false;
      part.file.on('error', () => {
        parseError = true;
      });
      let doc;
      try {
        doc = await services.documents.uploadDocument({
          actor,
          applicationId: request.params.id,
          requirementCode: request.params.requirementCode,
          fileName: part.filename,
          claimedType: part.mimetype,
          source: part.file,
        });
      } catch (err) {
        if (!(err instanceof AppError) && (parseError || part.file.errored === err)) throw malformed();
        throw err;
      }
      return reply.code(201).send(toDocumentView(doc));
    },
  });

  r.get('/api/v1/applications/:id/documents/:documentId', {
    schema: {
      operationId: 'downloadDocument',
      tags: ['Documents'],
      summary: 'Download a document (always as an attachment)',
      security: bearer,
      params: z.strictObject({ id: uuidParam, documentId: uuidParam }),
      response: { 200: z.any().describe('The file, as application/pdf, image/jpeg or image/png'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request);
      const { doc, stream } = await services.documents.openDocument({ actor, applicationId: request.params.id, documentId: request.params.documentId });
      return reply
        .header('content-type', doc.media_type)
        .header('content-disposition', contentDisposition('attachment', doc.file_name))
        .header('cache-control', 'private, no-store')
        .send(stream);
    },
  });

  r.post('/api/v1/applications/:id/documents/:documentId/review', {
    schema: {
      operationId: 'reviewDocument',
      tags: ['Documents'],
      summary: 'Officer: accept a document, or refuse it with a reason the applicant will read',
      security: bearer,
      params: z.strictObject({ id: uuidParam, documentId: uuidParam }),
      body: z.strictObject({ status: z.enum(['accepted', 'refused']), reason: z.string().max(1000).optional() }),
      response: { 200: documentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request, 'document.review');
      const doc = await services.documents.reviewDocument({ actor, applicationId: request.params.id, documentId: request.params.documentId, ...request.body });
      return toDocumentView(doc);
    },
  });

  const noteSchema = z
    .object({ id: z.string(), kind: z.enum(['internal', 'to_applicant']), authorRole: z.string(), body: z.string(), createdAt: z.string() })
    .meta({ id: 'Note' });
  r.get('/api/v1/applications/:id/notes', {
    schema: {
      operationId: 'listApplicationNotes',
      tags: ['Case work'],
      summary: 'Notes on a file: staff see internal notes and messages; the applicant sees the messages to them',
      security: bearer,
      params: applicationParams,
      response: { 200: z.object({ items: z.array(noteSchema) }), ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      const notes = await services.notes.listNotes({ actor, applicationId: request.params.id });
      return { items: notes.map((n) => ({ id: n.id, kind: n.kind, authorRole: n.author_role, body: n.body, createdAt: n.created_at })) };
    },
  });

  r.post('/api/v1/applications/:id/notes', {
    schema: {
      operationId: 'addApplicationNote',
      tags: ['Case work'],
      summary: 'Staff: add an internal note, or send the applicant a message (they are notified)',
      security: bearer,
      params: applicationParams,
      body: z.strictObject({ kind: z.enum(['internal', 'to_applicant']), body: z.string().trim().min(1).max(4000) }),
      response: { 201: z.object({ ok: z.literal(true) }), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request);
      await services.notes.addNote({ actor, applicationId: request.params.id, ...request.body });
      return reply.code(201).send({ ok: true as const });
    },
  });

  r.post('/api/v1/applications/:id/assign', {
    schema: {
      operationId: 'assignApplication',
      tags: ['Case work'],
      summary: 'Staff: claim a file (your own id), assign it to a colleague whose role has work on it now, or release it (null)',
      security: bearer,
      params: applicationParams,
      body: z.strictObject({ assigneeId: uuidParam.nullable() }),
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request);
      await services.assignment.assignApplication({ actor, applicationId: request.params.id, assigneeId: request.body.assigneeId });
      return view(request, request.params.id);
    },
  });
}
