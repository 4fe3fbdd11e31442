import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/actor.js';
import { findUserById } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { ApplicationNotesTable } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { actionsFor } from '../workflow/workflow.engine.js';
import { updateAtRevision } from './applications.repository.js';
import type { ApplicationService } from './applications.service.js';

/**
 * Case work around the workflow: notes (internal for staff, or messages the applicant reads),
 * who holds a file (claim it, assign it, hand it back), and the planned field inspection.
 */
export function createCaseworkService(deps: { db: Db; clock: Clock; catalogue: CatalogueService; applications: ApplicationService }) {
  const { db, clock } = deps;

  function requireStaff(actor: Actor): void {
    if (actor.role === 'applicant') throw new AppError('forbidden', 'staff only');
  }

  async function addNote(input: { actor: Actor; applicationId: string; kind: ApplicationNotesTable['kind']; body: string }): Promise<void> {
    requireStaff(input.actor);
    const app = await deps.applications.loadVisible(input.actor, input.applicationId);
    const body = input.body.trim();
    if (!body) throw new AppError('invalid_input', 'empty note', { fields: [{ field: 'body', code: 'required', message: 'required' }] });
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('application_notes')
        .values({
          id: randomUUID(),
          tenant_id: app.tenant_id,
          application_id: app.id,
          kind: input.kind,
          author_id: input.actor.userId,
          author_role: input.actor.role,
          body,
          created_at: now,
        })
        .execute();
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: input.actor.userId,
        action: input.kind === 'internal' ? 'application.note_added' : 'application.message_sent',
        subjectType: 'application',
        subjectId: app.id,
        occurredAt: now,
      });
      if (input.kind === 'to_applicant' && app.applicant_id) {
        await enqueue(trx, { tenantId: app.tenant_id, now, message: { topic: 'notify.message', applicationId: app.id, userId: app.applicant_id } });
      }
    });
  }

  /** Staff see every note; applicants see only the messages addressed to them. */
  async function listNotes(input: { actor: Actor; applicationId: string }) {
    const app = await deps.applications.loadVisible(input.actor, input.applicationId);
    let q = db.selectFrom('application_notes').selectAll().where('tenant_id', '=', app.tenant_id).where('application_id', '=', app.id);
    if (input.actor.role === 'applicant') q = q.where('kind', '=', 'to_applicant');
    return q.orderBy('created_at').orderBy('id').execute();
  }

  /**
   * Claims a file (assignee = the actor), assigns it to a colleague of this office, or hands it back
   * (null). The assignee must be staff whose role has work on the file in its current state.
   */
  async function assign(input: { actor: Actor; applicationId: string; assigneeId: string | null }): Promise<void> {
    requireStaff(input.actor);
    const app = await deps.applications.loadVisible(input.actor, input.applicationId);
    const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
    if (input.assigneeId) {
      const assignee = await findUserById(db, app.tenant_id, input.assigneeId);
      if (!assignee || assignee.disabled_at || assignee.role === 'applicant') throw new AppError('not_found', 'no such colleague');
      if (actionsFor(workflow, app.state, assignee.role as Actor['role']).length === 0) {
        throw new AppError('invalid_state', `role ${assignee.role} has no work on this file now`);
      }
    }
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, { assigned_to: input.assigneeId, updated_at: now })))
        throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: input.actor.userId,
        action: 'application.assigned',
        subjectType: 'application',
        subjectId: app.id,
        data: { assigneeId: input.assigneeId },
        occurredAt: now,
      });
    });
  }

  /** The technical team plans the site visit: a working date and the officer going. */
  async function scheduleInspection(input: { actor: Actor; applicationId: string; date: string; officerId: string }): Promise<void> {
    if (input.actor.role !== 'technical') throw new AppError('forbidden', 'technical team only');
    const app = await deps.applications.loadVisible(input.actor, input.applicationId);
    const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
    if (actionsFor(workflow, app.state, 'technical').length === 0) throw new AppError('invalid_state', `no inspection in state ${app.state}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`))) {
      throw new AppError('invalid_input', 'bad date', { fields: [{ field: 'date', code: 'invalid_date', message: 'YYYY-MM-DD' }] });
    }
    const officer = await findUserById(db, app.tenant_id, input.officerId);
    if (!officer || officer.role !== 'technical' || officer.disabled_at) throw new AppError('not_found', 'no such technical officer');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      const ok = await updateAtRevision(trx, app.id, app.revision, {
        inspection_scheduled_for: input.date,
        inspection_officer_id: officer.id,
        updated_at: now,
      });
      if (!ok) throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: input.actor.userId,
        action: 'application.inspection_scheduled',
        subjectType: 'application',
        subjectId: app.id,
        data: { date: input.date, officerId: officer.id },
        occurredAt: now,
      });
    });
  }

  return { addNote, listNotes, assign, scheduleInspection };
}
export type CaseworkService = ReturnType<typeof createCaseworkService>;
