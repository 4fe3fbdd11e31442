import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Several instances on one database (issue 15, item 3): one row per cache that more than one instance
 * keeps in memory ('holidays', 'tenants'). A change bumps its row's generation in the same transaction as
 * the change itself; every instance reads the table about once a second and drops a cache whose
 * generation moved (src/cache/cache-generations.ts). Plain rows and an integer, so SQLite and
 * PostgreSQL do the same thing.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('cache_generations')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('cache_generations').execute();
}
