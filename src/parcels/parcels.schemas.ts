import { z } from 'zod';
import { localisedSchema } from '../http/common.schemas.js';

/** What an outgoing parcel holds: the permit, or the papers sent back. */
export const PARCEL_CONTENTS = ['permit', 'returned_papers'] as const;
export const PARCEL_DIRECTIONS = ['in', 'out'] as const;

const company = z.string().trim().min(1).max(60);
const trackingNumber = z
  .string()
  .trim()
  .min(4)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, { message: 'letters, digits, spaces and dashes, as printed on the receipt' });
const instant = z.iso.datetime({ offset: true, message: 'a date and time like 2026-11-20T10:30:00+07:00' });
const applicationNumber = z
  .string()
  .trim()
  .max(40)
  .regex(/^[A-Za-z0-9]{2,10}-[A-Za-z0-9]{2,12}-\d{4}-\d{4,8}$/, { message: 'an application number like MLG-PBG-2026-000123' });

// ── API shapes ─────────────────────────────────────────────────────────────────────────────────────
export const logParcelBody = z.strictObject({
  company,
  trackingNumber,
  senderName: z.string().trim().min(1).max(120),
  /** The sender's WhatsApp number or email, when written on the parcel or its letter. */
  senderContact: z.string().trim().min(1).max(254).optional(),
  /** When it arrived; now when left out. Not ahead of now. */
  receivedAt: instant.optional(),
  /** The permit type the papers are for: the checklist is against its requirements. */
  permitTypeCode: z.string().trim().min(1).max(12).optional(),
  /** The requirement codes of that type found in the parcel. */
  checklist: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  note: z.string().trim().max(1000).optional(),
});
export type LogParcelBody = z.infer<typeof logParcelBody>;

export const parcelParams = z.strictObject({ id: z.uuid({ message: 'must be a parcel id like 0f8fad5b-d9cb-469f-a165-70867728950e' }) });

export const listParcelsQuery = z.strictObject({
  direction: z.enum(PARCEL_DIRECTIONS).optional(),
  linked: z.enum(['yes', 'no']).optional(),
  /** Which page of 50, newest first; the first by default. */
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export const linkParcelBody = z.union([
  z.strictObject({ applicationNumber }),
  z.strictObject({
    newApplication: z.strictObject({
      /** By default the permit type the parcel was logged for. */
      permitTypeCode: z.string().trim().min(1).max(12).optional(),
      /** By default the sender's name. */
      applicantName: z.string().trim().min(1).max(120).optional(),
      /** By default the sender's contact: where the claim code and "your parcel was received" go. */
      applicantContact: z.string().trim().min(1).max(254).optional(),
    }),
  }),
]);
export type LinkParcelBody = z.infer<typeof linkParcelBody>;

export const shipmentBody = z.strictObject({
  applicationNumber,
  company,
  trackingNumber,
  contents: z.enum(PARCEL_CONTENTS),
  /** When it left; now when left out. Not ahead of now. */
  sentAt: instant.optional(),
  note: z.string().trim().max(1000).optional(),
});
export type ShipmentBody = z.infer<typeof shipmentBody>;

export const reportQuery = z.strictObject({
  /** The first office-local day of the daily counts (YYYY-MM-DD); by default 13 days before `to`. */
  from: z.iso.date().optional(),
  /** The last office-local day (YYYY-MM-DD); by default the office's today. */
  to: z.iso.date().optional(),
});

const parcelSummary = {
  id: z.uuid(),
  direction: z.enum(PARCEL_DIRECTIONS),
  company: z.string(),
  trackingNumber: z.string(),
  at: z.string().describe('Received (in) or sent (out), ISO 8601'),
  application: z.object({ id: z.uuid(), number: z.string().nullable() }).nullable(),
};

export const parcelSchema = z
  .object({
    ...parcelSummary,
    senderName: z.string().nullable(),
    senderContact: z.string().nullable(),
    contents: z.enum(PARCEL_CONTENTS).nullable(),
    permitTypeCode: z.string().nullable(),
    checklist: z.array(z.object({ code: z.string(), name: localisedSchema, required: z.boolean(), present: z.boolean() })),
    note: z.string().nullable(),
    officer: z.object({ id: z.uuid(), name: z.string() }),
    linkedAt: z.string().nullable(),
    photos: z.array(z.object({ id: z.uuid(), fileName: z.string(), mediaType: z.string(), sizeBytes: z.number().int(), createdAt: z.string() })),
  })
  .meta({ id: 'Parcel' });

export const parcelListSchema = z
  .object({
    parcels: z.array(parcelSchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().describe('Parcels the filter finds on all pages'),
  })
  .meta({ id: 'ParcelList' });

const waitingParcel = z.object({ ...parcelSummary, senderName: z.string().nullable(), workingDaysWaiting: z.number().int() });

export const parcelReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    days: z.array(z.object({ day: z.string(), received: z.number().int(), sent: z.number().int() })),
    unlinked: z.array(waitingParcel).describe('Parcels received and not yet linked to an application, oldest first'),
    overdue: z
      .array(waitingParcel)
      .describe('Of those, the ones received more than two working days ago (office holidays and weekends not counted): an application is overdue'),
  })
  .meta({ id: 'ParcelReport' });
