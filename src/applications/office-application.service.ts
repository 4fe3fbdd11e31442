import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { stateSummary } from '../catalogue/journey.js';
import type { Db } from '../db/database.js';
import type { FeeAssessment, FeeService } from '../fees/fees.service.js';
import { INSPECTION_PHOTO_PREFIX, inspectionRecordOf } from '../inspections/inspections.repository.js';
import type { PermitService } from '../permits/permits.service.js';
import { AppError } from '../shared/errors.js';
import { actionsFor, stateKind, stateOf } from '../workflow/workflow.engine.js';
import { availableActions, type ApplicationService } from './applications.service.js';
import { listColleagues } from './colleagues.repository.js';
import type { NoteService } from './notes.service.js';
import { answersOf } from '../catalogue/answers.js';

/** The answers column, parsed (validated when written; not trusted as a type here). */

export type OfficeApplicationDeps = {
  db: Db;
  applications: ApplicationService;
  notes: NoteService;
  permits: PermitService;
  fees: FeeService;
};

/**
 * The officers' view of one application (the back office's case page) and the officer's workflow
 * action on it. The view carries what the page shows and, as `can` flags from the access policy,
 * what it offers; the page renders from it and decides nothing.
 */
export function createOfficeApplicationService(deps: OfficeApplicationDeps) {
  const { db } = deps;

  async function getOfficeApplication(input: { actor: Actor; applicationId: string }) {
    const { actor, applicationId } = input;
    requireAccess({ actor, permission: 'office.enter', resource: { tenantId: actor.tenantId } });
    const view = await deps.applications.getApplication({ actor, applicationId });
    const { app, workflow, definition } = view;
    const actions = availableActions(actor, app, workflow, view.facts).map((a) => ({
      ...a,
      // Closing a file for good (a rejection) is shown as the dangerous thing it is.
      closes: stateKind(workflow, a.to) === 'final',
    }));
    const setsFee = definition.feeRule.kind !== 'free' && actions.some((a) => a.input === 'fee_amount' && a.missing.length === 0);
    const [notes, colleagues, permits, fee] = await Promise.all([
      deps.notes.listNotes({ actor, applicationId }),
      listColleagues(db, app.tenant_id),
      deps.permits.permitsForApplication({ actor, applicationId }),
      setsFee ? feeFor(actor, applicationId) : null,
    ]);
    const record = inspectionRecordOf(app);
    const photos = view.docs.filter((d) => d.requirement_code.startsWith(INSPECTION_PHOTO_PREFIX));
    // The inspection forms are offered only for a permit type that has an inspection.
    const recordInspection = view.can.recordInspection && definition.fieldInspection !== 'none';
    return {
      ...view,
      answers: answersOf(app),
      state: stateSummary(workflow, app.state),
      actions,
      notes,
      holder: colleagues.find((c) => c.id === app.assigned_to) ?? null,
      /** Colleagues the file can be handed to: those whose role has work on it now. */
      holders: colleagues.filter((c) => actionsFor(workflow, app.state, c.role).length > 0),
      /** Who can be sent on the site visit. */
      inspectors: colleagues.filter((c) => c.role === 'technical'),
      inspectionPlan: app.inspection_scheduled_for
        ? { date: app.inspection_scheduled_for, officer: colleagues.find((c) => c.id === app.inspection_officer_id) ?? null }
        : null,
      inspection: { record, photos, shown: definition.fieldInspection !== 'none' || record !== null || photos.length > 0 },
      permits,
      fee,
      timeline: view.events.map((e) => ({
        event: e,
        action: workflow.actions.find((a) => a.code === e.action)?.label ?? null,
        /** The event that opened the file (not a workflow action). */
        created: e.action === 'create',
        toState: stateOf(workflow, e.to_state).label,
      })),
      can: { ...view.can, recordInspection, addPhotos: recordInspection },
    };
  }

  /** What the rules give for the fee, or why they cannot say (no coefficients for the filing year, a draft). */
  async function feeFor(actor: Actor, applicationId: string): Promise<{ assessment: FeeAssessment } | { problem: AppError }> {
    try {
      return { assessment: await deps.fees.assessFor({ actor, applicationId }) };
    } catch (err) {
      if (err instanceof AppError && (err.code === 'precondition_failed' || err.code === 'invalid_state')) return { problem: err };
      throw err;
    }
  }

  /**
   * An officer's workflow action from the case page. An action this role never takes is refused as
   * such (forbidden), whatever state the file is in: the workflow engine checks the state first, which
   * would answer invalid_state and tell the officer the wrong story.
   */
  async function performOfficeAction(input: Parameters<ApplicationService['performAction']>[0] & { actor: Actor }) {
    const { actor } = input;
    const { workflow } = await deps.applications.getApplication({ actor, applicationId: input.applicationId });
    const known = workflow.actions.filter((a) => a.code === input.action);
    if (known.length > 0 && !known.some((a) => a.roles.includes(actor.role))) throw new AppError('forbidden', `role ${actor.role} never takes ${input.action}`);
    return deps.applications.performAction(input);
  }

  /**
   * The officers' view with one of its permits, for a form that changes the permit (revoke, re-issue):
   * a permit of another file is not found, and the person must hold the permission.
   */
  async function getPermitOfApplication(input: { actor: Actor; applicationId: string; permitId: string; permission: 'permit.revoke' | 'permit.reissue' }) {
    const view = await getOfficeApplication(input);
    const permit = view.permits.find((p) => p.id === input.permitId);
    if (!permit) throw new AppError('not_found', 'no such permit on this file');
    requireAccess({ actor: input.actor, permission: input.permission, resource: { tenantId: view.app.tenant_id } });
    return { view, permit };
  }

  /** A permit's PDF from the case page: checked against the file before opening, since opening is audited. */
  async function openPermitPdfOfApplication(input: { actor: Actor; applicationId: string; permitId: string }) {
    const { actor, applicationId, permitId } = input;
    if ((await deps.permits.getPermit({ actor, permitId })).applicationId !== applicationId) throw new AppError('not_found', 'no such permit on this file');
    return deps.permits.openPdf({ actor, permitId });
  }

  return { getOfficeApplication, performOfficeAction, getPermitOfApplication, openPermitPdfOfApplication };
}
export type OfficeApplicationService = ReturnType<typeof createOfficeApplicationService>;
export type OfficeApplicationView = Awaited<ReturnType<OfficeApplicationService['getOfficeApplication']>>;
