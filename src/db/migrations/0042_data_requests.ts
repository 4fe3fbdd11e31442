import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Data subjects' requests (UU PDP 27/2022, LAW-5; src/data-rights/): a correction request (what is wrong,
 * what it should be, the office's answer) or an erasure (what was erased and what was kept, and why).
 * One row per request, kept after the account is erased: the office must be able to show it answered.
 * The reference is what the citizen quotes (KOR-…, HPS-…), unique per office. The texts stay out of the
 * audit chain (which can never be erased); the chain records only the reference, kind and outcome.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('data_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('current_value', 'text')
    .addColumn('requested_value', 'text')
    .addColumn('details', 'text')
    .addColumn('resolution', 'text')
    .addColumn('resolved_by', 'text', (c) => c.references('users.id'))
    .addColumn('resolved_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('data_requests_reference', ['tenant_id', 'reference'])
    .execute();
  await db.schema.createIndex('data_requests_open').on('data_requests').columns(['tenant_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('data_requests_user').on('data_requests').columns(['tenant_id', 'user_id', 'created_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('data_requests').execute();
}
