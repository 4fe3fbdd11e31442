import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Appointment } from '../db/schema.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { languageFrom } from '../shared/messages.js';
import { appointmentSchema, bookBody, bookedSchema, codeBody, codeQuery, numberParams, slotsQuery, slotsResponse } from './appointments.schemas.js';

function toView(a: Appointment, service: { code: string; name: string }) {
  return { number: a.number, status: a.status, service, start: a.starts_at, end: a.ends_at, name: a.name, permitTypeCode: a.permit_type_code };
}

/**
 * Appointments over the JSON API, first step: free slots, booking with or without an account (a bearer
 * token, when sent, records the applicant), and looking up or cancelling with the booking code.
 */
export function appointmentRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/appointments/slots', {
    schema: {
      operationId: 'listAppointmentSlots',
      tags: ['Appointments'],
      summary: 'Public: the slots of a service group from a date on, with their free places (office time zone; none at weekends, holidays or in the past)',
      querystring: slotsQuery,
      response: { 200: slotsResponse, ...problemResponses },
    },
    handler: async (request) =>
      services.appointments.listSlots({ tenant: request.tenant, ...request.query, lang: languageFrom(request.headers['accept-language']) }),
  });

  r.post('/api/v1/appointments', {
    // Until the WhatsApp number is checked by code, this is what keeps one address from filling the office's slots.
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'bookAppointment',
      tags: ['Appointments'],
      summary: 'Public: book a place in a slot (with or without an account); 409 slot_full when every place is taken',
      body: bookBody,
      response: { 201: bookedSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const booked = await services.appointments.book({
        tenant: request.tenant,
        actor: request.actor,
        ...request.body,
        lang: languageFrom(request.headers['accept-language']),
      });
      return reply.code(201).send({ ...toView(booked.appointment, booked.service), code: booked.code });
    },
  });

  r.get('/api/v1/appointments/:number', {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      operationId: 'getAppointment',
      tags: ['Appointments'],
      summary: 'Public: a booking, by its number and booking code',
      params: numberParams,
      querystring: codeQuery,
      response: { 200: appointmentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const found = await services.appointments.get({
        tenant: request.tenant,
        number: request.params.number,
        code: request.query.code,
        lang: languageFrom(request.headers['accept-language']),
      });
      return toView(found.appointment, found.service);
    },
  });

  r.post('/api/v1/appointments/:number/cancel', {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      operationId: 'cancelAppointment',
      tags: ['Appointments'],
      summary: 'Public: cancel a booking with its booking code; the place is free again at once',
      params: numberParams,
      body: codeBody,
      response: { 200: appointmentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const done = await services.appointments.cancel({
        tenant: request.tenant,
        number: request.params.number,
        code: request.body.code,
        lang: languageFrom(request.headers['accept-language']),
      });
      return toView(done.appointment, done.service);
    },
  });
}
