import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The head's dashboard (issue 13, src/dashboard/): its figures are counts grouped in SQL over one office's
 * files filed, started or closed in a period, so each reads a range of one of these indexes rather than
 * the office's whole table: filed (submitted_at), started (created_at), closed (decided_at).
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('applications_tenant_submitted').on('applications').columns(['tenant_id', 'submitted_at']).execute();
  await db.schema.createIndex('applications_tenant_created').on('applications').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('applications_tenant_decided').on('applications').columns(['tenant_id', 'decided_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('applications_tenant_decided').execute();
  await db.schema.dropIndex('applications_tenant_created').execute();
  await db.schema.dropIndex('applications_tenant_submitted').execute();
}
