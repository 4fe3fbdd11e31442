import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Case work: notes (internal, or messages to the applicant), who holds a file, the planned site visit. */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('application_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('author_role', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('application_notes_application').on('application_notes').columns(['application_id', 'created_at']).execute();
  await db.schema.alterTable('applications').addColumn('assigned_to', 'text').execute();
  await db.schema.alterTable('applications').addColumn('inspection_scheduled_for', 'text').execute();
  await db.schema.alterTable('applications').addColumn('inspection_officer_id', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('inspection_officer_id').execute();
  await db.schema.alterTable('applications').dropColumn('inspection_scheduled_for').execute();
  await db.schema.alterTable('applications').dropColumn('assigned_to').execute();
  await db.schema.dropTable('application_notes').execute();
}
