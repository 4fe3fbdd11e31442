import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Queue (issue 11): at most one ticket per booking and day, kept by a partial unique index on
 * queue_tickets (tenant_id, appointment_number, day) where a booking is linked: two check-ins of one
 * pass at the same moment give one ticket (the second insert fails and re-reads the first). A booking
 * that already got two tickets before this keeps its earliest linked; the later ones stay in the queue
 * (their visitors may hold them) without the link.
 *
 * And the devices enrolled as the office's kiosk (queue_kiosks): anonymous tickets come only from one.
 * A device holds a random token (its cookie, or the API's X-Kiosk-Token header); only its SHA-256 is
 * stored, so the table gives no token away; an admin removes a device by marking it revoked.
 */
export async function up(db: Db): Promise<void> {
  await sql`UPDATE queue_tickets SET appointment_number = NULL
    WHERE appointment_number IS NOT NULL AND EXISTS (
      SELECT 1 FROM queue_tickets o
      WHERE o.tenant_id = queue_tickets.tenant_id AND o.appointment_number = queue_tickets.appointment_number AND o.day = queue_tickets.day
        AND (o.issued_at < queue_tickets.issued_at OR (o.issued_at = queue_tickets.issued_at AND o.id < queue_tickets.id)))`.execute(db);
  await db.schema
    .createIndex('queue_tickets_booking_day')
    .on('queue_tickets')
    .columns(['tenant_id', 'appointment_number', 'day'])
    .unique()
    .where(sql.ref('appointment_number'), 'is not', sql.lit(null))
    .execute();
  await db.schema
    .createTable('queue_kiosks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('enrolled_by', 'text', (c) => c.references('users.id'))
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('queue_kiosks_tenant').on('queue_kiosks').columns(['tenant_id', 'revoked_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('queue_kiosks').execute();
  await db.schema.dropIndex('queue_tickets_booking_day').execute();
}
