import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Message delivery behind the outbox. A notification row becomes a delivery: what it is (kind and
 * params, rendered per language and channel), to whom along which channels (route), and where it
 * stands (status, attempts, lease, the provider's message id). Rows written before this migration
 * were only ever shown in the built-in mailbox: they keep their text and become status 'mailbox'.
 * Accounts get a message language and a preferred channel; offices a channel fallback order.
 */
export async function up(db: Db): Promise<void> {
  const notifications = () => db.schema.alterTable('notifications');
  await notifications()
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('legacy'))
    .execute();
  await notifications()
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await notifications()
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('id'))
    .execute();
  await notifications()
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('mailbox'))
    .execute();
  await notifications().addColumn('application_id', 'text').execute();
  await notifications()
    .addColumn('route', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await notifications()
    .addColumn('route_step', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await notifications()
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await notifications()
    .addColumn('channel_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await notifications()
    .addColumn('resends', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await notifications().addColumn('available_at', 'text').execute();
  await notifications().addColumn('locked_by', 'text').execute();
  await notifications().addColumn('locked_until', 'text').execute();
  await notifications().addColumn('provider_message_id', 'text').execute();
  await notifications().addColumn('last_error', 'text').execute();
  await notifications().addColumn('sent_at', 'text').execute();
  await notifications().addColumn('status_at', 'text').execute();
  await db.schema.createIndex('notifications_due').on('notifications').columns(['status', 'available_at']).execute();
  await db.schema.createIndex('notifications_provider_id').on('notifications').column('provider_message_id').execute();
  await db.schema.createIndex('notifications_application').on('notifications').columns(['tenant_id', 'application_id']).execute();

  await db.schema.alterTable('users').addColumn('message_language', 'text').execute();
  await db.schema.alterTable('users').addColumn('message_channel', 'text').execute();
  await db.schema.alterTable('tenants').addColumn('channel_order', 'text').execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('channel_order').execute();
  await db.schema.alterTable('users').dropColumn('message_channel').execute();
  await db.schema.alterTable('users').dropColumn('message_language').execute();
  for (const index of ['notifications_application', 'notifications_provider_id', 'notifications_due']) await db.schema.dropIndex(index).execute();
  for (const column of [
    'status_at',
    'sent_at',
    'last_error',
    'provider_message_id',
    'locked_until',
    'locked_by',
    'available_at',
    'resends',
    'channel_attempts',
    'attempts',
    'route_step',
    'route',
    'application_id',
    'status',
    'language',
    'params',
    'kind',
  ]) {
    await db.schema.alterTable('notifications').dropColumn(column).execute();
  }
}
