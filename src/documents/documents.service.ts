import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor } from '../access/actor.js';
import { isStaff } from '../access/actor.js';
import { actsForApplicant, isEditableState } from '../applications/applications.access.js';
import type { ApplicationService } from '../applications/applications.service.js';
import { updateAtRevision } from '../applications/applications.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { Document } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { actionsFor } from '../workflow/workflow.engine.js';
import { findDocument, insertDocumentVersion } from './documents.repository.js';
import { cleanFileName, describeKinds, detectAcceptedKind, MEDIA_TYPES } from './file-kinds.js';
import type { VirusScanner } from './scanner.js';
import type { FileStorage } from './storage.js';

/** Inspection photos are documents whose requirement code starts with this. */
export const INSPECTION_PHOTO_PREFIX = 'inspection_photo_';

export type DocumentDeps = {
  db: Db;
  clock: Clock;
  storage: FileStorage;
  scanner: VirusScanner;
  catalogue: CatalogueService;
  applications: ApplicationService;
  maxUploadBytes: number;
};

export function createDocumentService(deps: DocumentDeps) {
  const { db, clock, storage, catalogue, applications } = deps;

  /**
   * Receives one file for one requirement, streamed: size limit enforced while reading, kind judged
   * by magic bytes and matched against the name and claimed type, stored by content hash. A new
   * upload for the same requirement becomes the current version; earlier versions are kept.
   */
  async function uploadDocument(input: {
    actor: Actor;
    applicationId: string;
    requirementCode: string;
    fileName: string;
    claimedType?: string | undefined;
    source: Readable;
  }): Promise<Document> {
    const { actor } = input;
    const app = await applications.loadVisible(actor, input.applicationId);
    if (!actsForApplicant(actor, app)) throw new AppError('forbidden', 'only the applicant side uploads');
    const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    if (!isEditableState(workflow, app.state)) throw new AppError('invalid_state', `documents cannot change in state ${app.state}`);
    const requirement = definition.requirements.find((r) => r.code === input.requirementCode);
    if (!requirement) throw new AppError('not_found', `no requirement ${input.requirementCode}`);

    const maxBytes = Math.min(Math.round(requirement.maxSizeMb * 1024 * 1024), deps.maxUploadBytes);
    const staged = await storage.stage({ source: input.source, maxBytes });
    try {
      const verdict = await deps.scanner.scan(staged);
      if (!verdict.clean) {
        await db.transaction().execute((trx) =>
          appendAudit(trx, {
            tenantId: app.tenant_id,
            actorId: actor.userId,
            action: 'document.quarantined',
            subjectType: 'application',
            subjectId: app.id,
            data: { requirement: requirement.code, signature: verdict.signature, sha256: staged.sha256 },
            occurredAt: isoNow(clock),
          }),
        );
        throw new AppError('infected_file', `malware signature ${verdict.signature}`);
      }
      const kind = await detectAcceptedKind({
        head: staged.head,
        fileName: input.fileName,
        claimedType: input.claimedType,
        accepted: requirement.acceptedTypes,
      });
      if (!kind)
        throw new AppError('unsupported_file', 'content does not match an accepted kind', { params: { accepted: describeKinds(requirement.acceptedTypes) } });
      if (staged.sizeBytes === 0) throw new AppError('unsupported_file', 'empty file', { params: { accepted: describeKinds(requirement.acceptedTypes) } });
      await staged.commit(app.tenant_id);
      const now = isoNow(clock);
      const doc: Omit<Document, 'version' | 'superseded_at'> = {
        id: randomUUID(),
        tenant_id: app.tenant_id,
        application_id: app.id,
        requirement_code: requirement.code,
        file_name: cleanFileName(input.fileName),
        media_type: MEDIA_TYPES[kind],
        size_bytes: staged.sizeBytes,
        sha256: staged.sha256,
        uploaded_by: actor.userId,
        created_at: now,
        review_status: 'pending',
        review_reason: null,
        reviewed_by: null,
        reviewed_at: null,
      };
      let version = 0;
      await db.transaction().execute(async (trx) => {
        // Bumping the revision makes an upload racing a submission lose cleanly instead of slipping in after it.
        if (!(await updateAtRevision(trx, app.id, app.revision, { updated_at: now }))) throw new AppError('conflict', 'changed meanwhile');
        version = await insertDocumentVersion(trx, doc);
        await appendAudit(trx, {
          tenantId: app.tenant_id,
          actorId: actor.userId,
          action: 'document.uploaded',
          subjectType: 'document',
          subjectId: doc.id,
          data: { applicationId: app.id, requirement: requirement.code, sha256: staged.sha256, version },
          occurredAt: now,
        });
      });
      return { ...doc, version, superseded_at: null };
    } catch (err) {
      await staged.discard();
      throw err;
    }
  }

  /** Opens a document for download; every staff view of personal documents is audited (UU PDP). */
  async function openDocument(input: { actor: Actor; applicationId: string; documentId: string }): Promise<{ doc: Document; stream: Readable }> {
    const app = await applications.loadVisible(input.actor, input.applicationId);
    const doc = await findDocument(db, app.tenant_id, app.id, input.documentId);
    if (!doc) throw new AppError('not_found', 'no such document');
    if (isStaff(input.actor)) {
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          tenantId: app.tenant_id,
          actorId: input.actor.userId,
          action: 'document.viewed',
          subjectType: 'document',
          subjectId: doc.id,
          data: { applicationId: app.id },
          occurredAt: isoNow(clock),
        }),
      );
    }
    return { doc, stream: await storage.open(app.tenant_id, doc.sha256) };
  }

  /**
   * An officer marks the current version of a document accepted, or refused with a reason the
   * applicant will read. Only a role that has work on the file in its current state may review.
   */
  async function reviewDocument(input: {
    actor: Actor;
    applicationId: string;
    documentId: string;
    status: 'accepted' | 'refused';
    reason?: string | undefined;
  }): Promise<Document> {
    const { actor } = input;
    if (actor.role !== 'verifier' && actor.role !== 'technical') throw new AppError('forbidden', 'only verifiers and the technical team review documents');
    const app = await applications.loadVisible(actor, input.applicationId);
    const { workflow } = await catalogue.getVersion(app.permit_type_version_id);
    if (actionsFor(workflow, app.state, actor.role).length === 0) throw new AppError('invalid_state', `nothing for ${actor.role} to review in ${app.state}`);
    const doc = await findDocument(db, app.tenant_id, app.id, input.documentId);
    if (!doc) throw new AppError('not_found', 'no such document');
    if (doc.superseded_at) throw new AppError('invalid_state', 'an older version cannot be reviewed');
    const reason = input.reason?.trim() || null;
    if (input.status === 'refused' && !reason)
      throw new AppError('invalid_input', 'refusal needs a reason', {
        fields: [{ field: 'reason', code: 'required', message: 'say what is wrong so the applicant can fix it' }],
      });
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, { updated_at: now }))) throw new AppError('conflict', 'changed meanwhile');
      await trx
        .updateTable('documents')
        .set({ review_status: input.status, review_reason: input.status === 'refused' ? reason : null, reviewed_by: actor.userId, reviewed_at: now })
        .where('id', '=', doc.id)
        .execute();
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: `document.${input.status}`,
        subjectType: 'document',
        subjectId: doc.id,
        data: { applicationId: app.id },
        occurredAt: now,
      });
    });
    return (await findDocument(db, app.tenant_id, app.id, doc.id))!;
  }

  /** The technical team records the result of a field inspection (a fuller record comes with the back office). */
  async function recordInspection(input: { actor: Actor; applicationId: string; result: 'pass' | 'fail'; findings: string }): Promise<void> {
    const { actor } = input;
    if (actor.role !== 'technical') throw new AppError('forbidden', 'only the technical team records inspections');
    const app = await applications.loadVisible(actor, input.applicationId);
    const { workflow } = await catalogue.getVersion(app.permit_type_version_id);
    if (actionsFor(workflow, app.state, 'technical').length === 0) throw new AppError('invalid_state', `no inspection in state ${app.state}`);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      const ok = await updateAtRevision(trx, app.id, app.revision, {
        inspection_result: JSON.stringify({ result: input.result, findings: input.findings.trim(), by: actor.userId }),
        inspection_recorded_at: now,
        updated_at: now,
      });
      if (!ok) throw new AppError('conflict', 'changed meanwhile');
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
   * The technical team adds a photo from the field inspection (JPEG or PNG, up to 10 MB). Each photo
   * is its own document (code `inspection_photo_…`), so photos never replace one another.
   */
  async function uploadInspectionPhoto(input: {
    actor: Actor;
    applicationId: string;
    fileName: string;
    claimedType?: string | undefined;
    source: Readable;
  }): Promise<Document> {
    const { actor } = input;
    if (actor.role !== 'technical') throw new AppError('forbidden', 'only the technical team adds inspection photos');
    const app = await applications.loadVisible(actor, input.applicationId);
    const { workflow } = await catalogue.getVersion(app.permit_type_version_id);
    if (actionsFor(workflow, app.state, 'technical').length === 0) throw new AppError('invalid_state', `no inspection in state ${app.state}`);
    const accepted = ['jpeg', 'png'] as const;
    const staged = await storage.stage({ source: input.source, maxBytes: Math.min(10 * 1024 * 1024, deps.maxUploadBytes) });
    try {
      const verdict = await deps.scanner.scan(staged);
      if (!verdict.clean) throw new AppError('infected_file', `malware signature ${verdict.signature}`);
      const kind = await detectAcceptedKind({ head: staged.head, fileName: input.fileName, claimedType: input.claimedType, accepted });
      if (!kind) throw new AppError('unsupported_file', 'not a photo', { params: { accepted: describeKinds(accepted) } });
      await staged.commit(app.tenant_id);
      const now = isoNow(clock);
      const doc: Omit<Document, 'version' | 'superseded_at'> = {
        id: randomUUID(),
        tenant_id: app.tenant_id,
        application_id: app.id,
        requirement_code: `${INSPECTION_PHOTO_PREFIX}${randomUUID().slice(0, 8)}`,
        file_name: cleanFileName(input.fileName),
        media_type: MEDIA_TYPES[kind],
        size_bytes: staged.sizeBytes,
        sha256: staged.sha256,
        uploaded_by: actor.userId,
        created_at: now,
        review_status: 'accepted',
        review_reason: null,
        reviewed_by: actor.userId,
        reviewed_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await insertDocumentVersion(trx, doc);
        await appendAudit(trx, {
          tenantId: app.tenant_id,
          actorId: actor.userId,
          action: 'application.inspection_photo_added',
          subjectType: 'document',
          subjectId: doc.id,
          data: { applicationId: app.id, sha256: staged.sha256 },
          occurredAt: now,
        });
      });
      return { ...doc, version: 1, superseded_at: null };
    } catch (err) {
      await staged.discard();
      throw err;
    }
  }

  return { uploadDocument, openDocument, reviewDocument, recordInspection, uploadInspectionPhoto };
}
export type DocumentService = ReturnType<typeof createDocumentService>;
