import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** One row per overdue alert sent, so a file is reported once per stay in a state, across instances. */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('sla_alerts')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('state_entered_at', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_alerts_pk', ['application_id', 'state_entered_at'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('sla_alerts').execute();
}
