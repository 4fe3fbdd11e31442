import type { Kysely } from 'kysely';
import { nextSequenceValue } from '../applications/applications.repository.js';
import type { Appointment, AppointmentsTable, Database } from '../db/schema.js';
import { type AppointmentSettings, appointmentSettingsSchema } from './appointments.schemas.js';

type Db = Kysely<Database>;

/** The office's settings, validated; null when none are stored. */
export async function findAppointmentSettings(db: Db, tenantId: string): Promise<AppointmentSettings | null> {
  const row = await db.selectFrom('appointment_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? appointmentSettingsSchema.parse(JSON.parse(row.settings)) : null;
}

/** Stores settings only if the office has none (safe at every start, and beside another instance). */
export async function insertAppointmentSettingsIfMissing(db: Db, tenantId: string, settings: AppointmentSettings, now: string): Promise<boolean> {
  const res = await db
    .insertInto('appointment_settings')
    .values({ tenant_id: tenantId, settings: JSON.stringify(appointmentSettingsSchema.parse(settings)), updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Places taken per slot start, for one service group between two instants. */
export async function bookedPerSlot(db: Db, q: { tenantId: string; serviceCode: string; from: string; to: string }): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['starts_at', 'booked'])
    .where('tenant_id', '=', q.tenantId)
    .where('service_code', '=', q.serviceCode)
    .where('starts_at', '>=', q.from)
    .where('starts_at', '<', q.to)
    .execute();
  return new Map(rows.map((r) => [r.starts_at, Number(r.booked)]));
}

/**
 * Takes one place in the slot inside the caller's transaction: the counter row is made if missing,
 * then incremented only while below capacity. One row changed: the place is the caller's; none: full.
 * PostgreSQL re-checks the condition on the row after waiting for its lock; SQLite writes one at a time.
 */
export async function takePlace(trx: Db, slot: { tenantId: string; serviceCode: string; startsAt: string; capacity: number }): Promise<boolean> {
  await trx
    .insertInto('appointment_slots')
    .values({ tenant_id: slot.tenantId, service_code: slot.serviceCode, starts_at: slot.startsAt, capacity: slot.capacity, booked: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'service_code', 'starts_at']).doNothing())
    .execute();
  const res = await trx
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '+', 1) }))
    .where('tenant_id', '=', slot.tenantId)
    .where('service_code', '=', slot.serviceCode)
    .where('starts_at', '=', slot.startsAt)
    .whereRef('booked', '<', 'capacity')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Gives one place back (a cancelled booking), inside the caller's transaction. */
export async function releasePlace(trx: Db, slot: { tenantId: string; serviceCode: string; startsAt: string }): Promise<void> {
  await trx
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '-', 1) }))
    .where('tenant_id', '=', slot.tenantId)
    .where('service_code', '=', slot.serviceCode)
    .where('starts_at', '=', slot.startsAt)
    .where('booked', '>', 0)
    .execute();
}

/** The next booking number's counter for the office and slot date (no gaps, no duplicates). */
export function nextAppointmentSequence(trx: Db, tenantId: string, ymd: string): Promise<number> {
  return nextSequenceValue(trx, tenantId, `appointment:${ymd}`);
}

export async function insertAppointment(trx: Db, row: AppointmentsTable): Promise<void> {
  await trx.insertInto('appointments').values(row).execute();
}

export async function findAppointmentByNumber(db: Db, tenantId: string, number: string): Promise<Appointment | undefined> {
  return db.selectFrom('appointments').selectAll().where('tenant_id', '=', tenantId).where('number', '=', number).executeTakeFirst();
}

/** Marks a booking cancelled; false when it was not booked any more (cancelled meanwhile). */
export async function markCancelled(trx: Db, id: string, now: string): Promise<boolean> {
  const res = await trx
    .updateTable('appointments')
    .set({ status: 'cancelled', cancelled_at: now })
    .where('id', '=', id)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks a booking checked in at the office; false when it was not booked any more (cancelled, or checked in meanwhile). */
export async function markCheckedIn(db: Db, id: string): Promise<boolean> {
  const res = await db.updateTable('appointments').set({ status: 'checked_in' }).where('id', '=', id).where('status', '=', 'booked').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
