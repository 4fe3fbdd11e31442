import { randomUUID } from 'node:crypto';
import { requireAccess, systemActor } from '../access/access.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Actor } from '../access/actor.js';
import { findUserById } from '../auth/users.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { recordContact } from '../contacts/contacts.repository.js';
import type { Db } from '../db/database.js';
import type { Appointment, Tenant } from '../db/schema.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { readableCode, sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import { normalisePhone } from '../shared/identifiers.js';
import type { Lang } from '../shared/messages.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { listTenants } from '../tenants/tenants.repository.js';
import { addDays, addMinutes, type Clock, isoNow, localDate, todayIn, zonedInstant } from '../shared/time.js';
import { formatTime } from './appointments.format.js';
import { APPOINTMENT_CODE_POLICY, appointmentCodeHash } from './appointments.handlers.js';
import {
  bookedPerSlot,
  bookingsToRemind,
  findAppointmentByNumber,
  findAppointmentSettings,
  findCodeRow,
  insertAppointment,
  insertAppointmentSettingsIfMissing,
  markCancelled,
  markCheckedIn,
  markReminded,
  moveBooking,
  nextAppointmentSequence,
  recordCodeRequest,
  releasePlace,
  saveAppointmentSettings,
  takeCodeAttempt,
  takePlace,
  useAppointmentCode,
} from './appointments.repository.js';
import { type AppointmentSettings, appointmentSettingsSchema, DEFAULT_APPOINTMENT_SETTINGS, WEEKDAYS } from './appointments.schemas.js';

export type Slot = { start: string; end: string; capacity: number; free: number };

/** The office-local time from which the day-before reminders go out. */
export const REMINDERS_FROM = '07:00';

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const fromMinutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The slot starts (UTC ISO) of the office's opening hours on the given local dates: none at the
 * weekend (unless the office opens then), on a holiday, or at or before `now`.
 */
export function slotStarts(input: { settings: AppointmentSettings; timeZone: string; dates: string[]; holidays: ReadonlySet<string>; now: string }): string[] {
  const out: string[] = [];
  for (const ymd of input.dates) {
    if (input.holidays.has(ymd)) continue;
    const day = WEEKDAYS[new Date(`${ymd}T00:00:00Z`).getUTCDay()]!;
    for (const interval of input.settings.hours[day] ?? []) {
      const end = toMinutes(interval.to);
      for (let m = toMinutes(interval.from); m + input.settings.slotMinutes <= end; m += input.settings.slotMinutes) {
        const start = zonedInstant(ymd, fromMinutes(m), input.timeZone);
        if (start > input.now) out.push(start);
      }
    }
  }
  return out;
}

/**
 * Appointments, first step (issue 11): each office's service groups and hours, the free slots, and
 * booking and cancelling with or without an account. The capacity is the database's to enforce
 * (appointments.repository.ts takePlace). Citizens act anonymously with the booking code, so these
 * operations need no permission; an officer booking for a caller comes with a later step.
 */
export function createAppointmentService(deps: { db: Db; clock: Clock; holidays: HolidayService; catalogue: CatalogueService; dataKey: Buffer }) {
  const { db, clock } = deps;

  async function settingsFor(tenantId: string): Promise<AppointmentSettings> {
    return (await findAppointmentSettings(db, tenantId)) ?? DEFAULT_APPOINTMENT_SETTINGS;
  }

  /** Gives the office the default settings if it has none (ensureOffice); never over the office's own. */
  async function seedDefaults(tenantId: string): Promise<boolean> {
    return insertAppointmentSettingsIfMissing(db, tenantId, DEFAULT_APPOINTMENT_SETTINGS, isoNow(clock));
  }

  function serviceOf(settings: AppointmentSettings, code: string, lang: Lang) {
    const service = settings.services.find((s) => s.code === code.toUpperCase());
    if (!service) {
      throw new AppError('invalid_input', `unknown service group ${code}`, {
        fields: [{ field: 'service', code: 'invalid_option', message: `Choose one of ${settings.services.map((s) => s.code).join(', ')}` }],
      });
    }
    return { code: service.code, name: service.name[lang] };
  }

  async function listSlots(input: { tenant: Tenant; service: string; from: string; days: number; lang: Lang }) {
    const settings = await settingsFor(input.tenant.id);
    const service = serviceOf(settings, input.service, input.lang);
    const dates = Array.from({ length: input.days }, (_, i) => addDays(input.from, i));
    const holidays = await deps.holidays.forTenant(input.tenant.id);
    const starts = slotStarts({ settings, timeZone: input.tenant.time_zone, dates, holidays, now: isoNow(clock) });
    const booked = starts.length
      ? await bookedPerSlot(db, { tenantId: input.tenant.id, serviceCode: service.code, from: starts[0]!, to: addMinutes(starts.at(-1)!, 1) })
      : new Map<string, { booked: number; capacity: number }>();
    // A slot someone booked keeps the capacity it was booked with (decision 32); the others follow the settings.
    const slots: Slot[] = starts.map((start) => {
      const row = booked.get(start);
      const capacity = row?.capacity ?? settings.capacity;
      return { start, end: addMinutes(start, settings.slotMinutes), capacity, free: Math.max(0, capacity - (row?.booked ?? 0)) };
    });
    return { service, timeZone: input.tenant.time_zone, slots };
  }

  const unavailable = (why: string) => new AppError('slot_unavailable', why);
  const codeWrong = (why: string, code = 'appointment_code_wrong') =>
    new AppError('appointment_code_wrong', why, { fields: [{ field: 'code', code, message: 'Enter the 6-digit code we sent to your WhatsApp' }] });

  function phoneOf(whatsapp: string): string {
    const phone = normalisePhone(whatsapp);
    if (!phone) {
      throw new AppError('invalid_input', 'not a mobile number', {
        fields: [{ field: 'whatsapp', code: 'invalid_phone', message: 'Enter a real mobile number' }],
      });
    }
    return phone;
  }

  /** A slot start the office offers (not begun, open, not a holiday, a whole slot), as a UTC ISO instant. */
  async function offeredStart(tenant: Tenant, settings: AppointmentSettings, at: string): Promise<string> {
    const start = new Date(Date.parse(at)).toISOString();
    const now = isoNow(clock);
    if (start <= now) throw unavailable('the slot has begun or is over');
    const ymd = localDate(start, tenant.time_zone);
    const offered = slotStarts({ settings, timeZone: tenant.time_zone, dates: [ymd], holidays: await deps.holidays.forTenant(tenant.id), now });
    if (!offered.includes(start)) throw unavailable('no such slot: closed, a holiday, or not a slot start');
    return start;
  }

  /**
   * Sends a 6-digit code to the WhatsApp number a booker gave (through the outbox: the handler makes the
   * code). One request a minute and five a day per number (429 with the time to wait); a new request
   * replaces the number's earlier code.
   */
  async function requestCode(input: { tenant: Tenant; whatsapp: string; lang: Lang }): Promise<{ phone: string; minutes: number }> {
    const phone = phoneOf(input.whatsapp);
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      const notAfter = new Date(Date.parse(now) - APPOINTMENT_CODE_POLICY.cooldownSeconds * 1000).toISOString();
      const dayAgo = new Date(Date.parse(now) - 86_400_000).toISOString();
      const counted = await recordCodeRequest(trx, {
        tenantId: input.tenant.id,
        phone,
        now,
        notAfter,
        dayAgo,
        perDay: APPOINTMENT_CODE_POLICY.perDay,
        language: input.lang,
      });
      if (!counted) {
        const row = await findCodeRow(trx, input.tenant.id, phone);
        const dayFull = row !== undefined && row.day_started_at > dayAgo && Number(row.day_count) >= APPOINTMENT_CODE_POLICY.perDay;
        const waitSeconds = dayFull
          ? Math.ceil((Date.parse(row.day_started_at) + 86_400_000 - Date.parse(now)) / 1000)
          : APPOINTMENT_CODE_POLICY.cooldownSeconds;
        throw new AppError(
          'too_many_attempts',
          dayFull ? 'five codes went to this number in the last day' : 'a code was sent to this number less than a minute ago',
          {
            params: { minutes: Math.ceil(waitSeconds / 60) },
            retryAfterSeconds: waitSeconds,
          },
        );
      }
      await enqueue(trx, { tenantId: input.tenant.id, message: { topic: 'appointments.code', phone, requestedAt: now }, now });
    });
    return { phone, minutes: APPOINTMENT_CODE_POLICY.lifetimeMinutes };
  }

  /**
   * Checks a booker's code, counting the try first and on its own (a wrong try stays counted when the
   * booking is refused); returns the request it answers, for useAppointmentCode in the booking's transaction.
   */
  async function checkCode(tenantId: string, phone: string, code: string | undefined): Promise<string> {
    if (!code?.trim()) throw codeWrong('no WhatsApp code given', 'appointment_code_missing');
    const now = isoNow(clock);
    const row = await findCodeRow(db, tenantId, phone);
    if (!row?.code_hash || !(await takeCodeAttempt(db, { tenantId, phone, now, maxAttempts: APPOINTMENT_CODE_POLICY.maxAttempts }))) {
      throw codeWrong('no live code for this number, or its tries are used up');
    }
    if (appointmentCodeHash(deps.dataKey, { tenantId, phone, requestedAt: row.requested_at }, code) !== row.code_hash) throw codeWrong('wrong code');
    return row.requested_at;
  }

  /**
   * Who books, and whether the number needs its code: the front desk and the admin book for a caller
   * (`appointment.bookFor`, no code), other staff may not; an applicant whose account number is verified
   * and is the number given needs none; everyone else proves the number with the code.
   */
  async function booker(tenant: Tenant, actor: Actor | null, phone: string): Promise<{ channel: 'online' | 'front_desk'; needsCode: boolean }> {
    if (actor && actor.role !== 'applicant') {
      requireAccess({ actor, permission: 'appointment.bookFor', resource: { tenantId: tenant.id } });
      return { channel: 'front_desk', needsCode: false };
    }
    if (actor) {
      const user = await findUserById(db, tenant.id, actor.userId);
      if (user?.phone_verified_at && user.phone === phone) return { channel: 'online', needsCode: false };
    }
    return { channel: 'online', needsCode: true };
  }

  /**
   * The citizen's booking pages book as the citizen: a signed-in applicant is themselves, anyone else
   * (an officer trying the portal) books as a visitor would, with the code.
   */
  const asCitizen = (actor: Actor | null): Actor | null => (actor?.role === 'applicant' ? actor : null);

  /** Whether the citizen's booking needs no WhatsApp code: their account's verified number is the one given. */
  async function numberProven(input: { tenant: Tenant; actor: Actor | null; whatsapp: string }): Promise<boolean> {
    const actor = asCitizen(input.actor);
    const phone = normalisePhone(input.whatsapp);
    if (!actor || !phone) return false;
    return !(await booker(input.tenant, actor, phone)).needsCode;
  }

  async function book(input: {
    tenant: Tenant;
    actor: Actor | null;
    /** The portal's pages: book as the citizen (asCitizen), whoever is signed in. */
    viaPortal?: boolean;
    service: string;
    start: string;
    name: string;
    whatsapp: string;
    permitTypeCode?: string | undefined;
    code?: string | undefined;
    lang: Lang;
  }) {
    const phone = phoneOf(input.whatsapp);
    const who = await booker(input.tenant, input.viaPortal ? asCitizen(input.actor) : input.actor, phone);
    const settings = await settingsFor(input.tenant.id);
    const service = serviceOf(settings, input.service, input.lang);
    if (input.permitTypeCode) {
      try {
        await deps.catalogue.getPermitType({ tenantId: input.tenant.id, code: input.permitTypeCode });
      } catch {
        throw new AppError('invalid_input', 'unknown permit type', {
          fields: [{ field: 'permitTypeCode', code: 'invalid_option', message: 'Choose one of the permit types' }],
        });
      }
    }
    const start = await offeredStart(input.tenant, settings, input.start);
    const ymd = localDate(start, input.tenant.time_zone);
    const codeRequest = who.needsCode ? await checkCode(input.tenant.id, phone, input.code) : null;
    const now = isoNow(clock);
    const code = readableCode(8);
    const row = await db.transaction().execute(async (trx) => {
      const taken = await takePlace(trx, { tenantId: input.tenant.id, serviceCode: service.code, startsAt: start, capacity: settings.capacity });
      if (!taken) throw new AppError('slot_full', 'no free place left in the slot');
      // After the place: a full slot rolls back with the code unused, so the booker can pick another time with it.
      if (codeRequest && !(await useAppointmentCode(trx, { tenantId: input.tenant.id, phone, requestedAt: codeRequest, now }))) {
        throw codeWrong('the code was used by another booking meanwhile');
      }
      const seq = await nextAppointmentSequence(trx, input.tenant.id, ymd);
      const appointment: Appointment = {
        id: randomUUID(),
        tenant_id: input.tenant.id,
        number: `${input.tenant.code}-APT-${ymd.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`,
        service_code: service.code,
        starts_at: start,
        ends_at: addMinutes(start, settings.slotMinutes),
        name: input.name,
        phone,
        permit_type_code: input.permitTypeCode ?? null,
        user_id: input.actor?.role === 'applicant' ? input.actor.userId : null,
        code_hash: sha256Hex(code),
        status: 'booked',
        created_at: now,
        cancelled_at: null,
        channel: who.channel,
        booked_by: who.channel === 'front_desk' ? (input.actor?.userId ?? null) : null,
        language: input.lang,
        reminded_at: null,
        checked_in_at: null,
      };
      await insertAppointment(trx, appointment);
      await recordContact(trx, {
        tenantId: input.tenant.id,
        userId: appointment.user_id,
        phone,
        kind: 'booking',
        channel: who.channel,
        refId: appointment.id,
        label: appointment.number,
        at: now,
      });
      await enqueue(trx, { tenantId: input.tenant.id, message: { topic: 'appointments.booked', appointmentId: appointment.id, code }, now });
      return appointment;
    });
    return { appointment: row, service, code };
  }

  /** The booking, for whoever holds its code; a wrong code is the same 404 as an unknown number. */
  async function find(input: { tenant: Tenant; number: string; code: string }): Promise<Appointment> {
    const row = await findAppointmentByNumber(db, input.tenant.id, input.number);
    if (!row || row.code_hash !== sha256Hex(input.code.trim().toUpperCase())) throw new AppError('not_found', 'no such booking, or the code does not fit');
    return row;
  }

  async function get(input: { tenant: Tenant; number: string; code: string; lang: Lang }) {
    const row = await find(input);
    // A service group the office removed since keeps its code as its name.
    const service = (await settingsFor(input.tenant.id)).services.find((s) => s.code === row.service_code);
    return { appointment: row, service: { code: row.service_code, name: service?.name[input.lang] ?? row.service_code } };
  }

  const changedMeanwhile = () =>
    new AppError('invalid_state', 'the booking was moved or cancelled at the same moment: look it up again', {
      fields: [{ field: 'number', code: 'booking_changed', message: 'The booking was moved or cancelled at the same moment: look it up again' }],
    });

  /** Cancels a booking and gives its place back, in one transaction. */
  async function cancel(input: { tenant: Tenant; number: string; code: string; lang: Lang }) {
    const row = await find(input);
    if (row.status !== 'booked') throw new AppError('invalid_state', `the booking is ${row.status}, not booked`);
    const now = isoNow(clock);
    if (row.starts_at <= now) throw new AppError('invalid_state', 'the slot has begun or is over');
    await db.transaction().execute(async (trx) => {
      // Only if it is still booked where it was read: a move or cancel at the same moment wins, and the place it left is not freed twice.
      if (!(await markCancelled(trx, { id: row.id, startsAt: row.starts_at, now }))) throw changedMeanwhile();
      await releasePlace(trx, { tenantId: row.tenant_id, serviceCode: row.service_code, startsAt: row.starts_at });
    });
    return get(input);
  }

  /**
   * The visitor reports at the office with the booking pass (the queue's /antrian/lapor): moves the
   * booking from booked to checked_in by a conditional update, so of two scans one wins. A wrong code
   * is the same 404 as find(); a booking that is not booked (cancelled, already checked in) is 409.
   */
  async function checkIn(input: { tenant: Tenant; number: string; code: string }): Promise<Appointment> {
    const row = await find(input);
    if (row.status !== 'booked' || !(await markCheckedIn(db, row.id, isoNow(clock)))) {
      throw new AppError('invalid_state', `the booking is ${row.status === 'booked' ? 'checked_in' : row.status}, not booked`);
    }
    return { ...row, status: 'checked_in' };
  }

  /**
   * Moves a booking to another slot in one transaction: the booking moves only from the slot it was read
   * in (moved or cancelled meanwhile: 409 invalid_state), the new place is taken (none left: 409 slot_full,
   * everything rolled back, the booking keeps its old place) and the old one given back. The number and the code stay; a fresh pass goes to the booker's WhatsApp.
   */
  async function reschedule(input: { tenant: Tenant; number: string; code: string; start: string; lang: Lang }) {
    const row = await find(input);
    if (row.status !== 'booked') throw new AppError('invalid_state', `the booking is ${row.status}, not booked`);
    const now = isoNow(clock);
    if (row.starts_at <= now) throw new AppError('invalid_state', 'the slot has begun or is over');
    const settings = await settingsFor(input.tenant.id);
    const start = await offeredStart(input.tenant, settings, input.start);
    if (start === row.starts_at) return get(input);
    await db.transaction().execute(async (trx) => {
      // The booking first, only from the slot it was read in: of two moves (or a move and a cancel) at once one
      // changes the row, the other none and rolls back whatever it did (409), so no place is freed twice or kept by nobody.
      if (!(await moveBooking(trx, { id: row.id, from: row.starts_at, startsAt: start, endsAt: addMinutes(start, settings.slotMinutes) }))) {
        throw changedMeanwhile();
      }
      const slot = { tenantId: row.tenant_id, serviceCode: row.service_code };
      const take = async () => {
        if (!(await takePlace(trx, { ...slot, startsAt: start, capacity: settings.capacity })))
          throw new AppError('slot_full', 'no free place left in the new slot');
      };
      // The two counter rows in the order of their starts, so two bookings swapping slots never wait on each other.
      if (row.starts_at < start) {
        await releasePlace(trx, { ...slot, startsAt: row.starts_at });
        await take();
      } else {
        await take();
        await releasePlace(trx, { ...slot, startsAt: row.starts_at });
      }
      await enqueue(trx, {
        tenantId: row.tenant_id,
        message: { topic: 'appointments.booked', appointmentId: row.id, code: input.code.trim().toUpperCase() },
        now,
      });
    });
    return get(input);
  }

  /**
   * The day-before reminders: for each office, the bookings of its local tomorrow still booked and not
   * reminded get one outbox row each, written in the transaction whose conditional update sets
   * reminded_at, so two instances running at once remind each booking once. A moved booking is reminded again.
   * Reminders go out from REMINDERS_FROM, office time, on the day before.
   */
  async function remindTomorrow(input: { clock: Clock }): Promise<{ reminded: number }> {
    let reminded = 0;
    for (const tenant of await listTenants(db)) {
      requireAccess({ actor: systemActor(tenant.id, 'appointment-reminders'), permission: 'system.appointmentReminders', resource: { tenantId: tenant.id } });
      // Nobody wants a reminder at midnight: from 07:00 on the office's clock (a booking made later that day is reminded at the next run).
      if (formatTime(isoNow(input.clock), tenant.time_zone, 'en') < REMINDERS_FROM) continue;
      const tomorrow = addDays(todayIn(input.clock, tenant.time_zone), 1);
      const from = zonedInstant(tomorrow, '00:00', tenant.time_zone);
      const to = zonedInstant(addDays(tomorrow, 1), '00:00', tenant.time_zone);
      for (const booking of await bookingsToRemind(db, { tenantId: tenant.id, from, to })) {
        const now = isoNow(input.clock);
        const done = await db.transaction().execute(async (trx) => {
          if (!(await markReminded(trx, { id: booking.id, startsAt: booking.starts_at, now }))) return false;
          await enqueue(trx, { tenantId: tenant.id, message: { topic: 'appointments.reminder', appointmentId: booking.id }, now });
          return true;
        });
        if (done) reminded++;
      }
    }
    return { reminded };
  }

  /** The office's settings for its admin (`appointments.manage`). */
  async function getSettings(input: { actor: Actor }): Promise<AppointmentSettings> {
    requireAccess({ actor: input.actor, permission: 'appointments.manage', resource: { tenantId: input.actor.tenantId } });
    return settingsFor(input.actor.tenantId);
  }

  /**
   * Replaces the office's settings (`appointments.manage`), audited. A slot already booked keeps the
   * capacity its counter row was made with, so a lower capacity never strands a booking and a higher one
   * applies to the slots nobody has booked yet; the hours apply to new bookings only.
   */
  async function saveSettings(input: { actor: Actor; settings: unknown }): Promise<{ changed: boolean }> {
    requireAccess({ actor: input.actor, permission: 'appointments.manage', resource: { tenantId: input.actor.tenantId } });
    const parsed = appointmentSettingsSchema.safeParse(input.settings);
    if (!parsed.success) {
      throw new AppError('invalid_input', 'the appointment settings are not valid', {
        fields: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'settings'), code: 'invalid', message: i.message })),
      });
    }
    const before = await settingsFor(input.actor.tenantId);
    if (JSON.stringify(before) === JSON.stringify(parsed.data)) return { changed: false };
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await saveAppointmentSettings(trx, input.actor.tenantId, parsed.data, now);
      await appendAudit(trx, {
        tenantId: input.actor.tenantId,
        actorId: input.actor.userId,
        action: 'appointments.settings_updated',
        subjectType: 'tenant',
        subjectId: input.actor.tenantId,
        data: { settings: parsed.data },
        occurredAt: now,
      });
    });
    return { changed: true };
  }

  return { seedDefaults, settingsFor, getSettings, saveSettings, listSlots, requestCode, numberProven, book, get, cancel, reschedule, checkIn, remindTomorrow };
}
export type AppointmentService = ReturnType<typeof createAppointmentService>;
