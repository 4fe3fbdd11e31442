import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * SNAP (issue 12): the B2B access tokens Izol gave a bank (only the token's SHA-256 is kept, so the
 * table gives no token away) and the X-EXTERNAL-IDs a bank used, once per partner and day: the
 * primary key refuses a replay however many arrive at once (a unique constraint, not a check).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('snap_access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('snap_access_tokens_expiry').on('snap_access_tokens').columns(['tenant_id', 'expires_at']).execute();
  await db.schema
    .createTable('snap_external_ids')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snap_external_ids_once', ['tenant_id', 'partner_id', 'day', 'external_id'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('snap_external_ids').execute();
  await db.schema.dropTable('snap_access_tokens').execute();
}
