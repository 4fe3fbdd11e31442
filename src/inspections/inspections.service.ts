import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findColleague } from '../applications/colleagues.repository.js';
import { findApplication } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Document } from '../db/schema.js';
import { keepUpload, type UploadDeps } from '../documents/uploads.js';
import { AppError } from '../shared/errors.js';
import { isCalendarDate, isoNow } from '../shared/time.js';
import { INSPECTION_PHOTO_PREFIX, saveInspectionPlan, saveInspectionResult } from './inspections.repository.js';

/** Photos from the site: JPEG or PNG, 10 MB at most. */
const PHOTO_KINDS = ['jpeg', 'png'] as const;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export type InspectionDeps = UploadDeps & { catalogue: CatalogueService; maxUploadBytes: number };

/**
 * The field inspection: the technical team plans the site visit, adds photos from it and records
 * the result, while the file is with them (the access policy's inspection.* permissions).
 */
export function createInspectionService(deps: InspectionDeps) {
  const { db, clock, catalogue } = deps;

  async function load(actor: Actor, applicationId: string, permission: 'inspection.schedule' | 'inspection.record') {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    requireAccess({ actor, permission, resource: { application: app, workflow, definition } });
    return app;
  }

  /** The technical team plans the site visit: a calendar date and the technical officer going. */
  async function scheduleInspection(input: { actor: Actor; applicationId: string; date: string; officerId: string }): Promise<void> {
    const { actor } = input;
    const app = await load(actor, input.applicationId, 'inspection.schedule');
    if (!isCalendarDate(input.date)) {
      throw new AppError('invalid_input', 'bad date', { fields: [{ field: 'date', code: 'invalid_date', message: 'YYYY-MM-DD' }] });
    }
    const officer = await findColleague(db, app.tenant_id, input.officerId);
    if (officer?.role !== 'technical') throw new AppError('not_found', 'no such technical officer');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await saveInspectionPlan(trx, app, { date: input.date, officerId: officer.id, at: now }))) throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: 'application.inspection_scheduled',
        subjectType: 'application',
        subjectId: app.id,
        data: { date: input.date, officerId: officer.id },
        occurredAt: now,
      });
    });
  }

  /** The technical team records the result of the site visit. */
  async function recordInspection(input: { actor: Actor; applicationId: string; result: 'pass' | 'fail'; findings: string }): Promise<void> {
    const { actor } = input;
    const app = await load(actor, input.applicationId, 'inspection.record');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      const saved = await saveInspectionResult(trx, app, { result: input.result, findings: input.findings.trim(), by: actor.userId, at: now });
      if (!saved) throw new AppError('conflict', 'changed meanwhile');
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: 'application.inspection_recorded',
        subjectType: 'application',
        subjectId: app.id,
        data: { result: input.result },
        occurredAt: now,
      });
    });
  }

  /**
   * The technical team adds a photo from the site visit. Each photo is its own document (code
   * `inspection_photo_…`), so photos never replace one another; it goes through the same checks as
   * any upload (scan and quarantine audit, kind, revision bump).
   */
  async function uploadInspectionPhoto(input: {
    actor: Actor;
    applicationId: string;
    fileName: string;
    claimedType?: string | undefined;
    source: Readable;
  }): Promise<Document> {
    const { actor } = input;
    const app = await load(actor, input.applicationId, 'inspection.record');
    return keepUpload(deps, {
      actor,
      app,
      requirementCode: `${INSPECTION_PHOTO_PREFIX}${randomUUID().slice(0, 8)}`,
      accepted: PHOTO_KINDS,
      maxBytes: Math.min(PHOTO_MAX_BYTES, deps.maxUploadBytes),
      fileName: input.fileName,
      claimedType: input.claimedType,
      source: input.source,
      reviewedBy: actor.userId,
      audit: { action: 'application.inspection_photo_added', data: ({ sha256 }) => ({ applicationId: app.id, sha256 }) },
    });
  }

  return { scheduleInspection, recordInspection, uploadInspectionPhoto };
}
export type InspectionService = ReturnType<typeof createInspectionService>;
