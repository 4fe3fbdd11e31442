import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Courier parcels (issue 11, src/parcels/): every parcel the office receives (papers sent by courier)
 * or sends (the permit, returned papers), with the courier company, tracking number, who and when, the
 * contents checklist against the permit type's requirements (JSON), and the application it belongs to
 * once linked; and the photos taken of a parcel, kept as stored files (by sha256, the documents storage).
 * A courier's tracking number is logged once per direction: unique on the office, direction, company
 * (lower-cased) and tracking number (upper-cased, without spaces).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('parcels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('company', 'text', (c) => c.notNull())
    .addColumn('company_key', 'text', (c) => c.notNull())
    .addColumn('tracking_number', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text')
    .addColumn('sender_contact', 'text')
    .addColumn('contents', 'text')
    .addColumn('permit_type_code', 'text')
    .addColumn('checklist', 'text')
    .addColumn('note', 'text')
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('officer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'text')
    .addColumn('linked_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('parcels_tracking_unique', ['tenant_id', 'direction', 'company_key', 'tracking_number'])
    .execute();
  await db.schema.createIndex('parcels_day').on('parcels').columns(['tenant_id', 'direction', 'at']).execute();
  await db.schema.createIndex('parcels_application').on('parcels').columns(['tenant_id', 'application_id']).execute();
  await db.schema
    .createTable('parcel_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('parcel_id', 'text', (c) => c.notNull().references('parcels.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('parcel_photos_parcel').on('parcel_photos').columns(['parcel_id', 'created_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('parcel_photos').execute();
  await db.schema.dropTable('parcels').execute();
}
