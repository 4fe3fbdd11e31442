import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Delivery statuses that arrive before Izol has recorded the provider's id of the message they are
 * about (Meta can report `failed` faster than the send's own answer is written): kept for a day and
 * applied when the id is recorded, so a quick failure still falls back or lands on the dead letters.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('early_provider_statuses')
    .addColumn('provider_message_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('early_provider_statuses').execute();
}
