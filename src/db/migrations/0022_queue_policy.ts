import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Queue, second step (issue 11): each office's queue settings (validated JSON: the counters and the
 * service groups each serves, the priority policy, the closing time, the booked visitors' grace period),
 * and on each ticket what the policy and the estimates need: priority, the booking's slot start, the
 * number it had before a transfer, the wait promised at issue, and the door it came through; on each
 * day's counter row the run of priority calls.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('queue_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('queue_tickets')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('queue_tickets').addColumn('slot_start', 'text').execute();
  await db.schema.alterTable('queue_tickets').addColumn('transferred_from', 'text').execute();
  await db.schema.alterTable('queue_tickets').addColumn('promised_wait_minutes', 'integer').execute();
  await db.schema.alterTable('queue_tickets').addColumn('channel', 'text').execute();
  // The run of priority calls per service group and day, guarded in the call's transaction (at most N in a row).
  await db.schema
    .alterTable('queue_counters')
    .addColumn('priority_run', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('queue_tickets_day').on('queue_tickets').columns(['tenant_id', 'day', 'status']).execute();
  await db.schema.createIndex('queue_tickets_recent').on('queue_tickets').columns(['tenant_id', 'service_code', 'status', 'updated_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropIndex('queue_tickets_recent').execute();
  await db.schema.dropIndex('queue_tickets_day').execute();
  for (const c of ['channel', 'promised_wait_minutes', 'transferred_from', 'slot_start', 'priority']) {
    await db.schema.alterTable('queue_tickets').dropColumn(c).execute();
  }
  await db.schema.alterTable('queue_counters').dropColumn('priority_run').execute();
  await db.schema.dropTable('queue_settings').execute();
}
