import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Queue, first step (issue 11): one counter row per office, service group and office-local day, whose
 * increment in the ticket's transaction numbers the tickets (A-001, A-002 … no gaps, never twice); the
 * tickets with their status; and one timestamped event row per action on a ticket.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('queue_counters')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('queue_counters_pk', ['tenant_id', 'service_code', 'day'])
    .execute();
  await db.schema
    .createTable('queue_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('appointment_number', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counter', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('called_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('queue_tickets_seq_unique', ['tenant_id', 'service_code', 'day', 'seq'])
    .execute();
  await db.schema.createIndex('queue_tickets_status').on('queue_tickets').columns(['tenant_id', 'service_code', 'day', 'status', 'seq']).execute();
  await db.schema
    .createTable('queue_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('queue_tickets.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('counter', 'text')
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('queue_events_ticket').on('queue_events').columns(['ticket_id', 'at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('queue_events').execute();
  await db.schema.dropTable('queue_tickets').execute();
  await db.schema.dropTable('queue_counters').execute();
}
