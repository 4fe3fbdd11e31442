import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Foreign residents (issue 16, item 5): a KITAS or KITAP holder has no NIK and registers with a
 * passport number and the stay permit's number instead. users.identity_kind says which an account
 * gave ('nik', every account so far, or 'kitas'); the two numbers are stored encrypted like the NIK
 * (AES-256-GCM with the data key, never shown in full), the nationality as typed. There is no blind
 * index or unique constraint on them: like a claimed NIK, a number typed by someone else must not
 * lock its holder out, and the office checks the documents themselves at the counter.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('identity_kind', 'text', (c) => c.notNull().defaultTo('nik'))
    .execute();
  await db.schema.alterTable('users').addColumn('passport_encrypted', 'text').execute();
  await db.schema.alterTable('users').addColumn('stay_permit_encrypted', 'text').execute();
  await db.schema.alterTable('users').addColumn('nationality', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('users').dropColumn('nationality').execute();
  await db.schema.alterTable('users').dropColumn('stay_permit_encrypted').execute();
  await db.schema.alterTable('users').dropColumn('passport_encrypted').execute();
  await db.schema.alterTable('users').dropColumn('identity_kind').execute();
}
