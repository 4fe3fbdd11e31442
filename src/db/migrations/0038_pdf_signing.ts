import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * PDF signing (issue 14 item 4, PAdES): the deployment's root CA, made once (purpose 'pdf-root' is
 * unique, so two instances starting together keep one), and each office's document-signing
 * certificates issued by it, current and retired. Private halves encrypted with the data key like
 * signing_keys (0008).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('pdf_signing_roots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pdf_signing_roots_purpose', ['purpose'])
    .execute();
  await db.schema
    .createTable('pdf_signing_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('root_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema.createIndex('pdf_signing_certificates_tenant').on('pdf_signing_certificates').columns(['tenant_id', 'created_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('pdf_signing_certificates').execute();
  await db.schema.dropTable('pdf_signing_roots').execute();
}
