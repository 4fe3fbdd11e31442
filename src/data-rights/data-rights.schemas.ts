import { z } from 'zod';
import { localisedSchema, uuidParam } from '../http/common.schemas.js';
import { CORRECTION_LIMITS, CORRECTION_SUBJECTS, type DataRequestView, type OfficeDataRequestView, type PersonalDataExport } from './data-rights.service.js';

// ── Requests in ────────────────────────────────────────────────────────────────────────────────────

/** No query parameters at all: anything else is a mistake worth saying (a userId here would be someone else's). */
export const noQuery = z.strictObject({});

export const requestParams = z.strictObject({ id: uuidParam });

/** POST /api/v1/me/data-requests/corrections. The service checks the texts again (required, limits, no NIK). */
export const correctionBody = z.strictObject({
  subject: z
    .enum(CORRECTION_SUBJECTS)
    .describe('Which data is wrong: name, email, phone, identity (NIK, passport, KITAS), address, one application’s answers, other'),
  applicationNumber: z.string().max(40).optional().describe('The filed application the correction is about (needed when subject is application)'),
  currentValue: z.string().max(CORRECTION_LIMITS.value).describe('What the office holds now, as the citizen reads it (no full NIK)'),
  requestedValue: z.string().max(CORRECTION_LIMITS.value).describe('What it should be (no full NIK: a NIK is corrected at the counter with the KTP)'),
  details: z.string().max(CORRECTION_LIMITS.details).optional().describe('Anything else the office should know'),
});

/** POST /api/v1/me/erasure */
export const erasureBody = z.strictObject({
  currentPassword: z.string().max(128).describe('The account’s password, asked again (throttled like sign-in)'),
  confirm: z.boolean().describe('true: the person understood that the account is closed for good'),
});

/** GET /api/v1/data-requests */
export const officeListQuery = z.strictObject({
  status: z.enum(['open', 'closed']).default('open').describe('open (oldest first, the order to answer them in) or closed (the last 100 answered)'),
});

/** POST /api/v1/data-requests/{id}/resolve */
export const resolveBody = z.strictObject({
  outcome: z.enum(['corrected', 'refused']),
  resolution: z
    .string()
    .max(CORRECTION_LIMITS.resolution)
    .describe(
      `What was corrected, or why the request is refused, in words the citizen reads (${CORRECTION_LIMITS.minResolution}–${CORRECTION_LIMITS.resolution} characters)`,
    ),
});

// ── Answers out ────────────────────────────────────────────────────────────────────────────────────

const keptSchema = z.object({
  item: z.enum(['applications', 'permits', 'bills', 'payments', 'appointments', 'help_requests', 'linked_drafts', 'audit_trail', 'consent', 'requests']),
  count: z.number().int().nullable().describe('How many were kept (null: not counted, e.g. the audit trail)'),
  reason: localisedSchema.describe('Why it is kept, in Indonesian and English'),
});

export const erasureOutcomeSchema = z
  .object({
    erased: z.object({
      drafts: z.number().int().describe('Applications never filed, erased with their uploads'),
      documents: z.number().int(),
      sessions: z.number().int(),
      accountMessages: z.number().int().describe('Messages about the account itself (codes, notices)'),
      profile: z.array(z.string()).describe('The profile data removed from the account'),
    }),
    kept: z.array(keptSchema),
  })
  .meta({ id: 'ErasureOutcome' });

const requestFields = {
  id: z.string(),
  reference: z.string().describe('What to quote to the office: KOR-… (correction) or HPS-… (erasure)'),
  kind: z.enum(['correction', 'erasure']),
  status: z.enum(['open', 'corrected', 'refused', 'completed']),
  subject: z.enum(CORRECTION_SUBJECTS).nullable(),
  applicationNumber: z.string().nullable(),
  currentValue: z.string().nullable(),
  requestedValue: z.string().nullable(),
  details: z.string().nullable(),
  resolution: z.string().nullable().describe('The office’s answer'),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  outcome: erasureOutcomeSchema.nullable().describe('An erasure: what was erased and what was kept, and why'),
};
export const dataRequestSchema = z.object(requestFields).meta({ id: 'DataRequest' });
export const officeDataRequestSchema = z
  .object({ ...requestFields, requester: z.object({ userId: z.string(), name: z.string() }) })
  .meta({ id: 'OfficeDataRequest' });

const nullableString = z.string().nullable();
export const personalDataSchema = z
  .object({
    format: z.literal('izol-personal-data/1'),
    exportedAt: z.string(),
    office: z.object({ code: z.string(), name: z.string() }),
    profile: z
      .object({
        id: z.string(),
        name: z.string(),
        email: nullableString,
        emailVerifiedAt: nullableString,
        phone: nullableString,
        phoneVerifiedAt: nullableString,
        identityKind: z.string(),
        nik: nullableString.describe('Your own NIK in full: only in this export to yourself, never on a page'),
        passportNumber: nullableString,
        stayPermitNumber: nullableString,
        nationality: nullableString,
        consent: z.object({ version: z.string(), at: z.string() }).nullable(),
        messageLanguage: nullableString,
        messageChannel: nullableString,
        createdAt: z.string(),
      })
      .describe('The account'),
    applications: z.array(
      z.object({
        id: z.string(),
        number: nullableString,
        permitCode: z.string(),
        state: z.string(),
        channel: z.string(),
        applicantName: z.string(),
        answers: z.record(z.string(), z.unknown()).describe('The form answers; NIKs masked (an answer may hold someone else’s)'),
        feeAmount: z.number().nullable(),
        createdAt: z.string(),
        submittedAt: nullableString,
        decidedAt: nullableString,
        timeline: z.array(
          z.object({ action: z.string(), fromState: nullableString, toState: z.string(), byRole: nullableString, reason: nullableString, at: z.string() }),
        ),
        messages: z.array(z.object({ fromRole: z.string(), body: z.string(), at: z.string() })).describe('The office’s messages to you'),
        documents: z.array(
          z.object({
            id: z.string(),
            requirement: z.string(),
            version: z.number().int(),
            fileName: z.string(),
            mediaType: z.string(),
            sizeBytes: z.number().int(),
            sha256: z.string(),
            uploadedAt: z.string(),
            current: z.boolean(),
            review: z.object({ status: z.string(), reason: nullableString, at: nullableString }),
            download: z.string().describe('Where to download the file (downloadDocument, with your own sign-in)'),
          }),
        ),
      }),
    ),
    bills: z.array(
      z.object({
        number: z.string(),
        applicationNumber: nullableString,
        amount: z.number().int(),
        state: z.string(),
        issuedAt: z.string(),
        expiresAt: z.string(),
        paidAt: nullableString,
        virtualAccount: z.string(),
      }),
    ),
    payments: z.array(
      z.object({
        applicationNumber: nullableString,
        amount: z.number().int(),
        provider: z.string(),
        bankReference: nullableString,
        payerName: nullableString,
        paidAt: z.string(),
        state: z.string(),
      }),
    ),
    permits: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        applicationNumber: nullableString,
        permitCode: z.string(),
        holderName: z.string(),
        businessName: nullableString,
        status: z.string(),
        issuedAt: z.string(),
        validFrom: z.string(),
        validUntil: nullableString,
        verificationCode: z.string(),
        download: z.string().describe('The signed PDF (downloadPermitPdf, with your own sign-in)'),
      }),
    ),
    appointments: z.array(
      z.object({
        number: z.string(),
        service: z.string(),
        startsAt: z.string(),
        name: z.string(),
        phone: z.string(),
        status: z.string(),
        createdAt: z.string(),
      }),
    ),
    queueTickets: z.array(
      z.object({
        number: z.string(),
        appointmentNumber: nullableString,
        service: z.string(),
        day: z.string(),
        status: z.string(),
        issuedAt: z.string(),
        calledAt: nullableString,
      }),
    ),
    helpRequests: z.array(
      z.object({
        subject: z.string(),
        channel: z.string(),
        handle: z.string(),
        status: z.string(),
        createdAt: z.string(),
        messages: z.array(z.object({ from: z.enum(['you', 'office']), body: z.string(), at: z.string() })),
      }),
    ),
    contacts: z
      .array(z.object({ kind: z.string(), channel: z.string(), label: z.string(), at: z.string() }))
      .describe('Your contacts with the office recorded under your account (the channel history)'),
    officerAccess: z
      .array(
        z.object({
          at: z.string(),
          what: z.enum(['document', 'permit']),
          officerRole: nullableString,
          applicationNumber: nullableString,
          document: z.object({ requirement: z.string(), version: z.number().int(), fileName: z.string() }).nullable(),
          permitNumber: nullableString,
        }),
      )
      .describe('Each time an officer opened one of your documents or permits (UU PDP: recorded in the audit trail)'),
    dataRequests: z.array(dataRequestSchema),
  })
  .meta({ id: 'PersonalData' });

export const toRequest = (r: DataRequestView): z.infer<typeof dataRequestSchema> => r;
export const toOfficeRequest = (r: OfficeDataRequestView): z.infer<typeof officeDataRequestSchema> => r;
export const toPersonalData = (d: PersonalDataExport): z.infer<typeof personalDataSchema> => d;
