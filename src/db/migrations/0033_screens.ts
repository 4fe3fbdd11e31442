import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The videotron and kiosk mode (issue 13, item 4): one playlist per office. `screen_playlists` says the
 * office has one (so a playlist the admin emptied stays empty, and the default is made only once);
 * `screen_slides` holds its slides in `position` order: a kind ('how_to_apply' with a permit type
 * code, 'digital_take_up', 'now_serving', 'announcement' with its text in both languages), how many
 * seconds it stays (5–120) and whether it is shown.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('screen_playlists')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('screen_slides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('permit_code', 'text')
    .addColumn('text_id', 'text')
    .addColumn('text_en', 'text')
    .addColumn('duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('screen_slides_tenant_position').on('screen_slides').columns(['tenant_id', 'position']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('screen_slides').execute();
  await db.schema.dropTable('screen_playlists').execute();
}
