import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/** Each office's own holiday calendar (national holidays, cuti bersama), editable by its admin. */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('holidays')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('decree', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('holidays_pk', ['tenant_id', 'date'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('holidays').execute();
}
