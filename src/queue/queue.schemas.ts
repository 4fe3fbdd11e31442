import { z } from 'zod';

// ── API shapes ─────────────────────────────────────────────────────────────────────────────────────
const serviceCode = z.string().trim().min(1).max(30);

export const issueBody = z.strictObject({
  service: serviceCode,
  // No booking number here: a booked visitor's ticket comes only from the pass check-in (/antrian/lapor),
  // with the booking's number and its code, checked for the day and checked in.
  /** A priority visitor (elderly, disabled, pregnant): weighted by the office's priority policy. */
  priority: z.boolean().optional(),
});
/** The cookie an enrolled kiosk keeps its token in (set by the admin's enrolment at /kantor/admin/antrian). */
export const KIOSK_COOKIE = '__Host-izol-kiosk';
export const kioskHeaders = z.object({
  'x-kiosk-token': z
    .string()
    .max(200)
    .optional()
    .describe('An enrolled kiosk’s token (shown once when an admin enrols the device); front-desk staff need none'),
});
export const ticketParams = z.strictObject({ id: z.uuid({ message: 'must be a ticket id like 0f8fad5b-d9cb-469f-a165-70867728950e' }) });
export const callNextBody = z.strictObject({ service: serviceCode, counter: z.string().trim().min(1).max(30) });

export const QUEUE_ACTIONS = ['start', 'complete', 'no_show', 'recall', 'skip', 'transfer'] as const;
export type QueueAction = (typeof QUEUE_ACTIONS)[number];
export const eventBody = z
  .strictObject({
    action: z.enum(QUEUE_ACTIONS),
    /** For a transfer: the service group the visitor goes to next. */
    service: serviceCode.optional(),
  })
  .refine((b) => b.action !== 'transfer' || b.service !== undefined, {
    path: ['service'],
    message: 'A transfer needs the service group to move the ticket to',
  });

export const ticketSchema = z
  .object({
    id: z.uuid().describe('The ticket id: the visitor’s ticket page (its QR) reads the ticket with it, so it is shown only to the visitor and staff'),
    number: z.string().describe('A-001: the service group’s prefix and the day’s number'),
    service: z.object({ code: z.string(), name: z.string() }),
    day: z.string().describe('The office-local date the ticket is for'),
    status: z.enum(['waiting', 'called', 'skipped', 'serving', 'completed', 'no_show']),
    position: z.number().int().nullable().describe('Tickets waiting before this one in its service group; null once called'),
    counter: z.string().nullable(),
    issuedAt: z.string(),
    calledAt: z.string().nullable(),
    appointmentNumber: z.string().nullable(),
    priority: z.boolean(),
    slotStart: z.string().nullable().describe('A booked visitor’s slot start: called then, marked no-show only after the grace period'),
    transferredFrom: z.string().nullable().describe('The number the ticket had before a counter transferred it to this service group'),
    estimate: z.object({
      minutes: z
        .number()
        .int()
        .nullable()
        .describe(
          'The wait now expected: the call order at the office’s recent median service time ÷ its counters for the group, booked visitors at their slot time (for a booked visitor, the later of the slot start and their turn)',
        ),
      promisedMinutes: z.number().int().nullable().describe('The wait promised when the ticket was issued'),
      pastError: z
        .object({ minutes: z.number().int(), tickets: z.number().int() })
        .nullable()
        .describe('How far recent promises were from the actual waits: the median difference in minutes, over so many tickets'),
    }),
  })
  .meta({ id: 'QueueTicket' });

export const displayQuery = z.strictObject({ service: serviceCode.optional() });
export const displaySchema = z
  .object({
    office: z.string(),
    day: z.string(),
    nowServing: z.array(
      z.object({
        counter: z.string(),
        number: z.string(),
        service: z.object({ code: z.string(), name: z.string() }),
        status: z.enum(['waiting', 'called', 'skipped', 'serving', 'completed', 'no_show']),
        calledAt: z.string(),
      }),
    ),
    next: z.array(z.object({ service: z.object({ code: z.string(), name: z.string() }), waiting: z.number().int(), numbers: z.array(z.string()) })),
  })
  .meta({ id: 'QueueDisplay' });
