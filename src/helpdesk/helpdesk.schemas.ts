import { z } from 'zod';
import { uuidParam } from '../http/common.schemas.js';

export const HELP_CHANNELS = ['whatsapp', 'instagram', 'facebook', 'phone', 'email', 'web'] as const;
export const HELP_STATUSES = ['new', 'answered', 'waiting_for_citizen', 'closed'] as const;
const permitCode = z.string().regex(/^[A-Za-z0-9]{2,12}$/, 'a permit type code such as PBG');

export const helpRequestParams = z.strictObject({ id: uuidParam });

export const createHelpRequestBody = z.strictObject({
  channel: z
    .enum(HELP_CHANNELS)
    .optional()
    .describe('web (the portal’s form: anyone); officers with helpdesk.manage also record phone, instagram, facebook and email'),
  handle: z.string().trim().min(1).max(254).optional().describe('Where to answer: an email or a WhatsApp number (web), the number, email or social handle'),
  name: z.string().trim().max(120).optional(),
  message: z.string().trim().min(1).max(4000),
  permitCode: permitCode.optional().describe('The permit the question is about (canned answers come from its guide)'),
  applicationId: uuidParam.optional().describe('The application the question is about: your own, or for an officer one of the office’s'),
});

export const listHelpRequestsQuery = z.strictObject({
  status: z.enum(HELP_STATUSES).optional().describe('Without it: every request not closed'),
  mine: z.enum(['true', 'false']).optional().describe('true: only the requests assigned to you'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const replyBody = z.strictObject({
  body: z.string().trim().min(1).max(4000),
  status: z.enum(['answered', 'waiting_for_citizen', 'closed']).optional().describe('The request’s status after the reply (default answered)'),
});

export const noteBody = z.strictObject({ body: z.string().trim().min(1).max(4000) });

export const updateHelpRequestBody = z
  .strictObject({
    status: z.enum(HELP_STATUSES).optional(),
    assigneeId: uuidParam.nullable().optional().describe('A front-desk officer or admin of the office; null: nobody'),
    permitCode: permitCode.nullable().optional(),
  })
  .refine((b) => b.status !== undefined || b.assigneeId !== undefined || b.permitCode !== undefined, {
    message: 'give a status, an assignee or a permit code',
    path: ['status'],
  });

export const assistBody = z.strictObject({
  permitTypeCode: permitCode,
  applicantName: z.string().trim().min(1).max(120).optional().describe('The citizen’s name on the draft (default: the name they gave, or their handle)'),
});

export const claimByLinkBody = z.strictObject({ token: z.string().trim().min(1).max(200) });

const firstResponse = z.object({
  dueOn: z.string().describe('The last working day (office calendar) for the first answer: 3 working days after the request'),
  at: z.string().nullable(),
  overdue: z.boolean(),
  withinSla: z.boolean().nullable(),
});

export const helpRequestReceiptSchema = z
  .object({ id: z.uuid(), channel: z.enum(HELP_CHANNELS), status: z.enum(HELP_STATUSES), firstResponseDueOn: z.string() })
  .meta({ id: 'HelpRequestReceipt' });

export const helpRequestSummarySchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(HELP_CHANNELS),
    handle: z.string(),
    name: z.string().nullable(),
    subject: z.string(),
    status: z.enum(HELP_STATUSES),
    applicantId: z.string().nullable(),
    applicationId: z.string().nullable(),
    permitCode: z.string().nullable(),
    assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
    firstResponse,
    replyBy: z
      .enum(['whatsapp_text', 'whatsapp_template', 'email', 'by_hand'])
      .describe('How a reply goes out now: WhatsApp free text (24-hour window open), a WhatsApp template, email, or by hand'),
    createdAt: z.string(),
    updatedAt: z.string(),
    revision: z.number().int(),
  })
  .meta({ id: 'HelpRequestSummary' });

export const helpRequestListSchema = z
  .object({ items: z.array(helpRequestSummarySchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
  .meta({ id: 'HelpRequestList' });

export const helpRequestSchema = helpRequestSummarySchema
  .extend({
    messages: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['inbound', 'reply', 'note']),
        body: z.string(),
        author: z.object({ id: z.string(), name: z.string() }).nullable(),
        delivery: z.enum(['whatsapp_text', 'whatsapp_template', 'email', 'by_hand']).nullable(),
        at: z.string(),
      }),
    ),
    cannedAnswers: z.array(z.object({ key: z.string(), label: z.string(), text: z.string() })),
    claimLinks: z.array(z.object({ id: z.string(), applicationId: z.string(), expiresAt: z.string(), usedAt: z.string().nullable() })),
    assignees: z.array(z.object({ id: z.string(), name: z.string() })),
    can: z.object({ reply: z.boolean(), note: z.boolean(), update: z.boolean(), assist: z.boolean() }),
  })
  .meta({ id: 'HelpRequest' });

export const assistResultSchema = z
  .object({
    request: helpRequestSchema,
    applicationId: z.uuid(),
    claimLink: z
      .string()
      .nullable()
      .describe('For phone, Instagram and Facebook only, shown this once for the officer to pass on; on WhatsApp and email it is sent to the citizen'),
  })
  .meta({ id: 'HelpAssistResult' });

export const claimResultSchema = z.object({ applicationId: z.uuid() }).meta({ id: 'ClaimByLinkResult' });
