import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AnyActor, can, isSystemActor, type Permission, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { answersOf, sealAnswers, storedAnswersOf, type StoredAnswers, validateAnswers } from '../catalogue/answers.js';
import type { PermitTypeDefinition } from '../catalogue/catalogue.schema.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Application, Document } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findUserById } from '../auth/users.repository.js';
import { attachContactsToUser, recordContact } from '../contacts/contacts.repository.js';
import { currentDocuments } from '../documents/documents.repository.js';
import { blindIndex } from '../shared/crypto.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { isEmail, normalisePhone } from '../shared/identifiers.js';
import { AppError } from '../shared/errors.js';
import { isProvisionalDate } from '../sla/holidays.service.js';
import { slaOutcome } from '../sla/outcomes.js';
import { computeSla } from '../sla/sla.js';
import { type Clock, isoNow, todayIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { actionsFor, stateKind, stateOf, unmetPreconditions, type WorkflowFacts } from '../workflow/workflow.engine.js';
import type { WorkflowDefinition } from '../workflow/workflow.schema.js';
import { type ActionEffect, type EffectRun, notifyApplicant, numberOnFirstFiling, slaDueDate } from './action-effects.js';
import { createApplicationLists } from './application-lists.js';
import { type ActionRequest, planAction } from './action-plan.js';
import {
  type ApplicationFilters,
  findApplication,
  findApplicationByNumber,
  findAnswersOfPermitFile,
  findByIdempotencyKey,
  insertApplication,
  insertEvent,
  listEvents,
  searchApplications,
  updateAtRevision,
} from './applications.repository.js';

export type Channel = Application['channel'];

export type ApplicationDeps = {
  db: Db;
  clock: Clock;
  catalogue: CatalogueService;
  holidays: { forTenant(tenantId: string): Promise<ReadonlySet<string>> };
  dataKey: Buffer;
};

/** What a timeline event's data column may say that code reads back. */
const eventDataSchema = z.looseObject({ idempotencyKey: z.string().optional() });
const eventData = (text: string) => eventDataSchema.parse(JSON.parse(text));

/**
 * Inside the caller's transaction, a citizen takes a file nobody holds into their account: the applicant
 * set (at the revision read; 409 if it changed meanwhile), the claim code ended, the file's contacts given
 * to the account (the channel history), a `claim` timeline event and an audit row. The claim by number and
 * code and the claim by link (helpdesk.service.ts) both end here; `via` and `claimLinkId` say which.
 */
export async function takeIntoAccount(trx: Db, input: { app: Application; actor: Actor; now: string; via?: 'link'; claimLinkId?: string }): Promise<void> {
  const { app, actor, now } = input;
  const ok = await updateAtRevision(trx, app.id, app.revision, { applicant_id: actor.userId, claim_code_hash: null, claim_expires_at: null, updated_at: now });
  if (!ok) throw new AppError('conflict', 'changed meanwhile');
  await attachContactsToUser(trx, { tenantId: app.tenant_id, kind: 'application', refId: app.id, userId: actor.userId });
  const via = input.via ? { via: input.via } : {};
  await insertEvent(trx, {
    id: randomUUID(),
    tenantId: app.tenant_id,
    applicationId: app.id,
    position: app.revision + 1,
    action: 'claim',
    fromState: app.state,
    toState: app.state,
    actorId: actor.userId,
    actorRole: actor.role,
    reason: null,
    data: { channel: app.channel, ...via },
    at: now,
  });
  await appendAudit(trx, {
    tenantId: app.tenant_id,
    actorId: actor.userId,
    action: 'application.claimed',
    subjectType: 'application',
    subjectId: app.id,
    data: { channel: app.channel, ...via, ...(input.claimLinkId ? { claimLinkId: input.claimLinkId } : {}) },
    occurredAt: now,
  });
}

/** How long a front-desk claim code works. */
export const CLAIM_CODE_DAYS = 30;

export function claimCodeHash(key: Buffer, applicationId: string, code: string): string {
  return blindIndex(key, `claim:${applicationId}`, code.trim().toUpperCase());
}

/** The facts the workflow's preconditions are judged on (see PRECONDITIONS). */
export function factsFor(definition: PermitTypeDefinition, app: Application, docs: readonly Document[]): WorkflowFacts {
  const byRequirement = new Map(docs.map((d) => [d.requirement_code, d]));
  const required = definition.requirements.filter((r) => r.required);
  return {
    all_required_documents_uploaded: required.every((r) => byRequirement.has(r.code)),
    all_required_documents_accepted:
      required.every((r) => byRequirement.get(r.code)?.review_status === 'accepted') && docs.every((d) => d.review_status !== 'refused'),
    some_document_refused: docs.some((d) => d.review_status === 'refused'),
    no_document_refused: docs.every((d) => d.review_status !== 'refused'),
    // Satisfied when the permit type needs no inspection, or one has been recorded.
    inspection_recorded: definition.fieldInspection !== 'required' || app.inspection_recorded_at !== null,
    fee_assessed: app.fee_amount !== null,
    fee_paid: app.fee_paid_at !== null || app.fee_amount === 0,
  };
}

export function createApplicationService(deps: ApplicationDeps) {
  const { db, clock, catalogue } = deps;
  // The application's own effects; features add theirs with registerEffects (services.ts). The number
  // comes last of these: its counter's row lock serialises an office's filings until commit, so the
  // work that does not need the number is done before it is taken (bench/README.md, "the lock").
  const effects: ActionEffect[] = [slaDueDate(deps), notifyApplicant, numberOnFirstFiling];
  const lists = createApplicationLists(deps);

  /** Loads an application the actor may see, or throws not_found (never revealing that it exists). */
  async function loadVisible(actor: AnyActor, applicationId: string): Promise<Application> {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission: 'application.read', resource: { application: app } });
    return app;
  }

  async function tenantTimeZone(tenantId: string): Promise<string> {
    return (await findTenantById(db, tenantId))?.time_zone ?? 'Asia/Jakarta';
  }

  async function createApplication(input: {
    actor: Actor;
    permitTypeCode: string;
    answers?: Record<string, unknown> | undefined;
    channel?: Channel | undefined;
    channelDetail?: string | undefined;
    applicantName?: string | undefined;
    /** Front desk: the citizen's WhatsApp number or email, where the claim code goes. */
    applicantContact?: string | undefined;
    idempotencyKey?: string | undefined;
    /** A renewal opened from an issued permit (permits.service renew). */
    renewsPermitId?: string | undefined;
    /** More writes that commit or roll back with the new file (a courier parcel linked to it, src/parcels/). */
    alsoInTransaction?: ((trx: Db, app: Application) => Promise<void>) | undefined;
  }): Promise<{ application: Application; created: boolean }> {
    const { actor } = input;
    const office = { tenantId: actor.tenantId };
    requireAccess({ actor, permission: 'application.create', resource: office });
    // Only the front desk records a file that came in another way than online.
    if (input.channel && input.channel !== 'online') requireAccess({ actor, permission: 'application.intake', resource: office });
    if (input.idempotencyKey) {
      const existing = await findByIdempotencyKey(db, actor.tenantId, actor.userId, input.idempotencyKey);
      if (existing) return { application: existing, created: false };
    }
    const type = await catalogue.getPermitType({ tenantId: actor.tenantId, code: input.permitTypeCode });
    if (!type.enabled) throw new AppError('permit_type_disabled', `permit type ${input.permitTypeCode} is disabled`);
    // A foreign resident (KITAS/KITAP, no NIK) applies online only for types that accept them (issue 16, item 5).
    if (
      !type.definition.foreignResidents &&
      !can(actor, 'application.intake', office) &&
      (await findUserById(db, actor.tenantId, actor.userId))?.identity_kind === 'kitas'
    )
      throw new AppError('forbidden', `permit type ${input.permitTypeCode} does not accept foreign residents (KITAS/KITAP)`, {
        params: { reason: 'nik_required' },
        fields: [
          {
            field: 'identityKind',
            code: 'nik_required',
            message: 'this permit type needs a NIK; foreign residents (KITAS/KITAP) ask the office at the counter',
          },
        ],
      });

    let channel: Channel = 'online';
    let applicantName = actor.name;
    let applicantContact: string | null = null;
    if (can(actor, 'application.intake', office)) {
      if (!input.channel || input.channel === 'online') {
        throw new AppError('invalid_input', 'front desk intake needs a channel', {
          fields: [{ field: 'channel', code: 'required', message: 'choose walk_in, courier or assisted' }],
        });
      }
      if (!input.applicantName?.trim()) {
        throw new AppError('invalid_input', 'front desk intake needs the applicant name', {
          fields: [{ field: 'applicantName', code: 'required', message: 'required' }],
        });
      }
      channel = input.channel;
      applicantName = input.applicantName.trim();
      if (input.applicantContact?.trim()) {
        const raw = input.applicantContact.trim();
        applicantContact = raw.includes('@') ? (isEmail(raw) ? raw.toLowerCase() : null) : normalisePhone(raw);
        if (!applicantContact) {
          throw new AppError('invalid_input', 'bad contact', {
            fields: [{ field: 'applicantContact', code: 'invalid_phone', message: 'a WhatsApp number or an email address' }],
          });
        }
      }
    }

    const { answers: checked, problems } = validateAnswers(type.definition.fields, input.answers ?? {}, {
      complete: false,
      today: todayIn(clock, await tenantTimeZone(actor.tenantId)),
      checks: type.definition.answerChecks,
    });
    if (problems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: problems });
    // NIK answers are stored sealed; a renewal's masked NIK keeps the one the renewed file holds.
    const previous = input.renewsPermitId ? ((await findAnswersOfPermitFile(db, actor.tenantId, input.renewsPermitId)) ?? {}) : {};
    const sealed = sealAnswers(deps.dataKey, type.definition.fields, checked, previous);
    if (sealed.problems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: sealed.problems });
    const answers = sealed.answers;

    const now = isoNow(clock);
    const app: Application = {
      id: randomUUID(),
      tenant_id: actor.tenantId,
      permit_type_id: type.permitTypeId,
      permit_type_version_id: type.versionId,
      permit_code: type.definition.code,
      number: null,
      tracking_code: null,
      state: type.workflow.initial,
      channel,
      channel_detail: channel === 'online' ? null : input.channelDetail?.trim() || null,
      applicant_id: actor.role === 'applicant' ? actor.userId : null,
      applicant_name: applicantName,
      applicant_contact: applicantContact,
      claim_code_hash: null,
      claim_expires_at: null,
      created_by: actor.userId,
      intake_officer_id: actor.role === 'front_desk' ? actor.userId : null,
      answers: JSON.stringify(answers),
      fee_amount: null,
      payment_reference: null,
      fee_paid_at: null,
      inspection_result: null,
      inspection_recorded_at: null,
      idempotency_key: input.idempotencyKey ?? null,
      submitted_at: null,
      state_entered_at: now,
      decided_at: null,
      sla_used_working_days: null,
      sla_met: null,
      created_at: now,
      updated_at: now,
      revision: 0,
      assigned_to: null,
      inspection_scheduled_for: null,
      inspection_officer_id: null,
      renews_permit_id: input.renewsPermitId ?? null,
      sla_due_on: null,
    };
    // The channel history (src/contacts/): the contact the front desk recorded, else the applicant's account's.
    const account = app.applicant_id ? await findUserById(db, actor.tenantId, app.applicant_id) : undefined;
    const recorded = applicantContact ? (applicantContact.includes('@') ? { email: applicantContact } : { phone: applicantContact }) : null;
    try {
      await db.transaction().execute(async (trx) => {
        await insertApplication(trx, app);
        await recordContact(trx, {
          tenantId: actor.tenantId,
          userId: app.applicant_id,
          phone: recorded ? recorded.phone : account?.phone,
          email: recorded ? recorded.email : account?.email,
          kind: 'application',
          channel,
          refId: app.id,
          label: type.definition.name.id,
          at: now,
        });
        await insertEvent(trx, {
          id: randomUUID(),
          tenantId: actor.tenantId,
          applicationId: app.id,
          position: 0,
          action: 'create',
          fromState: null,
          toState: app.state,
          actorId: actor.userId,
          actorRole: actor.role,
          reason: null,
          data: { channel },
          at: now,
        });
        await appendAudit(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          action: 'application.created',
          subjectType: 'application',
          subjectId: app.id,
          data: { permitCode: app.permit_code, channel, ...(app.renews_permit_id ? { renewsPermitId: app.renews_permit_id } : {}) },
          occurredAt: now,
        });
        await input.alsoInTransaction?.(trx, app);
      });
    } catch (err) {
      // The same idempotency key sent twice at once: the unique constraint lets one through.
      if (input.idempotencyKey && isUniqueViolation(err, 'applications_idempotency')) {
        const existing = await findByIdempotencyKey(db, actor.tenantId, actor.userId, input.idempotencyKey);
        if (existing) return { application: existing, created: false };
      }
      throw err;
    }
    return { application: app, created: true };
  }

  /** Merges answers into a draft (or a file returned for correction). Only given fields change. */
  async function updateApplication(input: {
    actor: Actor;
    applicationId: string;
    answers: Record<string, unknown>;
    revision?: number | undefined;
  }): Promise<Application> {
    const app = await loadVisible(input.actor, input.applicationId);
    const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    requireAccess({ actor: input.actor, permission: 'application.edit', resource: { application: app, workflow, definition } });
    if (input.revision !== undefined && input.revision !== app.revision) throw new AppError('conflict', 'stale revision');
    const { answers: checked, problems } = validateAnswers(definition.fields, input.answers, {
      complete: false,
      today: todayIn(clock, await tenantTimeZone(app.tenant_id)),
      checks: definition.answerChecks,
      stored: answersOf(app),
    });
    if (problems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: problems });
    // NIK answers are stored sealed (a masked one sent back keeps the stored NIK); a blank answer clears that field.
    const stored = storedAnswersOf(app);
    const { answers, problems: nikProblems } = sealAnswers(deps.dataKey, definition.fields, checked, stored);
    if (nikProblems.length) throw new AppError('invalid_answers', 'answers invalid', { fields: nikProblems });
    const merged: StoredAnswers = { ...stored, ...answers };
    for (const [k, v] of Object.entries(input.answers)) if (v === null || v === '') delete merged[k];
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, { answers: JSON.stringify(merged), updated_at: now })))
        throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: input.actor.userId,
        action: 'application.updated',
        subjectType: 'application',
        subjectId: app.id,
        data: { fields: Object.keys(input.answers) },
        occurredAt: now,
      });
    });
    return (await findApplication(db, app.tenant_id, app.id))!;
  }

  /**
   * Takes one workflow action: load → authorise → plan (pure: the engine, the inputs, what changes) →
   * effects prepared → one transaction (state change, the effects, timeline event, audit row) → return.
   * The actor is a person, or the `payments` system actor paying a bill (src/payments/payments.service.ts):
   * its event and audit row carry no user and the role `system`, with the system actor's name in the data.
   */
  async function performAction(input: ActionRequest & { actor: AnyActor; applicationId: string }): Promise<Application> {
    const { actor } = input;
    const person = isSystemActor(actor) ? null : actor;
    const app = await loadVisible(actor, input.applicationId);
    if (input.expectedRevision !== undefined && input.expectedRevision !== app.revision) throw new AppError('conflict', 'the file changed meanwhile');
    if (input.idempotencyKey && person) {
      const done = (await listEvents(db, app.tenant_id, app.id)).find(
        (e) => e.action === input.action && e.actor_id === person.userId && eventData(e.data).idempotencyKey === input.idempotencyKey,
      );
      if (done) return app;
    }
    const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    const [docs, tenant] = await Promise.all([currentDocuments(db, app.tenant_id, app.id), findTenantById(db, app.tenant_id)]);
    if (!tenant) throw new Error(`office ${app.tenant_id} of application ${app.id} is missing`);
    const now = isoNow(clock);
    const plan = planAction({
      actor,
      app,
      definition,
      workflow,
      facts: factsFor(definition, app, docs),
      request: input,
      now,
      timeZone: tenant.time_zone,
    });
    if (plan.toKind === 'final' && app.submitted_at !== null) {
      // The file closes: its SLA outcome is kept on it (migration 0035) for the dashboard and the transparency page.
      const events = [...(await listEvents(db, app.tenant_id, app.id)), { from_state: plan.from, to_state: plan.to, created_at: now }];
      const outcome = slaOutcome({
        events,
        workflow,
        slaWorkingDays: definition.slaWorkingDays,
        timeZone: tenant.time_zone,
        holidays: await deps.holidays.forTenant(app.tenant_id),
      });
      plan.set.sla_used_working_days = outcome.usedWorkingDays;
      plan.set.sla_met = outcome.met;
    }
    const runs: EffectRun[] = [];
    for (const effect of effects) {
      const run = await effect.prepare(plan);
      if (run) runs.push(run);
    }
    await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, plan.set))) throw new AppError('conflict', 'changed meanwhile');
      const data = { ...plan.data, ...(person ? {} : { systemActor: (actor as { name: string }).name }) };
      const current = async () => (await findApplication(trx, app.tenant_id, app.id))!;
      for (const run of runs) await run({ trx, plan, tenant, data, current });
      await insertEvent(trx, {
        id: randomUUID(),
        tenantId: app.tenant_id,
        applicationId: app.id,
        position: app.revision + 1,
        action: plan.action.code,
        fromState: plan.from,
        toState: plan.to,
        actorId: person?.userId ?? null,
        actorRole: person?.role ?? 'system',
        reason: plan.reason,
        data,
        at: now,
      });
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: person?.userId ?? null,
        action: `application.${plan.action.code}`,
        subjectType: 'application',
        subjectId: app.id,
        data: { from: plan.from, to: plan.to, ...data },
        occurredAt: now,
      });
    });
    return (await findApplication(db, app.tenant_id, app.id))!;
  }

  /**
   * Adds what a workflow action does besides changing the state (see ActionEffect). Effects run in
   * the order registered, after the application's own (due date, messages, number).
   */
  function registerEffects(...more: ActionEffect[]): void {
    effects.push(...more);
  }

  async function getApplication(input: { actor: Actor; applicationId: string }) {
    const app = await loadVisible(input.actor, input.applicationId);
    const { version, definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    const [docs, events, timeZone, holidays] = await Promise.all([
      currentDocuments(db, app.tenant_id, app.id),
      listEvents(db, app.tenant_id, app.id),
      tenantTimeZone(app.tenant_id),
      deps.holidays.forTenant(app.tenant_id),
    ]);
    const sla = computeSla({ events, workflow, slaWorkingDays: definition.slaWorkingDays, now: clock.now(), timeZone, holidays });
    const yearsWithHolidays = new Set([...holidays].map((d) => Number(d.slice(0, 4))));
    return {
      app,
      version,
      definition,
      workflow,
      docs,
      events,
      sla,
      /** The due date falls in a year whose holidays are not entered yet: it may move once they are. */
      slaProvisional: isProvisionalDate(sla.dueDate, yearsWithHolidays),
      facts: factsFor(definition, app, docs),
      can: applicationFlags(input.actor, app, workflow, definition),
    };
  }

  async function listApplications(input: { actor: Actor; filters: Omit<ApplicationFilters, 'applicantId'> }) {
    const { actor } = input;
    const office = { tenantId: actor.tenantId };
    requireAccess({ actor, permission: 'application.list', resource: office });
    return searchApplications(db, actor.tenantId, { ...input.filters, applicantId: can(actor, 'application.listOffice', office) ? undefined : actor.userId });
  }

  /**
   * A citizen takes a front-desk file into their own account with its number and the claim code sent
   * to them. The channel stays as it was (walk-in, courier, assisted); the timeline records the claim.
   * A wrong, used or expired code, or a file someone already claimed, is simply "not found".
   */
  async function claimApplication(input: { actor: Actor; number: string; claimCode: string }): Promise<Application> {
    const { actor } = input;
    requireAccess({ actor, permission: 'application.claim', resource: { tenantId: actor.tenantId } });
    const app = await findApplicationByNumber(db, actor.tenantId, input.number.trim().toUpperCase());
    const now = isoNow(clock);
    const matches =
      app?.claim_code_hash &&
      app.applicant_id === null &&
      app.claim_expires_at &&
      app.claim_expires_at > now &&
      claimCodeHash(deps.dataKey, app.id, input.claimCode) === app.claim_code_hash;
    if (!app || !matches) throw new AppError('not_found', 'no claimable file with that number and code');
    await db.transaction().execute((trx) => takeIntoAccount(trx, { app, actor, now }));
    return (await findApplication(db, app.tenant_id, app.id))!;
  }

  return {
    createApplication,
    updateApplication,
    performAction,
    registerEffects,
    getApplication,
    listApplications,
    loadVisible,
    claimApplication,
    /** The work queue of a role (the office's queue page and GET /api/v1/work-queue). */
    listWorkQueue: lists.listWorkQueue,
    /** Lists with state and SLA from one page query: the applicant's own files (/permohonan). */
    listApplicationSummaries: lists.listApplicationSummaries,
    /** After the office's holidays changed: every open file's due date worked out again. */
    recomputeDueDates: lists.recomputeDueDates,
  };
}
export type ApplicationService = ReturnType<typeof createApplicationService>;

/**
 * What the actor may do with the application now, from the one access policy, so that pages render
 * from these flags and decide no role themselves. Workflow actions are listed by availableActions.
 */
/** The workflow action a citizen withdraws a file with (the API's /withdraw and the withdraw page). */
export const WITHDRAW_ACTION = 'withdraw';

export function applicationFlags(actor: Actor, app: Application, workflow: WorkflowDefinition, definition: PermitTypeDefinition) {
  const resource = { application: app, workflow, definition };
  const may = (permission: Permission) => can(actor, permission, resource);
  const mine = may('application.act') ? actionsFor(workflow, app.state, actor.role) : [];
  return {
    edit: may('application.edit'),
    /** The workflow lets this actor withdraw the file from its current state. */
    withdraw: mine.some((a) => a.code === WITHDRAW_ACTION),
    /** The action that sends the file (back) to the office from here, for whoever may edit it: first filing or filing again. */
    sendAction: may('application.edit') ? (mine.find((a) => stateKind(workflow, a.to) === 'office')?.code ?? null) : null,
    act: may('application.act'),
    review: may('document.review'),
    recordInspection: may('inspection.record'),
    scheduleInspection: may('inspection.schedule'),
    addNote: may('note.add'),
    assign: may('application.assign'),
    assessFee: may('fee.assess'),
    readInternalNotes: may('note.readInternal'),
    openAudited: may('document.openAudited'),
  };
}
export type ApplicationFlags = ReturnType<typeof applicationFlags>;

/** The actions this actor could take now, each with what is still missing. */
export function availableActions(actor: Actor, app: Application, workflow: WorkflowDefinition, facts: WorkflowFacts) {
  if (!can(actor, 'application.act', { application: app })) return [];
  return actionsFor(workflow, app.state, actor.role).map((a) => ({
    code: a.code,
    label: a.label,
    to: a.to,
    requiresReason: a.requiresReason,
    input: a.input ?? null,
    missing: unmetPreconditions(a, facts),
  }));
}

export { stateOf };
