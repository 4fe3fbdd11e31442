import { z } from 'zod';

/**
 * Every side effect the system performs after a commit. Payloads are validated when they are read
 * back, so a row written by an older version with a different shape fails loudly instead of half-working.
 */
export const outboxMessageSchema = z.discriminatedUnion('topic', [
  z.object({
    topic: z.literal('notify.application_submitted'),
    applicationId: z.string(),
    userId: z.string().nullable(),
  }),
  z.object({
    topic: z.literal('notify.application_transitioned'),
    applicationId: z.string(),
    userId: z.string().nullable(),
    action: z.string(),
    toState: z.string(),
  }),
  z.object({
    topic: z.literal('notify.account_registered'),
    userId: z.string(),
  }),
  z.object({
    topic: z.literal('notify.message'),
    applicationId: z.string(),
    userId: z.string(),
  }),
  z.object({
    topic: z.literal('notify.overdue'),
    applicationId: z.string(),
    headUserId: z.string(),
    usedWorkingDays: z.number(),
    slaWorkingDays: z.number(),
  }),
  z.object({
    topic: z.literal('notify.claim_code'),
    applicationId: z.string(),
  }),
  z.object({ topic: z.literal('notify.permit_revoked'), permitId: z.string() }),
  z.object({ topic: z.literal('notify.permit_reissued'), permitId: z.string() }),
  z.object({ topic: z.literal('notify.permit_expiring'), permitId: z.string() }),
  /** A courier parcel linked to its application: "your parcel was received" (src/parcels/). */
  z.object({ topic: z.literal('notify.parcel_received'), parcelId: z.string() }),
  /** The permit or returned papers sent back by courier, with the company and tracking number (src/parcels/). */
  z.object({ topic: z.literal('notify.parcel_sent'), parcelId: z.string() }),
  z.object({
    topic: z.literal('notify.one_time_code'),
    userId: z.string(),
    purpose: z.enum(['verify_contact', 'reset_password']),
    /** verify_contact: the address the code verifies and is sent to, only it (none: the first unverified one the route reaches). */
    address: z.enum(['email', 'phone']).optional(),
  }),
  /** The old email or number of an account whose sign-in contact was changed (the security review). */
  z.object({ topic: z.literal('notify.contact_changed'), userId: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
  /** Someone registered with the NIK of an existing account: its holder is told (the security review). */
  z.object({ topic: z.literal('notify.registration_attempt'), userId: z.string() }),
  /** The office answered a data subject's correction request (src/data-rights/). */
  z.object({ topic: z.literal('notify.data_request_resolved'), requestId: z.string() }),
  /** The help desk's reply to a help request, sent on the request's channel (src/helpdesk/). */
  z.object({ topic: z.literal('helpdesk.reply'), messageId: z.string() }),
  /** A claim link for an assisted draft: the handler makes the token, keeps its SHA-256 and sends the link (src/helpdesk/). */
  z.object({ topic: z.literal('helpdesk.claim_link'), claimLinkId: z.string() }),
  /** The reply to a message a citizen sent to the office's WhatsApp number (src/whatsapp/). */
  z.object({ topic: z.literal('whatsapp.reply'), inboundId: z.string() }),
  /** A WhatsApp code for a booker's number (src/appointments/): the handler makes the code and sends it. */
  z.object({ topic: z.literal('appointments.code'), phone: z.string(), requestedAt: z.string() }),
  /** A booking's pass to the booker's WhatsApp (the code travels here: it is in the message's link). */
  z.object({ topic: z.literal('appointments.booked'), appointmentId: z.string(), code: z.string() }),
  /** The day-before reminder of a booking (the reminder job). */
  z.object({ topic: z.literal('appointments.reminder'), appointmentId: z.string() }),
]);
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
export type OutboxTopic = OutboxMessage['topic'];
