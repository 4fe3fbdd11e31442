import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** When the account last asked for a one-time code: one code a minute per account, from any address. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('users').addColumn('code_requested_at', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('users').dropColumn('code_requested_at').execute();
}
