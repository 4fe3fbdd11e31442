import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Appointment } from '../db/schema.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { languageFrom } from '../shared/messages.js';
import {
  appointmentSchema,
  bookBody,
  bookedSchema,
  codeBody,
  codeQuery,
  codeRequestBody,
  codeSentSchema,
  numberParams,
  rescheduleBody,
  slotsQuery,
  slotsResponse,
} from './appointments.schemas.js';

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

  r.post('/api/v1/appointments/code', {
    // Besides one code a minute per number: one address may not page through many numbers.
    config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: {
      operationId: 'requestAppointmentCode',
      tags: ['Appointments'],
      summary: 'Public: send a 6-digit code to the WhatsApp number a booking will give (10 minutes, 5 tries; one a minute per number, else 429)',
      body: codeRequestBody,
      response: { 202: codeSentSchema, ...problemResponses },
    },
    handler: async (request, reply) => {
      const sent = await services.appointments.requestCode({ tenant: request.tenant, ...request.body, lang: languageFrom(request.headers['accept-language']) });
      return reply.code(202).send({ sent: true, minutes: sent.minutes });
    },
  });

  r.post('/api/v1/appointments', {
    // The WhatsApp code proves the number; this keeps one address from filling the office's slots with numbers it holds.
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      operationId: 'bookAppointment',
      tags: ['Appointments'],
      summary:
        'Book a place in a slot: anyone with the WhatsApp code (422 appointment_code_wrong: nothing booked), an account whose number is verified, or the front desk for a caller (bearer, appointment.bookFor); 409 slot_full when every place is taken',
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

  r.post('/api/v1/appointments/:number/reschedule', {
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      operationId: 'rescheduleAppointment',
      tags: ['Appointments'],
      summary: 'Public: move a booking to another slot of its service group with its booking code, atomically; 409 slot_full leaves the booking where it was',
      params: numberParams,
      body: rescheduleBody,
      response: { 200: appointmentSchema, ...problemResponses },
    },
    handler: async (request) => {
      const moved = await services.appointments.reschedule({
        tenant: request.tenant,
        number: request.params.number,
        code: request.body.code,
        start: request.body.start,
        lang: languageFrom(request.headers['accept-language']),
      });
      return toView(moved.appointment, moved.service);
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
