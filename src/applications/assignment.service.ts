import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { actionsFor } from '../workflow/workflow.engine.js';
import { findApplication, updateAtRevision } from './applications.repository.js';
import { findColleague } from './colleagues.repository.js';

/** Who holds an application: an officer claims it, hands it to a colleague, or gives it back. */
export function createAssignmentService(deps: { db: Db; clock: Clock; catalogue: CatalogueService }) {
  const { db, clock } = deps;

  /**
   * Claims an application (assignee = the actor), assigns it to a colleague of this office, or hands
   * it back (null). The assignee must be staff whose role has work on the file in its current state.
   */
  async function assignApplication(input: { actor: Actor; applicationId: string; assigneeId: string | null }): Promise<void> {
    const { actor } = input;
    // Refused as a role first, so an applicant learns nothing about which files exist.
    requireAccess({ actor, permission: 'application.assign', resource: { tenantId: actor.tenantId } });
    const app = await findApplication(db, actor.tenantId, input.applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    requireAccess({ actor, permission: 'application.assign', resource: { application: app } });
    if (input.assigneeId) {
      const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
      const assignee = await findColleague(db, app.tenant_id, input.assigneeId);
      if (!assignee) throw new AppError('not_found', 'no such colleague');
      if (actionsFor(workflow, app.state, assignee.role).length === 0)
        throw new AppError('invalid_state', `role ${assignee.role} has no work on this file now`);
    }
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, { assigned_to: input.assigneeId, updated_at: now })))
        throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: 'application.assigned',
        subjectType: 'application',
        subjectId: app.id,
        data: { assigneeId: input.assigneeId },
        occurredAt: now,
      });
    });
  }

  return { assignApplication };
}
export type AssignmentService = ReturnType<typeof createAssignmentService>;
