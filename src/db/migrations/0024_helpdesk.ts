import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * The help desk (issue 11, item 5): help requests from every door (WhatsApp, Instagram, Facebook, phone,
 * email, the portal's form) with their status, assignee and first-response due date (3 working days on the
 * office's calendar); their thread (what the citizen wrote, the office's replies, internal notes); and the
 * claim links that hand an assisted draft to the citizen's account (only the token's SHA-256 is kept).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('help_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('applicant_id', 'text', (c) => c.references('users.id'))
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('permit_code', 'text')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('first_response_due_on', 'text', (c) => c.notNull())
    .addColumn('first_response_at', 'text')
    .addColumn('last_inbound_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('help_requests_queue').on('help_requests').columns(['tenant_id', 'status', 'first_response_due_on']).execute();
  await db.schema.createIndex('help_requests_handle').on('help_requests').columns(['tenant_id', 'channel', 'handle', 'status']).execute();
  // One open WhatsApp request per sender: two messages arriving at once join one request (the second insert does nothing).
  await db.schema
    .createIndex('help_requests_open_whatsapp')
    .on('help_requests')
    .columns(['tenant_id', 'handle'])
    .unique()
    .where(sql.ref('channel'), '=', sql.lit('whatsapp'))
    .where(sql.ref('status'), '<>', sql.lit('closed'))
    .execute();
  await db.schema
    .createTable('help_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('request_id', 'text', (c) => c.notNull().references('help_requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id'))
    .addColumn('delivery', 'text')
    .addColumn('inbound_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('help_messages_request').on('help_messages').columns(['request_id', 'at']).execute();
  await db.schema
    .createTable('claim_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('request_id', 'text', (c) => c.references('help_requests.id'))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('claim_links').execute();
  await db.schema.dropTable('help_messages').execute();
  await db.schema.dropTable('help_requests').execute();
}
