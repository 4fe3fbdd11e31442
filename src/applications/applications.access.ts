import type { Actor } from '../access/actor.js';
import type { Application } from '../db/schema.js';
import type { WorkflowDefinition } from '../workflow/workflow.schema.js';

/**
 * Data-level access (ASVS v5.0.0-8.2.2). One rule, used by every service function:
 * tenant first, always; an applicant sees only their own applications; staff see their office's.
 * Callers turn `false` into not_found, so nobody learns that someone else's application exists.
 */
export function canSee(actor: Actor, app: Application): boolean {
  if (app.tenant_id !== actor.tenantId) return false;
  if (actor.role === 'applicant') return app.applicant_id === actor.userId;
  return true;
}

/**
 * Who may act for the applicant (edit answers, upload, submit, resubmit): the applicant who owns it,
 * or the front desk for a file that came in through the front desk (walk-in, courier, assisted).
 */
export function actsForApplicant(actor: Actor, app: Application): boolean {
  if (!canSee(actor, app)) return false;
  if (actor.role === 'applicant') return true;
  return actor.role === 'front_desk' && app.channel !== 'online' && app.intake_officer_id !== null;
}

/**
 * States in which the applicant's side may change answers and documents: those from which the
 * applicant's side can send the file (back) to the office, i.e. draft and returned-for-correction.
 * Derived from the workflow data, not hard-coded.
 */
export function isEditableState(workflow: WorkflowDefinition, state: string): boolean {
  return workflow.actions.some(
    (a) =>
      a.from.includes(state) &&
      (a.roles.includes('applicant') || a.roles.includes('front_desk')) &&
      workflow.states.find((s) => s.code === a.to)?.kind === 'office',
  );
}
