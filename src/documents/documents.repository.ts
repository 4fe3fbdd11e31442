import type { Kysely } from 'kysely';
import type { Database, Document } from '../db/schema.js';
import { INSPECTION_PHOTO_PREFIX } from '../inspections/inspections.repository.js';

/** The current version of each requirement's document (earlier versions are kept, superseded). */
export async function currentDocuments(db: Kysely<Database>, tenantId: string, applicationId: string): Promise<Document[]> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .where('superseded_at', 'is', null)
    .orderBy('requirement_code')
    .execute();
}

export async function findDocument(db: Kysely<Database>, tenantId: string, applicationId: string, documentId: string): Promise<Document | undefined> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .where('id', '=', documentId)
    .executeTakeFirst();
}

/** Adds a new version for a requirement and marks the previous one superseded. */
export async function insertDocumentVersion(trx: Kysely<Database>, doc: Omit<Document, 'version' | 'superseded_at'>): Promise<number> {
  const previous = await trx
    .selectFrom('documents')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('application_id', '=', doc.application_id)
    .where('requirement_code', '=', doc.requirement_code)
    .executeTakeFirst();
  const version = Number(previous?.v ?? 0) + 1;
  await trx
    .updateTable('documents')
    .set({ superseded_at: doc.created_at })
    .where('application_id', '=', doc.application_id)
    .where('requirement_code', '=', doc.requirement_code)
    .where('superseded_at', 'is', null)
    .execute();
  await trx
    .insertInto('documents')
    .values({ ...doc, version, superseded_at: null })
    .execute();
  return version;
}

/** Records an officer's verdict on one document version. */
export async function setDocumentReview(
  trx: Kysely<Database>,
  documentId: string,
  review: { status: 'accepted' | 'refused'; reason: string | null; reviewerId: string; at: string },
): Promise<void> {
  await trx
    .updateTable('documents')
    .set({ review_status: review.status, review_reason: review.reason, reviewed_by: review.reviewerId, reviewed_at: review.at })
    .where('id', '=', documentId)
    .execute();
}

/**
 * What the applicant's documents of an application take up: all kept versions' bytes, and the kept
 * versions of one requirement. The technical team's inspection photos are the office's own and are
 * left out, so an inspector's photos never use up the room the applicant's correction needs.
 */
export async function storedUse(
  db: Kysely<Database>,
  q: { tenantId: string; applicationId: string; requirementCode: string },
): Promise<{ bytes: number; versions: number }> {
  const row = await db
    .selectFrom('documents')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('size_bytes'), eb.lit(0)).as('bytes'),
      eb.fn.sum<number>(eb.case().when('requirement_code', '=', q.requirementCode).then(1).else(0).end()).as('versions'),
    ])
    .where('tenant_id', '=', q.tenantId)
    .where('application_id', '=', q.applicationId)
    // A prefix test without LIKE, whose '_' is a wildcard and whose escaping differs between the dialects.
    .where((eb) => eb(eb.fn('substr', ['requirement_code', eb.lit(1), eb.lit(INSPECTION_PHOTO_PREFIX.length)]), '<>', INSPECTION_PHOTO_PREFIX))
    .executeTakeFirstOrThrow();
  return { bytes: Number(row.bytes), versions: Number(row.versions ?? 0) };
}

/**
 * Removes the superseded versions of one requirement's document (a draft's: nothing was filed with
 * them, so they are no evidence) and returns them, so the caller can delete files no row needs.
 */
export async function deleteSupersededVersions(
  trx: Kysely<Database>,
  q: { tenantId: string; applicationId: string; requirementCode: string },
): Promise<{ id: string; sha256: string; version: number; size_bytes: number }[]> {
  return trx
    .deleteFrom('documents')
    .where('tenant_id', '=', q.tenantId)
    .where('application_id', '=', q.applicationId)
    .where('requirement_code', '=', q.requirementCode)
    .where('superseded_at', 'is not', null)
    .returning(['id', 'sha256', 'version', 'size_bytes'])
    .execute();
}

/**
 * What one account's uploads to never-filed applications (drafts, including withdrawn ones, whose
 * files are kept too) take up, leaving out the current version of one requirement (the one a new
 * upload is about to replace).
 */
export async function draftBytesOf(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; replacing: { applicationId: string; requirementCode: string } },
): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .innerJoin('applications', 'applications.id', 'documents.application_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('documents.size_bytes'), eb.lit(0)).as('bytes'))
    .where('documents.tenant_id', '=', q.tenantId)
    .where('documents.uploaded_by', '=', q.userId)
    .where('applications.submitted_at', 'is', null)
    .where((eb) =>
      eb.not(eb.and([eb('documents.application_id', '=', q.replacing.applicationId), eb('documents.requirement_code', '=', q.replacing.requirementCode)])),
    )
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}

/**
 * The files of draft versions pruned in [from, to) (their audit rows, document.pruned, keep the hash):
 * what the file sweep looks at. Distinct per office and hash.
 */
export async function prunedFilesBetween(db: Kysely<Database>, q: { from: string; to: string }): Promise<{ tenantId: string; sha256: string }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['tenant_id', 'data'])
    .where('action', '=', 'document.pruned')
    .where('occurred_at', '>=', q.from)
    .where('occurred_at', '<', q.to)
    .execute();
  const seen = new Map<string, { tenantId: string; sha256: string }>();
  for (const r of rows) {
    const sha256 = (JSON.parse(r.data) as { sha256?: unknown }).sha256;
    if (typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256)) seen.set(`${r.tenant_id}/${sha256}`, { tenantId: r.tenant_id, sha256 });
  }
  return [...seen.values()];
}

/** True while some row still points at the file: a document of any application, a permit's PDF, or a parcel's photo. */
export async function isFileReferenced(db: Kysely<Database>, tenantId: string, sha256: string): Promise<boolean> {
  const [doc, permit, parcelPhoto] = await Promise.all([
    db.selectFrom('documents').select('id').where('tenant_id', '=', tenantId).where('sha256', '=', sha256).limit(1).executeTakeFirst(),
    db.selectFrom('permits').select('id').where('tenant_id', '=', tenantId).where('pdf_sha256', '=', sha256).limit(1).executeTakeFirst(),
    // A courier parcel's photo (src/parcels/) keeps its file too.
    db.selectFrom('parcel_photos').select('id').where('tenant_id', '=', tenantId).where('sha256', '=', sha256).limit(1).executeTakeFirst(),
  ]);
  return doc !== undefined || permit !== undefined || parcelPhoto !== undefined;
}
