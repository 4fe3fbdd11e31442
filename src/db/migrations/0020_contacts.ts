import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Channel history (issue 11): one row per contact a citizen had with the office, whatever the door (a
 * help request, a booking, a queue ticket, a parcel, an application), written in the transaction of the
 * contact itself. A row names the person by account when known, and by the normalised WhatsApp number or
 * email they gave, so a visit made before the citizen had an account joins their history later.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_user').on('contacts').columns(['tenant_id', 'user_id', 'at']).execute();
  await db.schema.createIndex('contacts_phone').on('contacts').columns(['tenant_id', 'phone', 'at']).execute();
  await db.schema.createIndex('contacts_email').on('contacts').columns(['tenant_id', 'email', 'at']).execute();
  await db.schema.createIndex('contacts_ref').on('contacts').columns(['tenant_id', 'kind', 'ref_id']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('contacts').execute();
}
