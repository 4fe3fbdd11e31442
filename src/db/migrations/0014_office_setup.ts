import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Setting up a real office (npm run office:create): which catalogue release each office adopted
 * from the seed files (null: none yet, so the next start installs the files' release), and the
 * one-time set-up links its first admin opens (only a hash of the token is kept).
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('catalogue_release', 'integer').execute();
  await db.schema
    .createTable('setup_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addUniqueConstraint('setup_links_token_hash', ['token_hash'])
    .execute();
  await db.schema.createIndex('setup_links_user').on('setup_links').columns(['tenant_id', 'user_id']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('setup_links').execute();
  await db.schema.alterTable('tenants').dropColumn('catalogue_release').execute();
}
