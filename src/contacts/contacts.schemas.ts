import { z } from 'zod';
import { uuidParam } from '../http/common.schemas.js';
import type { ChannelHistory } from './contacts.service.js';

// ── API shapes ─────────────────────────────────────────────────────────────────────────────────────
const pageNumber = z.coerce.number().int().min(1).max(10_000).default(1);

/** GET /api/v1/contacts: exactly one of an applicant account, a WhatsApp number or an email. */
export const historyQuery = z.strictObject({
  userId: uuidParam.optional().describe('An applicant account of the office'),
  phone: z.string().trim().min(1).max(30).optional().describe('A WhatsApp number, e.g. 0812 3456 7890, for someone without an account'),
  email: z.string().trim().min(1).max(254).optional().describe('An email address, for someone without an account'),
  page: pageNumber,
});

/** GET /api/v1/me/contacts */
export const myHistoryQuery = z.strictObject({ page: pageNumber });

const contactSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['help_request', 'booking', 'queue_ticket', 'parcel', 'application']),
    channel: z
      .string()
      .describe('The door’s own word: online, walk_in, courier, assisted, whatsapp, instagram, facebook, phone, email, web, kiosk, front_desk'),
    at: z.string(),
    label: z.string().describe('A short, non-personal description: the permit type, a booking or ticket number, a courier and tracking number'),
    refId: z.string().describe('The id of the application, booking, ticket, parcel or help request'),
    number: z.string().nullable().describe('The application’s number once filed, when you may open it'),
    canOpen: z.boolean().describe('You may open what the contact points at'),
  })
  .meta({ id: 'Contact' });

export const historySchema = z
  .object({
    subject: z.object({
      userId: z.string().nullable(),
      name: z.string().nullable(),
      phone: z.string().nullable().describe('The number whose rows are shown (an account’s only once verified)'),
      email: z.string().nullable().describe('The email whose rows are shown (an account’s only once verified)'),
      account: z.object({ userId: z.string(), name: z.string() }).nullable().describe('The applicant account that verified the number or email looked up'),
    }),
    items: z.array(contactSchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ChannelHistory' });

export const toHistory = (h: ChannelHistory): z.infer<typeof historySchema> => h;
