import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { Application } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { actionsFor } from '../workflow/workflow.engine.js';
import type { Role, WorkflowDefinition } from '../workflow/workflow.schema.js';
import type { Actor } from './actor.js';

/**
 * The one access policy (ASVS v5.0.0-8.2.1/8.2.2): every service function starts with
 * `requireAccess`, and the `can` flags that views carry come from the same rules, so pages render
 * from them and decide nothing. Workflow actions are judged by the workflow engine on top of
 * `application.act` (which roles may take which action from which state is data).
 */
export type Permission =
  // The back office: staff pages and staff-only lists.
  | 'office.enter'
  // Office administration.
  | 'staff.manage'
  | 'catalogue.manage'
  | 'holidays.manage'
  | 'settings.manage'
  /** The office's undeliverable messages (dead letters) and sending them again. */
  | 'messages.manage'
  /** Being told the office's holiday calendar runs out (the SLA dates after it are provisional). */
  | 'calendar.watch'
  // Applications.
  | 'application.create'
  /** Recording a file that came in at the counter, by courier or through assisted help. */
  | 'application.intake'
  | 'application.claim'
  | 'application.list'
  /** See every application of the office, not only one's own. */
  | 'application.listOffice'
  | 'application.read'
  /** Change answers and documents: the applicant's side, while the file is editable. */
  | 'application.edit'
  | 'application.act'
  | 'application.assign'
  | 'note.add'
  /** Read internal notes, not only the messages addressed to the applicant. */
  | 'note.readInternal'
  | 'document.review'
  /** Staff opening personal documents and permits: allowed, and audited (UU PDP). */
  | 'document.openAudited'
  | 'inspection.schedule'
  | 'inspection.record'
  | 'fee.assess'
  | 'permit.read'
  | 'permit.revoke'
  | 'permit.reissue'
  | 'permit.renew'
  /** At the counter: move a NIK another account registered to the person whose KTP was checked. */
  | 'account.resolveNik'
  /** At the counters: call the next queue ticket and record what happens to it (start, complete, no-show …). */
  | 'queue.serve'
  /** A citizen's channel history (src/contacts/): every contact with the office, by account, number or email. */
  | 'contacts.view'
  /** One's own channel history (/akun/riwayat). */
  | 'contacts.viewOwn'
  /** At the front desk: book an appointment for a caller (no WhatsApp code; the pass goes to the caller's number). */
  | 'appointment.bookFor'
  /** The office's appointment settings: service groups, hours, slot length, capacity. */
  | 'appointments.manage'
  /** The help desk: read, answer, assign and close help requests, and turn one into an assisted draft. */
  | 'helpdesk.manage'
  /** At the front desk: log courier parcels in and out, link them to applications, read the parcel report. */
  | 'parcels.manage'
  /** The office's PBG retribution coefficients: enter a new version of a year's (src/fees/). */
  | 'fees.manage'
  /** Read the retribution coefficients, their versions and history (the head checks what the admin set). */
  | 'fees.read'
  /** The treasurer: bills (re-issue, cancel), payments held for review, payments at the bank counter, reconciliation. */
  | 'payments.manage'
  /** The office's payment settings: the adapter, the biller code, the bill's expiry, QRIS merchant data, SNAP keys. */
  | 'payments.settings'
  /** Retribution revenue against the annual target (page, CSV). */
  | 'revenue.read'
  /** Set the office's annual revenue target. */
  | 'revenue.manage'
  /** The head's dashboard (issue 13): digital take-up, the online door's completion, backlog, SLA, overdue (page, CSV, API). */
  | 'dashboard.read'
  /** The office's videotron and kiosk playlist (/kantor/admin/layar): add, edit, reorder and remove slides. */
  | 'screens.manage'
  /** The SKM satisfaction survey's report (/kantor/skm, CSV, API): index and grade per service and period. */
  | 'survey.read'
  /**
   * A data subject's own rights (UU PDP 27/2022, LAW-5; src/data-rights/): download everything the office
   * holds about them, ask for a correction, have their account erased. Applicants only: an officer's
   * account is the office's to manage (staff.manage).
   */
  | 'personalData.own'
  /** The office's answer to correction requests: the list of open ones, resolved as corrected or refused (front desk, admin). */
  | 'dataRequests.manage'
  // Jobs: only a system actor takes these.
  | 'system.overdueScan'
  | 'system.expiryReminders'
  | 'system.auditCheckpoint'
  | 'system.appointmentReminders'
  /** A bank's payment notification paying a bill: the workflow's payment action, taken by the system. */
  | 'system.recordPayment';

/**
 * Who acts when no person does: a job, and later a payment webhook. Never a user row. Each system
 * actor holds only the permissions listed for its name here.
 */
const SYSTEM_ACTORS = {
  'sla-overdue': ['system.overdueScan'],
  'expiry-reminders': ['system.expiryReminders'],
  'audit-checkpoint': ['system.auditCheckpoint'],
  'appointment-reminders': ['system.appointmentReminders'],
  payments: ['system.recordPayment', 'application.read', 'application.act'],
} as const satisfies Record<string, readonly Permission[]>;
export type SystemActorName = keyof typeof SYSTEM_ACTORS;
export type SystemActor = { kind: 'system'; tenantId: string; name: SystemActorName };
export type AnyActor = Actor | SystemActor;

export function systemActor(tenantId: string, name: SystemActorName): SystemActor {
  return { kind: 'system', tenantId, name };
}

export function isSystemActor(actor: AnyActor): actor is SystemActor {
  return 'kind' in actor && actor.kind === 'system';
}

/**
 * What a permission is judged on. Office-level permissions need only the office; application-level
 * ones need the application, and those that depend on the workflow (review, inspection, editing)
 * need its definition and workflow too.
 */
export type AccessResource =
  { tenantId: string } | { application: Application; workflow?: WorkflowDefinition | undefined; definition?: PermitTypeDefinition | undefined };

const APPLICANT_SIDE: readonly Role[] = ['applicant', 'front_desk'];

function tenantOf(resource: AccessResource): string {
  return 'application' in resource ? resource.application.tenant_id : resource.tenantId;
}

/** An applicant sees only their own files; staff see their office's. Tenant first, always. */
function sees(actor: Actor, app: Application): boolean {
  if (app.tenant_id !== actor.tenantId) return false;
  return actor.role !== 'applicant' || app.applicant_id === actor.userId;
}

/**
 * Who may act for the applicant: the applicant who owns the file, or any front-desk officer of the
 * office for a file the front desk took in (walk-in, courier, assisted): the counter is a team, and
 * whoever is on duty carries on a colleague's intake. An online file is never the front desk's.
 */
function actsForApplicant(actor: Actor, app: Application): boolean {
  if (!sees(actor, app)) return false;
  if (actor.role === 'applicant') return true;
  return actor.role === 'front_desk' && app.channel !== 'online' && app.intake_officer_id !== null;
}

/**
 * States in which the applicant's side may change answers and documents: those from which the
 * applicant's side can send the file (back) to the office, i.e. draft and returned for correction.
 * Derived from the workflow data, not hard-coded.
 */
export function isEditableState(workflow: WorkflowDefinition, state: string): boolean {
  return workflow.actions.some(
    (a) => a.from.includes(state) && a.roles.some((r) => APPLICANT_SIDE.includes(r)) && workflow.states.find((s) => s.code === a.to)?.kind === 'office',
  );
}

function needWorkflow(
  resource: AccessResource,
  permission: Permission,
): { app: Application; workflow: WorkflowDefinition; definition: PermitTypeDefinition | undefined } {
  if (!('application' in resource) || !resource.workflow) throw new Error(`access check ${permission} needs the application and its workflow`);
  return { app: resource.application, workflow: resource.workflow, definition: resource.definition };
}

/** True when this role has some workflow action on the file in its current state. */
function hasWork(actor: Actor, resource: AccessResource, permission: Permission): boolean {
  const { app, workflow } = needWorkflow(resource, permission);
  return actionsFor(workflow, app.state, actor.role).length > 0;
}

/**
 * How a check ends: allowed; not allowed for this person (forbidden); allowed for this person but not
 * in the file's current state (invalid_state, 409); or a file this person may not even see (not_found).
 */
type Verdict = 'allow' | 'forbidden' | 'invalid_state' | 'not_found';

const when = (ok: boolean, otherwise: Verdict = 'forbidden'): Verdict => (ok ? 'allow' : otherwise);

/** The rule for each permission, for a person in the resource's own office. */
function judge(actor: Actor, permission: Permission, resource: AccessResource): Verdict {
  const app = 'application' in resource ? resource.application : null;
  if (app && !sees(actor, app)) return 'not_found';
  const isStaff = actor.role !== 'applicant';
  switch (permission) {
    case 'office.enter':
    case 'application.listOffice':
    case 'note.readInternal':
    case 'note.add':
    case 'application.assign':
    case 'fee.assess':
    case 'document.openAudited':
      return when(isStaff);
    case 'staff.manage':
    case 'catalogue.manage':
    case 'holidays.manage':
    case 'settings.manage':
    case 'messages.manage':
      return when(actor.role === 'admin');
    case 'calendar.watch':
      return when(actor.role === 'admin' || actor.role === 'head');
    case 'application.create':
      return when(actor.role === 'applicant' || actor.role === 'front_desk');
    case 'application.intake':
      return when(actor.role === 'front_desk');
    case 'application.claim':
    case 'personalData.own':
      return when(actor.role === 'applicant');
    case 'application.list':
    case 'contacts.viewOwn':
      return 'allow';
    case 'application.read':
    case 'permit.read':
      return when(app !== null, 'not_found');
    case 'application.edit': {
      const { app: a, workflow } = needWorkflow(resource, permission);
      if (!actsForApplicant(actor, a)) return 'forbidden';
      return when(isEditableState(workflow, a.state), 'invalid_state');
    }
    case 'application.act':
      // Which action from which state is the workflow engine's call; here: on whose behalf.
      return when(app !== null && (!APPLICANT_SIDE.includes(actor.role) || actsForApplicant(actor, app)));
    case 'document.review':
      if (actor.role !== 'verifier' && actor.role !== 'technical') return 'forbidden';
      // Asked for the office (an API route's first check), the role is the answer; for a file, also its state.
      return when(app === null || hasWork(actor, resource, permission), 'invalid_state');
    case 'inspection.schedule':
    case 'inspection.record':
      if (actor.role !== 'technical') return 'forbidden';
      return when(app === null || hasWork(actor, resource, permission), 'invalid_state');
    case 'permit.revoke':
    case 'permit.reissue':
      return when(actor.role === 'head');
    case 'permit.renew':
      return when(actor.role === 'applicant');
    case 'contacts.view':
      return when(actor.role === 'front_desk' || actor.role === 'verifier' || actor.role === 'head' || actor.role === 'admin');
    case 'account.resolveNik':
    case 'dataRequests.manage':
    case 'queue.serve':
    case 'helpdesk.manage':
    case 'parcels.manage':
      return when(actor.role === 'front_desk' || actor.role === 'admin');
    case 'appointment.bookFor':
      return when(actor.role === 'front_desk' || actor.role === 'admin');
    case 'appointments.manage':
      return when(actor.role === 'admin');
    case 'fees.manage':
      return when(actor.role === 'admin');
    case 'fees.read':
      return when(actor.role === 'admin' || actor.role === 'head');
    case 'payments.manage':
      return when(actor.role === 'treasurer');
    case 'payments.settings':
    case 'revenue.manage':
    case 'screens.manage':
      return when(actor.role === 'admin');
    case 'revenue.read':
      return when(actor.role === 'head' || actor.role === 'admin' || actor.role === 'treasurer');
    case 'dashboard.read':
      return when(actor.role === 'head' || actor.role === 'admin');
    case 'survey.read':
      return when(actor.role === 'head' || actor.role === 'admin');
    case 'system.overdueScan':
    case 'system.expiryReminders':
    case 'system.auditCheckpoint':
    case 'system.appointmentReminders':
    case 'system.recordPayment':
      return 'forbidden';
  }
}

function verdict(actor: AnyActor, permission: Permission, resource: AccessResource): Verdict {
  if (tenantOf(resource) !== actor.tenantId) return 'application' in resource ? 'not_found' : 'forbidden';
  if (isSystemActor(actor)) return (SYSTEM_ACTORS[actor.name] as readonly Permission[]).includes(permission) ? 'allow' : 'forbidden';
  return judge(actor, permission, resource);
}

/** True when the actor may do this to this resource now. Another office's resource is never allowed. */
export function can(actor: AnyActor, permission: Permission, resource: AccessResource): boolean {
  return verdict(actor, permission, resource) === 'allow';
}

/**
 * Throws unless `can` says yes. Someone who may not even see an application gets not_found, so nobody
 * learns that another person's file exists; someone who sees it but may not do this gets forbidden;
 * someone who may, but not in the file's current state, gets invalid_state.
 */
export function requireAccess(input: { actor: AnyActor; permission: Permission; resource: AccessResource }): void {
  const { actor, permission, resource } = input;
  const v = verdict(actor, permission, resource);
  if (v === 'allow') return;
  const who = isSystemActor(actor) ? `the system (${actor.name})` : actor.role;
  if (v === 'not_found') throw refused(new AppError('not_found', `application not found or not visible (${permission})`), permission);
  if (v === 'invalid_state') throw new AppError('invalid_state', `${permission} is not possible in the file's current state for ${who}`);
  throw refused(new AppError('forbidden', `${permission} is not allowed for ${who}`), permission);
}

/** The errors the policy threw because it said no (forbidden, or not visible), with the permission refused. */
const REFUSALS = new WeakMap<AppError, Permission>();
function refused(err: AppError, permission: Permission): AppError {
  REFUSALS.set(err, permission);
  return err;
}

/**
 * The permission the access policy refused, when this error is such a refusal: the error handler
 * audits these (SECURITY.md #25), including a 404 for someone else's file, which a plain 404 is not.
 */
export function refusedPermission(err: unknown): Permission | undefined {
  return err instanceof AppError ? REFUSALS.get(err) : undefined;
}

/** The signed-in person, or a system actor refused with forbidden (a job may not pose as a person). */
export function personOf(actor: AnyActor): Actor {
  if (isSystemActor(actor)) throw new AppError('forbidden', `the system (${actor.name}) does not act as a person`);
  return actor;
}
