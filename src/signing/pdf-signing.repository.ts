import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

/** The PDF-signing root and office certificates: every query of PDF signing lives here. */

export type PdfRootRow = Database['pdf_signing_roots'];
export type PdfCertificateRow = Database['pdf_signing_certificates'];

export async function findRoot(db: Kysely<Database>): Promise<PdfRootRow | undefined> {
  return db.selectFrom('pdf_signing_roots').selectAll().where('purpose', '=', 'pdf-root').executeTakeFirst();
}

export async function insertRoot(db: Kysely<Database>, row: PdfRootRow): Promise<void> {
  await db.insertInto('pdf_signing_roots').values(row).execute();
}

/** The office's newest certificate that is not retired. */
export async function findCurrentCertificate(db: Kysely<Database>, tenantId: string): Promise<PdfCertificateRow | undefined> {
  return db
    .selectFrom('pdf_signing_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertCertificate(db: Kysely<Database>, row: PdfCertificateRow): Promise<void> {
  await db.insertInto('pdf_signing_certificates').values(row).execute();
}

export async function retireActiveCertificates(trx: Kysely<Database>, tenantId: string, at: string): Promise<string[]> {
  const active = await trx.selectFrom('pdf_signing_certificates').select('id').where('tenant_id', '=', tenantId).where('retired_at', 'is', null).execute();
  if (active.length) {
    await trx.updateTable('pdf_signing_certificates').set({ retired_at: at }).where('tenant_id', '=', tenantId).where('retired_at', 'is', null).execute();
  }
  return active.map((r) => r.id);
}

/** Every certificate of the office, the current one first, then newest first, without the private half. */
export async function listCertificates(
  db: Kysely<Database>,
  tenantId: string,
): Promise<Pick<PdfCertificateRow, 'id' | 'subject' | 'serial' | 'certificate_pem' | 'created_at' | 'not_after' | 'retired_at'>[]> {
  return db
    .selectFrom('pdf_signing_certificates')
    .select(['id', 'subject', 'serial', 'certificate_pem', 'created_at', 'not_after', 'retired_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy(sql`case when retired_at is null then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The office's name and place, for a new certificate's subject. */
export async function findOfficeName(db: Kysely<Database>, tenantId: string): Promise<{ name: string; code: string } | undefined> {
  return db.selectFrom('tenants').select(['name', 'code']).where('id', '=', tenantId).executeTakeFirst();
}
