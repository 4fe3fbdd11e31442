import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Actor } from '../access/actor.js';
import { updateAtRevision } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { FileKind } from '../catalogue/catalogue.schema.js';
import type { Db } from '../db/database.js';
import type { Application, Document } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { deleteSupersededVersions, draftBytesOf, insertDocumentVersion, storedUse } from './documents.repository.js';
import { cleanFileName, describeKinds, detectAcceptedKind, findPolyglot, MEDIA_TYPES } from './file-kinds.js';
import { isImageKind, looksLikePicture, PHOTO_REDUCTION, pictureSize, reducedFileName, reducePhoto } from './photos.js';
import type { VirusScanner } from './scanner.js';
import type { FileStorage, StagedFile } from './storage.js';

export type UploadDeps = { db: Db; clock: Clock; storage: FileStorage; scanner: VirusScanner };

/**
 * What one application may keep of the applicant's documents (inspection photos are not counted).
 * While the file is a draft (never filed), a new version replaces the old one outright: the superseded
 * version's row goes (the audit row, document.pruned, keeps its hash), since nobody ever judged it;
 * its file is left to the sweep (file-sweep.job.ts), never deleted here, because an upload of the same
 * bytes to another application may have just found it in storage and be about to point a row at it.
 * From the first filing on every version is evidence and is kept, up to `maxVersions` per requirement.
 * `maxAccountDraftBytes`: what the uploading account's drafts may hold in all (see draftBytesOf).
 */
export type UploadQuota = { maxVersions: number; maxApplicationBytes: number; pruneSuperseded: boolean; maxAccountDraftBytes?: number };

const toMb = (bytes: number) => Math.round(bytes / 1048576);

function quotaError(quota: UploadQuota): AppError {
  return new AppError('upload_quota_exceeded', 'the application holds as many documents as it may', {
    params: { versions: quota.maxVersions, maxMb: toMb(quota.maxApplicationBytes) },
  });
}

function draftsFullError(maxBytes: number): AppError {
  return new AppError('draft_uploads_full', "the account's drafts hold as much as they may", { params: { maxMb: toMb(maxBytes) } });
}

function tooLargeError(maxBytes: number, why: string): AppError {
  return new AppError('file_too_large', why, { params: { maxMb: Math.round((maxBytes / 1048576) * 10) / 10 } });
}

/**
 * The upload as it arrives, with its bytes kept in `chunks` for the picture checks (bounded by
 * `rawLimit`, the most the staging takes). A file past `maxBytes` goes on only while it is a JPEG or
 * PNG (its first bytes say so) that may be reduced: a PDF past the limit is refused there and then,
 * before the rest is read, as before. A file the multipart parser cuts at the office-wide limit
 * ('limit', then `truncated`) is refused at that moment too, instead of once the parser has read the
 * rest of the body to the part's end (http/multipart.ts then closes the connection rather than read on).
 */
function collecting(source: Readable, opts: { maxBytes: number; rawLimit: number; chunks: Buffer[] }): Readable {
  const { maxBytes, rawLimit, chunks } = opts;
  const cut = () => tooLargeError(maxBytes, 'upload cut at the multipart limit');
  async function* pass() {
    let size = 0;
    let picture: boolean | null = null;
    for await (const chunk of source) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      chunks.push(buf);
      if (picture === null && size >= 8) picture = looksLikePicture(Buffer.concat(chunks).subarray(0, 8));
      if (size > maxBytes && (!picture || size > rawLimit)) throw tooLargeError(maxBytes, 'upload exceeds the limit');
      if ((source as { truncated?: boolean }).truncated) throw cut();
      yield buf;
    }
  }
  const out = Readable.from(pass(), { objectMode: false });
  source.once('limit', () => out.destroy(cut()));
  return out;
}

/**
 * The one way a received file becomes a document, for the applicant's uploads and the technical
 * team's inspection photos alike: streamed to a staged file (size limit enforced while reading) →
 * scanned (an infected file is refused and the attempt audited) → judged by magic bytes against the
 * accepted kinds, the name and the claimed type → a picture's header checked for its pixel count; a
 * camera photo over maxBytes (within photoMaxBytes) reduced (photos.ts), and the reduced copy staged,
 * scanned and judged by its magic bytes in turn, since it is what is kept (its size within maxBytes,
 * else too large) → kept by content hash → one transaction that bumps
 * the application's revision (so an upload racing a submission loses cleanly instead of slipping in
 * after it), adds the version and writes the audit row. The staged file is discarded on any failure.
 * The caller has already authorised the upload.
 */
export async function keepUpload(
  deps: UploadDeps,
  input: {
    actor: Actor;
    app: Application;
    requirementCode: string;
    accepted: readonly FileKind[];
    maxBytes: number;
    /**
     * A JPEG or PNG over maxBytes but within this many bytes is reduced (photos.ts) and the reduced copy
     * kept, when it fits maxBytes; unset: no reduction, every file within maxBytes (inspection photos).
     */
    photoMaxBytes?: number | null | undefined;
    fileName: string;
    claimedType?: string | undefined;
    source: Readable;
    /** An officer's own file (an inspection photo) needs no review; an applicant's waits for one. */
    reviewedBy: string | null;
    audit: {
      action: string;
      /** `reducedFrom`: the upload the stored file was reduced from (a camera photo over the limit). */
      data: (stored: { sha256: string; version: number; reducedFrom?: { sha256: string; sizeBytes: number } }) => Record<string, unknown>;
    };
    /** The applicant's documents: what one application may keep, and whether superseded versions go (a draft's). */
    quota?: UploadQuota;
  },
): Promise<Document> {
  const { db, clock } = deps;
  const { actor, app, accepted, quota } = input;
  const use = { tenantId: app.tenant_id, applicationId: app.id, requirementCode: input.requirementCode };
  // Refused before a byte is read when the versions are used up already (checked again in the transaction).
  if (quota && !quota.pruneSuperseded && (await storedUse(db, use)).versions >= quota.maxVersions) throw quotaError(quota);
  const draftCap = quota?.pruneSuperseded ? quota.maxAccountDraftBytes : undefined;
  const draftBytes = () => draftBytesOf(db, { tenantId: app.tenant_id, userId: actor.userId, replacing: use });
  // The account's drafts are full already: refused before a byte is read (and again once the size is known).
  if (draftCap !== undefined && (await draftBytes()) >= draftCap) throw draftsFullError(draftCap);
  const { maxBytes } = input;
  // Pictures are held in memory too (at most rawLimit) for their header check and the reduction.
  const pictures = accepted.some(isImageKind);
  const rawLimit = pictures ? Math.max(maxBytes, input.photoMaxBytes ?? 0) : maxBytes;
  const chunks: Buffer[] = [];
  const source = pictures ? collecting(input.source, { maxBytes, rawLimit, chunks }) : input.source;
  let staged = await deps.storage.stage({ source, maxBytes: rawLimit });
  let fileName = input.fileName;
  let claimedType = input.claimedType;
  let reducedFrom: { sha256: string; sizeBytes: number } | undefined;
  try {
    // The multipart parser stops a file at the office-wide limit and ends its stream quietly, marked
    // `truncated`: when that limit is also this file's, the stream brought exactly maxBytes, and would
    // have been kept cut short. Such a file is too large, like one the staging refused.
    if ((input.source as { truncated?: boolean }).truncated) throw tooLargeError(maxBytes, 'upload cut at the multipart limit');
    await refuseIfInfected(deps, { actor, app, requirementCode: input.requirementCode, staged });
    let kind = await detectAcceptedKind({ head: staged.head, fileName, claimedType, accepted });
    if (!kind) throw new AppError('unsupported_file', 'content does not match an accepted kind', { params: { accepted: describeKinds(accepted) } });
    if (staged.sizeBytes === 0) throw new AppError('unsupported_file', 'empty file', { params: { accepted: describeKinds(accepted) } });
    const polyglot = await findPolyglot(staged.open());
    if (polyglot) throw new AppError('unsupported_file', `polyglot: ${polyglot}`, { params: { accepted: describeKinds(accepted) } });
    const bytes = isImageKind(kind) ? Buffer.concat(chunks) : null;
    chunks.length = 0;
    if (bytes && isImageKind(kind)) {
      // Read from the header, before anything is decoded: a picture with more pixels than any phone takes is refused.
      const size = await pictureSize(bytes);
      if (size && size.width * size.height > PHOTO_REDUCTION.maxPixels) {
        throw new AppError('image_too_large', `picture of ${size.width} x ${size.height} pixels`, {
          params: { width: size.width, height: size.height, maxMp: PHOTO_REDUCTION.maxPixels / 1_000_000 },
        });
      }
      if (staged.sizeBytes > maxBytes) {
        // A camera photo over the limit: the reduced copy is what is judged and kept, or it is too large.
        const reduced = await reducePhoto(bytes, kind, accepted, maxBytes);
        if (!reduced || reduced.bytes.length > maxBytes) throw tooLargeError(maxBytes, 'photo too large even reduced');
        reducedFrom = { sha256: staged.sha256, sizeBytes: staged.sizeBytes };
        await staged.discard();
        staged = await deps.storage.stage({ source: Readable.from([reduced.bytes]), maxBytes });
        fileName = reducedFileName(fileName, kind, reduced.kind);
        claimedType = MEDIA_TYPES[reduced.kind];
        await refuseIfInfected(deps, { actor, app, requirementCode: input.requirementCode, staged });
        kind = await detectAcceptedKind({ head: staged.head, fileName, claimedType, accepted });
        if (!kind) throw new AppError('unsupported_file', 'reduced photo is not an accepted kind', { params: { accepted: describeKinds(accepted) } });
      }
    }
    if (quota && !quota.pruneSuperseded && (await storedUse(db, use)).bytes + staged.sizeBytes > quota.maxApplicationBytes) throw quotaError(quota);

    if (draftCap !== undefined && (await draftBytes()) + staged.sizeBytes > draftCap) throw draftsFullError(draftCap);
    const now = isoNow(clock);
    // Dated now, also when the same bytes are kept already: the sweep leaves a file used this recently.
    await staged.commit(app.tenant_id, clock.now());
    const doc: Omit<Document, 'version' | 'superseded_at'> = {
      id: randomUUID(),
      tenant_id: app.tenant_id,
      application_id: app.id,
      requirement_code: input.requirementCode,
      file_name: cleanFileName(fileName),
      media_type: MEDIA_TYPES[kind],
      size_bytes: staged.sizeBytes,
      sha256: staged.sha256,
      uploaded_by: actor.userId,
      created_at: now,
      review_status: input.reviewedBy ? 'accepted' : 'pending',
      review_reason: null,
      reviewed_by: input.reviewedBy,
      reviewed_at: input.reviewedBy ? now : null,
    };
    const version = await db.transaction().execute(async (trx) => {
      if (!(await updateAtRevision(trx, app.id, app.revision, { updated_at: now }))) throw new AppError('conflict', 'changed meanwhile');
      // The revision bump serialises uploads to one application, so these counts cannot be raced.
      if (quota && !quota.pruneSuperseded && (await storedUse(trx, use)).versions >= quota.maxVersions) throw quotaError(quota);
      const v = await insertDocumentVersion(trx, doc);
      if (quota?.pruneSuperseded) {
        const gone = await deleteSupersededVersions(trx, use);
        for (const g of gone)
          await appendAudit(trx, {
            tenantId: app.tenant_id,
            actorId: actor.userId,
            action: 'document.pruned',
            subjectType: 'document',
            subjectId: g.id,
            data: { applicationId: app.id, requirement: input.requirementCode, version: g.version, sha256: g.sha256, sizeBytes: g.size_bytes },
            occurredAt: now,
          });
      }
      if (quota && (await storedUse(trx, use)).bytes > quota.maxApplicationBytes) throw quotaError(quota);
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: input.audit.action,
        subjectType: 'document',
        subjectId: doc.id,
        data: input.audit.data({ sha256: staged.sha256, version: v, ...(reducedFrom ? { reducedFrom } : {}) }),
        occurredAt: now,
      });
      return v;
    });
    return { ...doc, version, superseded_at: null };
  } catch (err) {
    await staged.discard();
    throw err;
  }
}

/** The virus scan of a staged file: an infected one is refused and the attempt audited. */
async function refuseIfInfected(deps: UploadDeps, input: { actor: Actor; app: Application; requirementCode: string; staged: StagedFile }): Promise<void> {
  const { actor, app, staged } = input;
  const verdict = await deps.scanner.scan(staged);
  if (verdict.clean) return;
  await deps.db.transaction().execute((trx) =>
    appendAudit(trx, {
      tenantId: app.tenant_id,
      actorId: actor.userId,
      action: 'document.quarantined',
      subjectType: 'application',
      subjectId: app.id,
      data: { requirement: input.requirementCode, signature: verdict.signature, sha256: staged.sha256 },
      occurredAt: isoNow(deps.clock),
    }),
  );
  throw new AppError('infected_file', `malware signature ${verdict.signature}`);
}
