import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Appointments, second step (issue 11): the WhatsApp number of a booker without a verified account is
 * checked by a code (one row per office and number: the latest request, its code's HMAC, expiry and
 * tries; one request a minute and five a day per number by a conditional upsert); a booking remembers its channel
 * (online or the front desk), the officer who booked it, its language (for the reminder), when it was
 * reminded (the reminder job's conditional update: once, even with two instances) and checked in.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('appointment_codes')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'text')
    .addColumn('day_started_at', 'text', (c) => c.notNull())
    .addColumn('day_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('appointment_codes_pk', ['tenant_id', 'phone'])
    .execute();
  await db.schema
    .alterTable('appointments')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('online'))
    .execute();
  await db.schema.alterTable('appointments').addColumn('booked_by', 'text').execute();
  await db.schema
    .alterTable('appointments')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('id'))
    .execute();
  await db.schema.alterTable('appointments').addColumn('reminded_at', 'text').execute();
  await db.schema.alterTable('appointments').addColumn('checked_in_at', 'text').execute();
  await db.schema.createIndex('appointments_due').on('appointments').columns(['status', 'starts_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('appointments_due').execute();
  for (const column of ['checked_in_at', 'reminded_at', 'language', 'booked_by', 'channel']) {
    await db.schema.alterTable('appointments').dropColumn(column).execute();
  }
  await db.schema.dropTable('appointment_codes').execute();
}
