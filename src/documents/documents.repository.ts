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
