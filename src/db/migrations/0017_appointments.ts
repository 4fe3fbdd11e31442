import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

/**
 * Appointments, first step (issue 11): each office's booking settings (service groups, opening hours,
 * slot length, capacity per slot) as validated JSON; one counter row per service group and slot start,
 * whose conditional increment enforces the capacity; and the bookings themselves.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('appointment_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('appointment_slots')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('appointment_slots_pk', ['tenant_id', 'service_code', 'starts_at'])
    .addCheckConstraint('appointment_slots_within_capacity', sql`booked >= 0 AND booked <= capacity`)
    .execute();
  await db.schema
    .createTable('appointments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('permit_type_code', 'text')
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addUniqueConstraint('appointments_number_unique', ['tenant_id', 'number'])
    .execute();
  await db.schema.createIndex('appointments_slot').on('appointments').columns(['tenant_id', 'service_code', 'starts_at']).execute();
}

export async function down(db: Db): Promise<void> {
  await db.schema.dropTable('appointments').execute();
  await db.schema.dropTable('appointment_slots').execute();
  await db.schema.dropTable('appointment_settings').execute();
}
