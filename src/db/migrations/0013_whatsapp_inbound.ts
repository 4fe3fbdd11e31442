import type { Kysely } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Messages citizens send to the office's WhatsApp number. Each is stored once by Meta's message id
 * (wamid, unique: Meta delivers a webhook more than once); its reply is an outbox row written in the
 * same transaction. Texts that are no command stay `open` for the help desk.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('whatsapp_inbound')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('wamid', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('command', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reply_queued', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('whatsapp_inbound_wamid', ['wamid'])
    .execute();
  // The help desk's list (open messages of an office, oldest first) and the per-sender reply limit.
  await db.schema.createIndex('whatsapp_inbound_status').on('whatsapp_inbound').columns(['tenant_id', 'status', 'received_at']).execute();
  await db.schema.createIndex('whatsapp_inbound_sender').on('whatsapp_inbound').columns(['tenant_id', 'sender', 'received_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('whatsapp_inbound').execute();
}
