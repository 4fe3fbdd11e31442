import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The PBG retribution coefficients as versioned data (issue 12, item 1): per office and filing year, each
 * save a new version (the year's coefficients as JSON, validated by src/fees/retribution.schema.ts; who,
 * when and why), seeded from seed-data/retribution.json. The fee assessment records the version it used
 * for the application (application_fee_coefficients), so a later edit changes the next assessment and not an earlier one.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('retribution_coefficients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('coefficients', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('retribution_coefficients_version', ['tenant_id', 'year', 'version'])
    .execute();
  // Which coefficient version the treasurer's fee assessment of a PBG file used (none: assessed before 0026, or not PBG).
  await db.schema
    .createTable('application_fee_coefficients')
    .addColumn('application_id', 'text', (c) => c.primaryKey().references('applications.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('coefficients_id', 'text', (c) => c.notNull().references('retribution_coefficients.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('application_fee_coefficients').execute();
  await db.schema.dropTable('retribution_coefficients').execute();
}
