import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applicationParams, applicationSchema, documentSchema, toApplicationView, toDocumentView } from '../applications/applications.schemas.js';
import { problemResponses, uuidParam } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import { readFilePart, uploadingPart } from '../http/multipart.js';

const bearer = [{ bearer: [] }];

/**
 * The field inspection over the JSON API: the technical team plans the visit, adds photos and records
 * the result. The access policy (inspection.schedule, inspection.record) is the service's to apply.
 */
export function inspectionRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = async (request: FastifyRequest, id: string) => {
    const actor = requireActor(request);
    return toApplicationView(actor, await services.applications.getApplication({ actor, applicationId: id }));
  };

  r.post('/api/v1/applications/:id/inspection-schedule', {
    schema: {
      operationId: 'scheduleInspection',
      tags: ['Case work'],
      summary: 'Technical team: plan the field inspection (date and officer)',
      security: bearer,
      params: applicationParams,
      body: z.strictObject({ date: z.iso.date(), officerId: uuidParam }),
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request, 'inspection.schedule');
      await services.inspections.scheduleInspection({ actor, applicationId: request.params.id, ...request.body });
      return view(request, request.params.id);
    },
  });

  r.post('/api/v1/applications/:id/inspection/photos', {
    config: { multipartUpload: true },
    schema: {
      operationId: 'uploadInspectionPhoto',
      tags: ['Case work'],
      summary: 'Technical team: add a photo from the field inspection (multipart/form-data, field "file"; JPEG or PNG, 10 MB at most)',
      security: bearer,
      consumes: ['multipart/form-data'],
      params: applicationParams,
      response: { 201: documentSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request, 'inspection.record');
      const part = await readFilePart(request, { maxBytes: services.config.maxUploadBytes, what: 'the photo' });
      const doc = await uploadingPart(part, 'the photo', () =>
        services.inspections.uploadInspectionPhoto({
          actor,
          applicationId: request.params.id,
          fileName: part.filename,
          claimedType: part.mimetype,
          source: part.file,
        }),
      );
      return reply.code(201).send(toDocumentView(doc));
    },
  });

  r.post('/api/v1/applications/:id/inspection', {
    schema: {
      operationId: 'recordInspection',
      tags: ['Applications'],
      summary: 'Technical team: record the result of the field inspection',
      security: bearer,
      params: applicationParams,
      body: z.strictObject({ result: z.enum(['pass', 'fail']), findings: z.string().trim().min(1).max(5000) }),
      response: { 200: applicationSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request, 'inspection.record');
      await services.inspections.recordInspection({ actor, applicationId: request.params.id, ...request.body });
      return view(request, request.params.id);
    },
  });
}
