import { inspectionRecordOf } from '../inspections/inspections.repository.js';
import { answersOf } from '../catalogue/answers.js';
import { z } from 'zod';
import { can } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { Application, Document } from '../db/schema.js';
import { localisedSchema, uuidParam } from '../http/common.schemas.js';
import { type WorkflowFacts, stateOf } from '../workflow/workflow.engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.schema.js';
import { type ApplicationSummary, OPEN_SLA_STATUSES, WORK_QUEUE_PAGE_SIZE } from './application-lists.js';
import { availableActions } from './applications.service.js';
import type { SlaResult } from '../sla/sla.js';

export const CHANNELS = ['online', 'courier', 'walk_in', 'assisted'] as const;

const answerValue = z.union([z.string().max(5000), z.number(), z.boolean(), z.null()]);
export const answersInput = z.record(z.string().max(40), answerValue).refine((a) => Object.keys(a).length <= 60, 'too many answers');

export const createApplicationBody = z.strictObject({
  permitTypeCode: z.string().regex(/^[A-Za-z0-9]{2,12}$/, 'a permit type code such as PBG'),
  answers: answersInput.optional(),
  channel: z.enum(CHANNELS).optional().describe('Front desk only: how the application came in'),
  channelDetail: z.string().max(40).optional().describe('Front desk only: e.g. instagram, facebook, whatsapp, phone, courier company'),
  applicantName: z.string().trim().min(1).max(120).optional().describe('Front desk only: the person applying'),
  applicantContact: z
    .string()
    .trim()
    .min(5)
    .max(254)
    .optional()
    .describe('Front desk only: WhatsApp number or email where the claim code is sent after submission'),
});

export const updateApplicationBody = z.strictObject({
  answers: answersInput,
  revision: z.number().int().min(0).optional().describe('The revision you last read; a mismatch gets 409'),
});

export const actionBody = z.strictObject({
  action: z.string().regex(/^[a-z_]{2,40}$/),
  reason: z.string().max(2000).optional(),
  feeAmount: z.number().int().min(0).max(1e13).optional().describe('Whole rupiah, for assess_fee'),
  feeReason: z
    .string()
    .max(1000)
    .optional()
    .describe('For assess_fee: why the fee differs from what the office’s rules give (required then; recorded with the computed amount)'),
  paymentReference: z.string().max(100).optional().describe('For record_payment'),
});

export const applicationParams = z.strictObject({ id: uuidParam });

const documentSchema = z
  .object({
    id: z.string(),
    requirementCode: z.string(),
    version: z.number().int(),
    fileName: z.string(),
    mediaType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    reviewStatus: z.enum(['pending', 'accepted', 'refused']),
    reviewReason: z.string().nullable(),
    uploadedAt: z.string(),
  })
  .meta({ id: 'Document' });

export const applicationSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    trackingCode: z.string().nullable(),
    permitType: z.object({ code: z.string(), version: z.number().int(), name: localisedSchema }),
    state: z.object({ code: z.string(), kind: z.string(), label: localisedSchema, nextStep: localisedSchema }),
    channel: z.enum(CHANNELS),
    channelDetail: z.string().nullable(),
    applicantName: z.string(),
    answers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    fee: z.object({ amount: z.number().int().nullable(), paid: z.boolean(), paymentReference: z.string().nullable() }),
    inspection: z.object({ result: z.string(), recordedAt: z.string() }).nullable(),
    inspectionPlan: z
      .object({ date: z.string(), officerId: z.string().nullable() })
      .nullable()
      .describe('The planned site visit; the officer is shown to staff only'),
    assignedTo: z.string().nullable().describe('Staff only: the officer holding the file'),
    requirements: z.array(
      z.object({
        code: z.string(),
        name: localisedSchema,
        required: z.boolean(),
        acceptedTypes: z.array(z.string()),
        maxSizeMb: z.number(),
        status: z.enum(['missing', 'pending', 'accepted', 'refused']),
        document: documentSchema.nullable(),
      }),
    ),
    timeline: z.array(
      z.object({
        action: z.string(),
        fromState: z.string().nullable(),
        toState: z.string(),
        label: localisedSchema,
        at: z.string(),
        actorRole: z.string().nullable(),
        reason: z.string().nullable(),
      }),
    ),
    availableActions: z.array(
      z.object({
        code: z.string(),
        label: localisedSchema,
        requiresReason: z.boolean(),
        input: z.string().nullable(),
        ready: z.boolean(),
        missing: z.array(z.string()),
      }),
    ),
    sla: z
      .object({
        status: z.enum(['not_started', 'on_track', 'due_soon', 'overdue', 'paused', 'closed']),
        slaWorkingDays: z.number().int(),
        usedWorkingDays: z.number().int(),
        remainingWorkingDays: z.number().int(),
        dueDate: z.string().nullable().describe('YYYY-MM-DD in the office time zone; while paused, as if the clock restarted today'),
        paused: z.boolean(),
        provisional: z.boolean().describe('true when dueDate falls in a year whose holidays the office has not entered yet: it may move once they are'),
      })
      .describe('Working days Monday to Friday in the office time zone, without holidays and cuti bersama; paused while the file is with the applicant'),
    submittedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    revision: z.number().int(),
  })
  .meta({ id: 'Application' });

export const applicationSummarySchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    permitCode: z.string(),
    state: z.string(),
    channel: z.enum(CHANNELS),
    applicantName: z.string(),
    submittedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ApplicationSummary' });

export function toDocumentView(d: Document): z.infer<typeof documentSchema> {
  return {
    id: d.id,
    requirementCode: d.requirement_code,
    version: d.version,
    fileName: d.file_name,
    mediaType: d.media_type,
    sizeBytes: d.size_bytes,
    sha256: d.sha256,
    reviewStatus: d.review_status,
    reviewReason: d.review_reason,
    uploadedAt: d.created_at,
  };
}
export { documentSchema };

export function toApplicationView(
  actor: Actor,
  v: {
    app: Application;
    version: number;
    sla: SlaResult;
    slaProvisional: boolean;
    definition: PermitTypeDefinition;
    workflow: WorkflowDefinition;
    docs: Document[];
    events: { action: string; from_state: string | null; to_state: string; created_at: string; actor_role: string | null; reason: string | null }[];
    facts: WorkflowFacts;
  },
): z.infer<typeof applicationSchema> {
  const { app, definition, workflow, docs } = v;
  // Which officer holds the file or goes on the site visit is the office's business, not the applicant's.
  const staffSees = can(actor, 'note.readInternal', { application: app });
  const state = stateOf(workflow, app.state);
  const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
  const inspection = inspectionRecordOf(app);
  return {
    id: app.id,
    number: app.number,
    trackingCode: app.tracking_code,
    permitType: { code: definition.code, version: v.version, name: definition.name },
    state: { code: state.code, kind: state.kind, label: state.label, nextStep: state.nextStep },
    channel: app.channel,
    channelDetail: app.channel_detail,
    applicantName: app.applicant_name,
    answers: answersOf(app),
    fee: { amount: app.fee_amount, paid: v.facts.fee_paid && app.fee_amount !== null, paymentReference: app.payment_reference },
    inspection: inspection && app.inspection_recorded_at ? { result: inspection.result, recordedAt: app.inspection_recorded_at } : null,
    // Field-level access (ASVS v5.0.0-8.2.3): who holds the file and who inspects is for staff eyes.
    inspectionPlan: app.inspection_scheduled_for ? { date: app.inspection_scheduled_for, officerId: staffSees ? app.inspection_officer_id : null } : null,
    assignedTo: staffSees ? app.assigned_to : null,
    requirements: definition.requirements.map((r) => {
      const d = byReq.get(r.code);
      return {
        code: r.code,
        name: r.name,
        required: r.required,
        acceptedTypes: r.acceptedTypes,
        maxSizeMb: r.maxSizeMb,
        status: d ? d.review_status : 'missing',
        document: d ? toDocumentView(d) : null,
      };
    }),
    timeline: v.events.map((e) => ({
      action: e.action,
      fromState: e.from_state,
      toState: e.to_state,
      label: stateOf(workflow, e.to_state).label,
      at: e.created_at,
      actorRole: e.actor_role,
      reason: e.reason,
    })),
    availableActions: availableActions(actor, app, workflow, v.facts).map((a) => ({
      code: a.code,
      label: a.label,
      requiresReason: a.requiresReason,
      input: a.input,
      ready: a.missing.length === 0,
      missing: a.missing,
    })),
    sla: {
      status: v.sla.status,
      slaWorkingDays: v.sla.slaWorkingDays,
      usedWorkingDays: v.sla.usedWorkingDays,
      remainingWorkingDays: v.sla.remainingWorkingDays,
      dueDate: v.sla.dueDate,
      paused: v.sla.paused,
      provisional: v.slaProvisional,
    },
    submittedAt: app.submitted_at,
    createdAt: app.created_at,
    updatedAt: app.updated_at,
    revision: app.revision,
  };
}

export function toSummary(app: Application): z.infer<typeof applicationSummarySchema> {
  return {
    id: app.id,
    number: app.number,
    permitCode: app.permit_code,
    state: app.state,
    channel: app.channel,
    applicantName: app.applicant_name,
    submittedAt: app.submitted_at,
    updatedAt: app.updated_at,
  };
}

/** GET /api/v1/work-queue: the filters of the office's queue page, and its page. */
export const workQueueQuery = z.strictObject({
  permitType: z
    .string()
    .regex(/^[A-Za-z0-9]{2,12}$/)
    .optional(),
  channel: z.enum(CHANNELS).optional(),
  state: z
    .string()
    .regex(/^[a-z_]{2,40}$/)
    .optional(),
  sla: z.enum(OPEN_SLA_STATUSES).optional().describe('on_track, due_soon, overdue, or paused (with the applicant)'),
  q: z.string().max(100).optional().describe('Part of the number or the applicant’s name'),
  mine: z.enum(['true', 'false']).optional().describe('true: only the files you hold'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(WORK_QUEUE_PAGE_SIZE),
});

export const workQueueItemSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    permitType: z.object({ code: z.string(), name: localisedSchema }),
    state: z.object({ code: z.string(), kind: z.string(), label: localisedSchema }),
    channel: z.enum(CHANNELS),
    applicantName: z.string(),
    sla: z.object({
      status: z.enum(['not_started', 'on_track', 'due_soon', 'overdue', 'paused', 'closed']),
      dueDate: z.string().nullable().describe('YYYY-MM-DD in the office time zone: the last working day the service standard allows'),
    }),
    assignedTo: z.string().nullable().describe('The officer holding the file'),
    heldByYou: z.boolean(),
    submittedAt: z.string().nullable(),
  })
  .meta({ id: 'WorkQueueItem' });

export const workQueueSchema = z
  .object({ items: z.array(workQueueItemSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .meta({ id: 'WorkQueue' });

export function toWorkQueueItem(s: ApplicationSummary): z.infer<typeof workQueueItemSchema> {
  return {
    id: s.id,
    number: s.number,
    permitType: s.permitType,
    state: { code: s.state.code, kind: s.state.kind, label: s.state.label },
    channel: s.channel,
    applicantName: s.applicantName,
    sla: s.sla,
    assignedTo: s.assignedTo,
    heldByYou: s.heldByYou,
    submittedAt: s.submittedAt,
  };
}
