import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Verification per address (the security review): an account's email and WhatsApp number are each
 * proved by their own code, so changing one no longer lets the other "re-verify" it. The single
 * contact_verified_at is replaced by email_verified_at and phone_verified_at, backfilled for the
 * contacts the account had when it was verified (a changed contact cleared the old flag, so those
 * are the ones it proved). One-time codes remember the address they were sent to. And the holder of
 * a NIK hears of a registration with it at most once a day (nik_attempt_notified_at).
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('phone_verified_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('nik_attempt_notified_at', 'text').execute();
  await db.schema.alterTable('one_time_codes').addColumn('address', 'text').execute();
  await db
    .updateTable('users')
    .set({ email_verified_at: sql`contact_verified_at` })
    .where('contact_verified_at', 'is not', null)
    .where('email', 'is not', null)
    .execute();
  await db
    .updateTable('users')
    .set({ phone_verified_at: sql`contact_verified_at` })
    .where('contact_verified_at', 'is not', null)
    .where('phone', 'is not', null)
    .execute();
  await db.schema.alterTable('users').dropColumn('contact_verified_at').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('users').addColumn('contact_verified_at', 'text').execute();
  await db
    .updateTable('users')
    .set({ contact_verified_at: sql`coalesce(email_verified_at, phone_verified_at)` })
    .execute();
  await db.schema.alterTable('one_time_codes').dropColumn('address').execute();
  await db.schema.alterTable('users').dropColumn('nik_attempt_notified_at').execute();
  await db.schema.alterTable('users').dropColumn('phone_verified_at').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
