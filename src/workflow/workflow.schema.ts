import { z } from 'zod';

/** The roles a person can hold in one office. */
export const ROLES = ['applicant', 'front_desk', 'verifier', 'technical', 'treasurer', 'head', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'applicant');

export const localisedTextSchema = z.strictObject({
  id: z.string().min(1).max(2000),
  en: z.string().min(1).max(2000),
});
export type LocalisedText = z.infer<typeof localisedTextSchema>;

/**
 * Named conditions an action may require. Each is evaluated by the workflow engine against facts
 * the application service gathers (see workflow.engine.ts); adding one means adding its fact.
 */
export const PRECONDITIONS = [
  'all_required_documents_uploaded',
  'all_required_documents_accepted',
  'some_document_refused',
  'no_document_refused',
  'inspection_recorded',
  'fee_assessed',
  'fee_paid',
] as const;
export const preconditionSchema = z.enum(PRECONDITIONS);
export type Precondition = z.infer<typeof preconditionSchema>;

const codeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'use lower_snake_case, 2 to 40 characters');

/**
 * How a state affects the SLA clock: `draft` before filing, `office` while the office works on it
 * (clock runs), `applicant` while it waits on the applicant (clock pauses), `final` when closed.
 */
export const stateKindSchema = z.enum(['draft', 'office', 'applicant', 'final']);
export type StateKind = z.infer<typeof stateKindSchema>;

export const workflowStateSchema = z.strictObject({
  code: codeSchema,
  kind: stateKindSchema,
  label: localisedTextSchema,
  /** What the applicant should know or do next, in plain words. */
  nextStep: localisedTextSchema,
  /** Working days the office allows itself in this state. */
  slaWorkingDays: z.number().int().min(0).max(365).optional(),
});

export const workflowActionSchema = z.strictObject({
  code: codeSchema,
  label: localisedTextSchema,
  from: z.array(codeSchema).min(1),
  to: codeSchema,
  roles: z.array(roleSchema).min(1),
  preconditions: z.array(preconditionSchema).default([]),
  /** A reason is required (returns, rejections, cancellations): shown to the applicant. */
  requiresReason: z.boolean().default(false),
  /** Extra input the action records: an assessed fee (integer rupiah) or a payment reference. */
  input: z.enum(['fee_amount', 'payment_reference']).optional(),
  /** Taking this action issues the signed permit (number, PDF, verification code) in the same transaction. */
  issuesPermit: z.boolean().default(false),
});

export const workflowDefinitionSchema = z
  .strictObject({
    code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
    initial: codeSchema,
    states: z.array(workflowStateSchema).min(2),
    actions: z.array(workflowActionSchema).min(1),
  })
  .superRefine((wf, ctx) => {
    const states = new Set<string>();
    wf.states.forEach((s, i) => {
      if (states.has(s.code)) ctx.addIssue({ code: 'custom', path: ['states', i, 'code'], message: `state "${s.code}" is defined twice` });
      states.add(s.code);
    });
    if (!states.has(wf.initial)) ctx.addIssue({ code: 'custom', path: ['initial'], message: `initial state "${wf.initial}" is not defined` });
    const actions = new Set<string>();
    wf.actions.forEach((a, i) => {
      a.from.forEach((f, j) => {
        if (!states.has(f)) ctx.addIssue({ code: 'custom', path: ['actions', i, 'from', j], message: `state "${f}" is not defined` });
        if (actions.has(`${a.code}@${f}`))
          ctx.addIssue({ code: 'custom', path: ['actions', i, 'code'], message: `action "${a.code}" is defined twice from "${f}"` });
        actions.add(`${a.code}@${f}`);
      });
      if (!states.has(a.to)) ctx.addIssue({ code: 'custom', path: ['actions', i, 'to'], message: `state "${a.to}" is not defined` });
      else if (a.issuesPermit && wf.states.find((s) => s.code === a.to)?.kind !== 'final')
        ctx.addIssue({
          code: 'custom',
          path: ['actions', i, 'issuesPermit'],
          message: `an action that issues the permit must end in a final state, not "${a.to}"`,
        });
    });
    for (const s of wf.states) {
      const leaves = wf.actions.some((a) => a.from.includes(s.code));
      if (s.kind === 'final' && leaves) ctx.addIssue({ code: 'custom', path: ['states'], message: `final state "${s.code}" must not have outgoing actions` });
      if (s.kind !== 'final' && !leaves)
        ctx.addIssue({ code: 'custom', path: ['states'], message: `state "${s.code}" has no way out; mark it final or add an action` });
    }
  });

export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;
export type WorkflowState = z.infer<typeof workflowStateSchema>;
export type WorkflowAction = z.infer<typeof workflowActionSchema>;
