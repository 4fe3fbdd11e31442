import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The office's annual retribution revenue target (issue 12, item 7): per office and year, each value the
 * admin sets a new version (whole rupiah, who, when and why); the highest version is in force, the earlier
 * ones are the history. Amounts are bigint: a city's target (Rp 12.5 billion) does not fit a 32-bit integer.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('revenue_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('revenue_targets_version', ['tenant_id', 'year', 'version'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('revenue_targets').execute();
}
