import type { Readable } from 'node:stream';
import { memoryWindowCounter, type WindowCounter } from '../http/shared-store.js';
import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findApplication, updateAtRevision } from '../applications/applications.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Application, Document } from '../db/schema.js';
import { appendAudit } from '../audit/audit.repository.js';
import { AppError } from '../shared/errors.js';
import { isoNow } from '../shared/time.js';
import { findDocument, setDocumentReview } from './documents.repository.js';
import { photoMaxBytes } from './photos.js';
import { keepUpload, type UploadDeps } from './uploads.js';

/**
 * Limits on uploads (the security review found 15 versions, 28.5 MB, stored in a quarter of a second;
 * its second pass, a script filling many drafts with first versions):
 * - every upload counts against the uploading account, `uploadsPerAccountPerMinute` a minute (counted
 *   in this process before a byte is read, like the routes' own rate limits; a citizen filling in even
 *   the longest form uploads well under 30 files). The front desk scans papers for one citizen after
 *   another, so its officers get `frontDeskUploadsPerMinute` (staff accounts, second factor, every
 *   upload audited);
 * - what one account's drafts (never-filed applications, withdrawn ones too, since their files are
 *   kept) may hold in all: `maxDraftBytesPerAccount` (about three complete PBG drafts at every
 *   requirement's largest size; 409 draft_uploads_full, before a byte is read when full already). The
 *   front desk holds the walk-in files it has open at once, until it files them: `maxFrontDeskDraftBytes`.
 *   A filed application is the office's file and no longer counts;
 * - what one application may keep (see UploadQuota): versions per requirement and bytes in all.
 */
export const UPLOAD_LIMITS = {
  uploadsPerAccountPerMinute: 30,
  frontDeskUploadsPerMinute: 120,
  maxDraftBytesPerAccount: 250 * 1024 * 1024,
  maxFrontDeskDraftBytes: 2048 * 1024 * 1024,
  maxVersionsPerRequirement: 10,
  maxApplicationBytes: 100 * 1024 * 1024,
} as const;
export type UploadLimits = { -readonly [K in keyof typeof UPLOAD_LIMITS]: number };

export type DocumentDeps = UploadDeps & {
  catalogue: CatalogueService;
  maxUploadBytes: number;
  limits?: Partial<UploadLimits>;
  /** Where the uploads a minute are counted: shared by every instance (services.ts), this process's memory by default. */
  uploadCounter?: WindowCounter;
};

export function createDocumentService(deps: DocumentDeps) {
  const { db, clock, storage, catalogue } = deps;
  const limits: UploadLimits = { ...UPLOAD_LIMITS, ...deps.limits };
  const counter = deps.uploadCounter ?? memoryWindowCounter();

  /** Takes one of the account's uploads of this minute, or refuses with 429 before the file is read. */
  async function takeUploadSlot(actor: Actor): Promise<void> {
    const perMinute = actor.role === 'front_desk' ? limits.frontDeskUploadsPerMinute : limits.uploadsPerAccountPerMinute;
    const taken = await counter.take({ key: `uploads:${actor.userId}`, limit: perMinute, windowMs: 60_000, now: clock.now().getTime() });
    if (!taken.allowed) {
      throw new AppError('too_many_attempts', 'too many uploads this minute', { params: { minutes: 1 }, retryAfterSeconds: taken.retryAfterSeconds });
    }
  }

  /** The application with what the access policy judges it on; not found when it is not in the actor's office. */
  async function load(actor: Actor, applicationId: string) {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    const { definition, workflow } = await catalogue.getVersion(app.permit_type_version_id);
    return { app, definition, workflow, resource: { application: app, workflow, definition } };
  }

  /**
   * Receives one file for one requirement, streamed (see keepUpload). A new upload for the same
   * requirement becomes the current version; earlier versions are kept once the file was filed, and
   * pruned while it is a draft. Within UPLOAD_LIMITS: uploads a minute per account, draft bytes per account.
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
    const { app, definition, resource } = await load(actor, input.applicationId);
    requireAccess({ actor, permission: 'application.edit', resource });
    const requirement = definition.requirements.find((r) => r.code === input.requirementCode);
    if (!requirement) throw new AppError('not_found', `no requirement ${input.requirementCode}`);
    await takeUploadSlot(actor);
    return keepUpload(deps, {
      actor,
      app,
      requirementCode: requirement.code,
      accepted: requirement.acceptedTypes,
      maxBytes: Math.min(Math.round(requirement.maxSizeMb * 1024 * 1024), deps.maxUploadBytes),
      // A camera photo over maxSizeMb, up to this, is reduced and the reduced copy kept (photos.ts).
      photoMaxBytes: photoMaxBytes(requirement, deps.maxUploadBytes),
      fileName: input.fileName,
      claimedType: input.claimedType,
      source: input.source,
      reviewedBy: null,
      // A draft (never filed) keeps only its current versions; a filed one keeps every version as evidence.
      quota: {
        maxVersions: limits.maxVersionsPerRequirement,
        maxApplicationBytes: limits.maxApplicationBytes,
        pruneSuperseded: app.submitted_at === null,
        maxAccountDraftBytes: actor.role === 'front_desk' ? limits.maxFrontDeskDraftBytes : limits.maxDraftBytesPerAccount,
      },
      audit: {
        action: 'document.uploaded',
        data: ({ sha256, version, reducedFrom }) => ({
          applicationId: app.id,
          requirement: requirement.code,
          sha256,
          version,
          ...(reducedFrom ? { reducedFrom } : {}),
        }),
      },
    });
  }

  /** Opens a document for download; every staff view of personal documents is audited (UU PDP). */
  async function openDocument(input: { actor: Actor; applicationId: string; documentId: string }): Promise<{ doc: Document; stream: Readable }> {
    const { actor } = input;
    const { app, resource } = await load(actor, input.applicationId);
    requireAccess({ actor, permission: 'application.read', resource });
    const doc = await findDocument(db, app.tenant_id, app.id, input.documentId);
    if (!doc) throw new AppError('not_found', 'no such document');
    if (can(actor, 'document.openAudited', resource)) await auditView(actor, app, doc);
    return { doc, stream: await storage.open(app.tenant_id, doc.sha256) };
  }

  async function auditView(actor: Actor, app: Application, doc: Document): Promise<void> {
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: 'document.viewed',
        subjectType: 'document',
        subjectId: doc.id,
        data: { applicationId: app.id },
        occurredAt: isoNow(clock),
      }),
    );
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
    const { app, resource } = await load(actor, input.applicationId);
    requireAccess({ actor, permission: 'document.review', resource });
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
      await setDocumentReview(trx, doc.id, { status: input.status, reason: input.status === 'refused' ? reason : null, reviewerId: actor.userId, at: now });
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

  return { uploadDocument, openDocument, reviewDocument };
}
export type DocumentService = ReturnType<typeof createDocumentService>;
