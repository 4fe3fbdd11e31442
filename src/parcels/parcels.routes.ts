import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponses } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import { readFilePart, uploadingPart } from '../http/multipart.js';
import type { Services } from '../services.js';
import {
  linkParcelBody,
  listParcelsQuery,
  logParcelBody,
  parcelListSchema,
  parcelParams,
  parcelReportSchema,
  parcelSchema,
  reportQuery,
  shipmentBody,
} from './parcels.schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['Courier parcels'];

/**
 * The courier parcel log over the JSON API (front desk and admin, `parcels.manage`): parcels in, their
 * photos, the link to an application, parcels out, and the desk's report. The service applies the policy.
 */
export function parcelRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/parcels', {
    schema: {
      operationId: 'logParcel',
      tags,
      summary: 'Front desk: log a parcel that arrived (courier, tracking number, sender, time, contents against the permit type’s requirements)',
      security: bearer,
      body: logParcelBody,
      response: { 201: parcelSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const parcel = await services.parcels.logParcel({ actor: requireActor(request, 'parcels.manage'), ...request.body });
      return reply.code(201).send(parcel);
    },
  });

  r.get('/api/v1/parcels', {
    schema: {
      operationId: 'listParcels',
      tags,
      summary: 'Front desk: the office’s parcels, newest first, 50 a page (page); by direction (in, out) and whether linked to an application (yes, no)',
      security: bearer,
      querystring: listParcelsQuery,
      response: { 200: parcelListSchema, ...problemResponses },
    },
    handler: async (request) => {
      const { direction, linked, page } = request.query;
      const list = await services.parcels.listParcels({
        actor: requireActor(request, 'parcels.manage'),
        direction,
        linked: linked === undefined ? undefined : linked === 'yes',
        page,
      });
      return { parcels: list.parcels, page: list.page, pageSize: list.pageSize, total: list.total };
    },
  });

  r.get('/api/v1/parcels/report', {
    schema: {
      operationId: 'getParcelReport',
      tags,
      summary: 'Front desk: parcels received and sent per day, parcels not linked yet, and those older than two working days without an application',
      security: bearer,
      querystring: reportQuery,
      response: { 200: parcelReportSchema, ...problemResponses },
    },
    handler: async (request) => services.parcels.report({ actor: requireActor(request, 'parcels.manage'), tenant: request.tenant, ...request.query }),
  });

  r.post('/api/v1/parcels/shipments', {
    schema: {
      operationId: 'recordParcelShipment',
      tags,
      summary: 'Front desk: record the permit or returned papers sent back by courier (company, tracking number), shown to the applicant',
      security: bearer,
      body: shipmentBody,
      response: { 201: parcelSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const parcel = await services.parcels.recordShipment({ actor: requireActor(request, 'parcels.manage'), ...request.body });
      return reply.code(201).send(parcel);
    },
  });

  r.get('/api/v1/parcels/:id', {
    schema: {
      operationId: 'getParcel',
      tags,
      summary: 'Front desk: one parcel with its checklist, photos and application',
      security: bearer,
      params: parcelParams,
      response: { 200: parcelSchema, ...problemResponses },
    },
    handler: async (request) => services.parcels.getParcel({ actor: requireActor(request, 'parcels.manage'), id: request.params.id }),
  });

  r.post('/api/v1/parcels/:id/link', {
    schema: {
      operationId: 'linkParcel',
      tags,
      summary:
        'Front desk: link a received parcel to an existing application by its number, or open a new courier application for it (the applicant is told the parcel was received)',
      security: bearer,
      params: parcelParams,
      body: linkParcelBody,
      response: { 200: parcelSchema, ...problemResponses },
    },
    handler: async (request) => {
      const actor = requireActor(request, 'parcels.manage');
      const body = request.body;
      return services.parcels.linkParcel(
        'applicationNumber' in body
          ? { actor, id: request.params.id, applicationNumber: body.applicationNumber }
          : { actor, id: request.params.id, newApplication: body.newApplication },
      );
    },
  });

  r.post('/api/v1/parcels/:id/photos', {
    config: { multipartUpload: true },
    schema: {
      operationId: 'uploadParcelPhoto',
      tags,
      summary: 'Front desk: add a photo of a parcel (multipart/form-data, field "file"; JPEG or PNG, 10 MB at most, 10 a parcel)',
      security: bearer,
      consumes: ['multipart/form-data'],
      params: parcelParams,
      response: { 201: parcelSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = requireActor(request, 'parcels.manage');
      const part = await readFilePart(request, { maxBytes: services.config.maxUploadBytes, what: 'the photo' });
      try {
        const parcel = await uploadingPart(part, 'the photo', () =>
          services.parcels.addPhoto({ actor, id: request.params.id, fileName: part.filename, claimedType: part.mimetype, source: part.file }),
        );
        return reply.code(201).send(parcel);
      } catch (err) {
        part.file.resume();
        throw err;
      }
    },
  });
}
