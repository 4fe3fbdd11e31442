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

/** Places taken per slot start, with the slot's own capacity (fixed at its first booking), for one service group between two instants. */
export async function bookedPerSlot(
  db: Db,
  q: { tenantId: string; serviceCode: string; from: string; to: string },
): Promise<Map<string, { booked: number; capacity: number }>> {
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['starts_at', 'booked', 'capacity'])
    .where('tenant_id', '=', q.tenantId)
    .where('service_code', '=', q.serviceCode)
    .where('starts_at', '>=', q.from)
    .where('starts_at', '<', q.to)
    .execute();
  return new Map(rows.map((r) => [r.starts_at, { booked: Number(r.booked), capacity: Number(r.capacity) }]));
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

/**
 * Marks a booking cancelled if it is still booked in the slot the caller read (`startsAt`, whose place the
 * caller then gives back); false when it was cancelled or moved meanwhile, so no place is freed twice.
 */
export async function markCancelled(trx: Db, q: { id: string; startsAt: string; now: string }): Promise<boolean> {
  const res = await trx
    .updateTable('appointments')
    .set({ status: 'cancelled', cancelled_at: q.now })
    .where('id', '=', q.id)
    .where('status', '=', 'booked')
    .where('starts_at', '=', q.startsAt)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks a booking checked in at the office; false when it was not booked any more (cancelled, or checked in meanwhile). */
export async function markCheckedIn(db: Db, id: string, now: string): Promise<boolean> {
  const res = await db
    .updateTable('appointments')
    .set({ status: 'checked_in', checked_in_at: now })
    .where('id', '=', id)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ── WhatsApp codes (migration 0021) ─────────────────────────────────────────────────────────────────

/**
 * Records a code request for a number, at most one a minute and `perDay` in a rolling day: the row is
 * inserted, or replaced (a fresh request, no code yet, no tries used) only when the last request is older
 * than `notAfter` and the day's count allows it. True when this request counts; false otherwise (two
 * requests at once: one wins, on both dialects).
 */
export async function recordCodeRequest(
  db: Db,
  q: { tenantId: string; phone: string; now: string; notAfter: string; dayAgo: string; perDay: number; language: 'id' | 'en' },
): Promise<boolean> {
  const res = await db
    .insertInto('appointment_codes')
    .values({
      tenant_id: q.tenantId,
      phone: q.phone,
      requested_at: q.now,
      language: q.language,
      code_hash: null,
      expires_at: null,
      attempts: 0,
      used_at: null,
      day_started_at: q.now,
      day_count: 1,
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'phone'])
        .doUpdateSet((eb) => {
          const dayOver = eb('appointment_codes.day_started_at', '<=', q.dayAgo);
          return {
            requested_at: q.now,
            language: q.language,
            code_hash: null,
            expires_at: null,
            attempts: 0,
            used_at: null,
            day_started_at: eb.case().when(dayOver).then(q.now).else(eb.ref('appointment_codes.day_started_at')).end(),
            day_count: eb
              .case()
              .when(dayOver)
              .then(1)
              .else(eb('appointment_codes.day_count', '+', 1))
              .end(),
          };
        })
        .where((eb) =>
          eb.and([
            eb('appointment_codes.requested_at', '<=', q.notAfter),
            eb.or([eb('appointment_codes.day_started_at', '<=', q.dayAgo), eb('appointment_codes.day_count', '<', q.perDay)]),
          ]),
        ),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The number's code row, if any. */
export function findCodeRow(db: Db, tenantId: string, phone: string) {
  return db.selectFrom('appointment_codes').selectAll().where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
}

/** Stores the sent code's HMAC for the request it answers; false when a newer request replaced it. */
export async function storeCodeHash(
  trx: Db,
  q: { tenantId: string; phone: string; requestedAt: string; codeHash: string; expiresAt: string },
): Promise<boolean> {
  const res = await trx
    .updateTable('appointment_codes')
    .set({ code_hash: q.codeHash, expires_at: q.expiresAt })
    .where('tenant_id', '=', q.tenantId)
    .where('phone', '=', q.phone)
    .where('requested_at', '=', q.requestedAt)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Takes one try of the number's live code, atomically and on its own (a wrong try stays counted). */
export async function takeCodeAttempt(db: Db, q: { tenantId: string; phone: string; now: string; maxAttempts: number }): Promise<boolean> {
  const res = await db
    .updateTable('appointment_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('tenant_id', '=', q.tenantId)
    .where('phone', '=', q.phone)
    .where('code_hash', 'is not', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .where('attempts', '<', q.maxAttempts)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Uses the checked code up inside the booking's transaction; false when a parallel booking used it first. */
export async function useAppointmentCode(trx: Db, q: { tenantId: string; phone: string; requestedAt: string; now: string }): Promise<boolean> {
  const res = await trx
    .updateTable('appointment_codes')
    .set({ used_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('phone', '=', q.phone)
    .where('requested_at', '=', q.requestedAt)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ── Moving a booking, reminders ─────────────────────────────────────────────────────────────────────

/**
 * Moves a booking from the slot the caller read (`from`) to another (`startsAt`) if it is still booked
 * there; false when it was cancelled, checked in or moved meanwhile (the caller then rolls back the
 * places it took and freed). PostgreSQL re-checks the condition after waiting for a concurrent writer's lock.
 */
export async function moveBooking(trx: Db, q: { id: string; from: string; startsAt: string; endsAt: string }): Promise<boolean> {
  const res = await trx
    .updateTable('appointments')
    .set({ starts_at: q.startsAt, ends_at: q.endsAt, reminded_at: null })
    .where('id', '=', q.id)
    .where('status', '=', 'booked')
    .where('starts_at', '=', q.from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Bookings still booked, not yet reminded, starting in [from, to): the reminder job's candidates (index appointments_due). */
export function bookingsToRemind(db: Db, q: { tenantId: string; from: string; to: string }): Promise<Appointment[]> {
  return db
    .selectFrom('appointments')
    .selectAll()
    .where('status', '=', 'booked')
    .where('starts_at', '>=', q.from)
    .where('starts_at', '<', q.to)
    .where('tenant_id', '=', q.tenantId)
    .where('reminded_at', 'is', null)
    .orderBy('starts_at')
    .execute();
}

/** Claims a booking's reminder inside the transaction that writes it: true for exactly one of two racing runs. */
export async function markReminded(trx: Db, q: { id: string; startsAt: string; now: string }): Promise<boolean> {
  const res = await trx
    .updateTable('appointments')
    .set({ reminded_at: q.now })
    .where('id', '=', q.id)
    .where('status', '=', 'booked')
    .where('starts_at', '=', q.startsAt)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export function findAppointmentById(db: Db, id: string): Promise<Appointment | undefined> {
  return db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Replaces the office's settings (the admin's page), validated again on the way in. */
export async function saveAppointmentSettings(trx: Db, tenantId: string, settings: AppointmentSettings, now: string): Promise<void> {
  const json = JSON.stringify(appointmentSettingsSchema.parse(settings));
  await trx
    .insertInto('appointment_settings')
    .values({ tenant_id: tenantId, settings: json, updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
}

/**
 * Takes the plain booking code out of a booking-pass outbox row (topic appointments.booked), inside the
 * handler's transaction that composes the pass and marks the row done: the code then lives only in the
 * message sent, as the WhatsApp code does. A failed run rolls back with it, so a retry still has the code.
 */
export async function clearPassCode(trx: Db, outboxId: number): Promise<void> {
  const row = await trx.selectFrom('outbox').select('payload').where('id', '=', outboxId).where('topic', '=', 'appointments.booked').executeTakeFirst();
  if (!row) return;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  await trx
    .updateTable('outbox')
    .set({ payload: JSON.stringify({ ...payload, code: '' }) })
    .where('id', '=', outboxId)
    .execute();
}
