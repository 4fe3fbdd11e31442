import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Issued permits (signed, with their PDF's hash), signed receipts, renewals and officers' positions. */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('permits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('permit_type_id', 'text', (c) => c.notNull())
    .addColumn('permit_code', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('verification_code', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('business_name', 'text')
    .addColumn('public_registry', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('pdf_size', 'integer', (c) => c.notNull())
    .addColumn('applied_at', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revocation_reason', 'text')
    .addColumn('supersedes_id', 'text')
    .addColumn('superseded_at', 'text')
    .addColumn('superseded_by_id', 'text')
    .addColumn('reminder_sent_at', 'text')
    .addUniqueConstraint('permits_tenant_number', ['tenant_id', 'number'])
    .execute();
  await db.schema.createIndex('permits_application').on('permits').columns(['application_id']).execute();
  await db.schema.createIndex('permits_pdf').on('permits').columns(['pdf_sha256']).execute();
  await db.schema.createIndex('permits_registry').on('permits').columns(['tenant_id', 'issued_on']).execute();
  await db.schema.createIndex('permits_expiry').on('permits').columns(['status', 'valid_until']).execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('verification_code', 'text', (c) => c.notNull().unique())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // One receipt of each kind per file: a retried action cannot issue a second.
    .addUniqueConstraint('receipts_application_kind', ['application_id', 'kind'])
    .execute();

  await db.schema.alterTable('applications').addColumn('renews_permit_id', 'text').execute();
  // At most one open renewal per permit, even when the holder presses "renew" twice at once.
  await db.schema
    .createIndex('applications_open_renewal')
    .on('applications')
    .column('renews_permit_id')
    .unique()
    .where(sql.ref('renews_permit_id'), 'is not', null)
    .where(sql.ref('decided_at'), 'is', null)
    .execute();
  await db.schema.alterTable('users').addColumn('position', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('users').dropColumn('position').execute();
  await db.schema.dropIndex('applications_open_renewal').execute();
  await db.schema.alterTable('applications').dropColumn('renews_permit_id').execute();
  await db.schema.dropTable('receipts').execute();
  await db.schema.dropTable('permits').execute();
}
