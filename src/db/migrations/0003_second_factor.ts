import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Officers' second factor (TOTP) and sessions that wait for it. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_secret_encrypted', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('mfa_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('mfa_pending').execute();
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
  await db.schema.alterTable('users').dropColumn('totp_enabled_at').execute();
  await db.schema.alterTable('users').dropColumn('totp_secret_encrypted').execute();
}
