import type { Kysely } from 'kysely';
import type { Database, Document } from '../db/schema.js';

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

/** What an application's documents take up: all kept versions' bytes, and the kept versions of one requirement. */
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

/** True while some row still points at the file: a document of any application, or a permit's PDF. */
export async function isFileReferenced(db: Kysely<Database>, tenantId: string, sha256: string): Promise<boolean> {
  const [doc, permit] = await Promise.all([
    db.selectFrom('documents').select('id').where('tenant_id', '=', tenantId).where('sha256', '=', sha256).limit(1).executeTakeFirst(),
    db.selectFrom('permits').select('id').where('tenant_id', '=', tenantId).where('pdf_sha256', '=', sha256).limit(1).executeTakeFirst(),
  ]);
  return doc !== undefined || permit !== undefined;
}

/** True when the requirement already has a current version (a new upload replaces it). */
export async function hasCurrentVersion(db: Kysely<Database>, q: { tenantId: string; applicationId: string; requirementCode: string }): Promise<boolean> {
  const row = await db
    .selectFrom('documents')
    .select('id')
    .where('tenant_id', '=', q.tenantId)
    .where('application_id', '=', q.applicationId)
    .where('requirement_code', '=', q.requirementCode)
    .where('superseded_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
