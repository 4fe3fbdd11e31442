import { randomUUID } from 'node:crypto';
import { type AnyActor, can, personOf, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { findAppointmentByNumber, markCheckedIn } from '../appointments/appointments.repository.js';
import type { AppointmentService } from '../appointments/appointments.service.js';
import { type AppointmentSettings, WEEKDAYS } from '../appointments/appointments.schemas.js';
import { recordContact } from '../contacts/contacts.repository.js';
import type { Db } from '../db/database.js';
import { violatedConstraint } from '../db/unique-violation.js';
import type { QueueStatus, QueueTicket, Tenant } from '../db/schema.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { newToken, sha256Hex } from '../shared/crypto.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { addMinutes, type Clock, isoNow, localDate } from '../shared/time.js';
import { callOrder, type Candidate, chooseNext, estimateWait, estimateWaits, median, minutesBetween, visitTimes } from './queue.policy.js';
import {
  countCall,
  eventsOfDay,
  findQueueSettings,
  findTicket,
  insertKiosk,
  insertQueueEvent,
  insertTicket,
  isEnrolledKiosk,
  listKiosks,
  moveTicket,
  nextTicketNumber,
  priorityRun,
  recentPromises,
  recentServiceTimes,
  revokeKiosk,
  saveQueueSettings,
  ticketForBooking,
  ticketsOfDay,
  transferTicket,
  waitingNow,
  waitingTickets,
  type WaitingRow,
} from './queue.repository.js';
import type { QueueAction } from './queue.schemas.js';
import { defaultQueueSettings, type QueueSettings, queueSettingsSchema } from './queue.settings.js';
import { ensureInvitation } from '../survey/survey.repository.js';

/**
 * A service group's ticket prefix, from its place in the office's appointment settings: A, B, … Z, then
 * AA, AB … (at most 30 groups). Stored on each ticket with its number, so a reordering changes only the
 * tickets issued after it.
 */
export function ticketPrefix(index: number): string {
  const letter = (i: number) => String.fromCharCode(65 + i);
  return index < 26 ? letter(index) : `A${letter(index - 26)}`;
}

/** The wall-clock time (HH:MM) of an instant in a time zone. */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** True when the office's appointment hours include this instant (and the day is not a holiday). */
export function isOpenAt(settings: AppointmentSettings, input: { now: string; timeZone: string; holidays: ReadonlySet<string> }): boolean {
  const ymd = localDate(input.now, input.timeZone);
  if (input.holidays.has(ymd)) return false;
  const day = WEEKDAYS[new Date(`${ymd}T00:00:00Z`).getUTCDay()]!;
  const hhmm = localTime(input.now, input.timeZone);
  return (settings.hours[day] ?? []).some((i) => i.from <= hhmm && hhmm < i.to);
}

/** Which statuses each counter action moves a ticket from, and to (a transfer puts it back to waiting in another group). */
const TRANSITIONS: Record<QueueAction, { from: readonly QueueStatus[]; to: QueueStatus; called?: boolean }> = {
  start: { from: ['called'], to: 'serving' },
  complete: { from: ['serving'], to: 'completed' },
  no_show: { from: ['called', 'skipped'], to: 'no_show' },
  recall: { from: ['called', 'skipped'], to: 'called', called: true },
  skip: { from: ['called'], to: 'skipped' },
  transfer: { from: ['called', 'serving', 'skipped'], to: 'waiting' },
};

/** How many times a counter's call-next looks again after losing a race to another counter. */
const CALL_TRIES = 10;
/** How many recent tickets the estimates look at. */
const SAMPLE = 20;
/** Fewer recorded services than this, and the office's assumed service time is used. */
const MIN_SAMPLE = 3;

export type Channel = 'kiosk' | 'front_desk' | 'booking';

type Waiting = Omit<WaitingRow, 'priority'> & Candidate;
const candidate = (t: WaitingRow): Waiting => ({ ...t, issuedAt: t.issued_at, priority: Number(t.priority) === 1, slotStart: t.slot_start });

/**
 * The queue (issue 11): tickets numbered per office, service group and office-local day (the service
 * groups and opening hours are the appointment settings'); a booked visitor's check-in with the booking
 * pass; the call order (queue.policy.ts: booked visitors at their slot time, the priority policy); the
 * counters' actions, each a timestamped event (transfer to another group, no-show of a booked visitor
 * only after the grace period); the wait promised at issue and the error of past promises; the lobby
 * display; the day's report. Issuing is the enrolled kiosk's or the front desk's; the counters need `queue.serve`, the
 * settings `settings.manage`.
 */
export function createQueueService(deps: { db: Db; clock: Clock; holidays: HolidayService; appointments: AppointmentService }) {
  const { db, clock } = deps;

  async function settingsOf(tenantId: string): Promise<{ queue: QueueSettings; appointments: AppointmentSettings }> {
    const appointments = await deps.appointments.settingsFor(tenantId);
    const queue = (await findQueueSettings(db, tenantId)) ?? defaultQueueSettings(appointments.services.map((s) => s.code));
    return { queue, appointments };
  }

  function serviceIn(settings: AppointmentSettings, code: string, lang: Lang, field = 'service') {
    const index = settings.services.findIndex((s) => s.code === code.trim().toUpperCase());
    if (index < 0) {
      throw new AppError('queue_service_unknown', `unknown service group ${code}`, {
        fields: [{ field, code: 'invalid_option', message: `Choose one of ${settings.services.map((s) => s.code).join(', ')}` }],
      });
    }
    const service = settings.services[index]!;
    return { code: service.code, name: service.name[lang], prefix: ticketPrefix(index) };
  }

  async function serviceOf(tenantId: string, code: string, lang: Lang) {
    const settings = await settingsOf(tenantId);
    return { ...serviceIn(settings.appointments, code, lang), settings };
  }

  const countersFor = (settings: QueueSettings, serviceCode: string) => settings.counters.filter((c) => c.services.includes(serviceCode)).length || 1;

  /** The office's own recent service time for a group (median of the last completed), and how far past promises were off. */
  async function statsFor(tenantId: string, serviceCode: string, settings: QueueSettings) {
    const times = (await recentServiceTimes(db, { tenantId, serviceCode, limit: SAMPLE })).map((t) => minutesBetween(t.start, t.complete));
    const medianServiceMinutes = times.length >= MIN_SAMPLE ? median(times)! : settings.defaultServiceMinutes;
    const promises = await recentPromises(db, { tenantId, serviceCode, limit: SAMPLE });
    const errors = promises.map((p) => Math.abs(minutesBetween(p.issuedAt, p.firstCall) - p.promised));
    const pastError = errors.length ? { minutes: Math.round(median(errors)!), tickets: errors.length } : null;
    return { medianServiceMinutes, counters: countersFor(settings, serviceCode), pastError };
  }

  /** The waiting tickets of a group today, in the order they would be called from now. */
  async function orderOf(on: Db, tenantId: string, serviceCode: string, day: string, settings: QueueSettings, extra?: Waiting) {
    const waiting = (await waitingTickets(on, { tenantId, serviceCode, day })).map(candidate);
    const run = await priorityRun(on, { tenantId, serviceCode, day });
    return callOrder(extra ? [...waiting, extra] : waiting, { now: isoNow(clock), policy: settings.priority, priorityRun: run });
  }

  /** The expected waits of a group's waiting tickets (queue.policy.ts estimateWaits: booked visitors at their slot time). */
  async function waitsOf(
    on: Db,
    tenantId: string,
    serviceCode: string,
    day: string,
    settings: QueueSettings,
    stats: { medianServiceMinutes: number; counters: number },
    extra?: Waiting,
  ) {
    const waiting = (await waitingTickets(on, { tenantId, serviceCode, day })).map(candidate);
    const run = await priorityRun(on, { tenantId, serviceCode, day });
    const input = { now: isoNow(clock), policy: settings.priority, priorityRun: run };
    const all = extra ? [...waiting, extra] : waiting;
    return { order: callOrder(all, input), waits: estimateWaits(all, { ...input, ...stats }) };
  }

  async function view(
    ticket: QueueTicket,
    lang: Lang,
    known?: {
      settings: Awaited<ReturnType<typeof settingsOf>>;
      stats: Awaited<ReturnType<typeof statsFor>>;
      position: number;
      minutes: number;
    },
  ) {
    const settings = known?.settings ?? (await settingsOf(ticket.tenant_id));
    const name = settings.appointments.services.find((s) => s.code === ticket.service_code)?.name[lang] ?? ticket.service_code;
    const stats = known?.stats ?? (await statsFor(ticket.tenant_id, ticket.service_code, settings.queue));
    let position: number | null = null;
    let minutes: number | null = null;
    if (ticket.status === 'waiting') {
      if (known) ({ position, minutes } = known);
      else {
        const { order, waits } = await waitsOf(db, ticket.tenant_id, ticket.service_code, ticket.day, settings.queue, stats);
        position = Math.max(
          0,
          order.findIndex((c) => c.id === ticket.id),
        );
        minutes = waits.get(ticket.id) ?? estimateWait({ ahead: position, medianServiceMinutes: stats.medianServiceMinutes, counters: stats.counters });
      }
    }
    return {
      id: ticket.id,
      number: ticket.number,
      service: { code: ticket.service_code, name },
      day: ticket.day,
      status: ticket.status,
      position,
      counter: ticket.counter,
      issuedAt: ticket.issued_at,
      calledAt: ticket.called_at,
      appointmentNumber: ticket.appointment_number,
      priority: Number(ticket.priority) === 1,
      slotStart: ticket.slot_start,
      transferredFrom: ticket.transferred_from,
      estimate: {
        minutes,
        promisedMinutes: ticket.promised_wait_minutes === null ? null : Number(ticket.promised_wait_minutes),
        pastError: stats.pastError,
      },
    };
  }
  type TicketView = Awaited<ReturnType<typeof view>>;

  /** 422 when the office is not serving now: outside its hours, a holiday, or after the day's closing time. */
  async function assertOpen(tenant: Tenant, settings: { queue: QueueSettings; appointments: AppointmentSettings }, now: string) {
    const holidays = await deps.holidays.forTenant(tenant.id);
    if (!isOpenAt(settings.appointments, { now, timeZone: tenant.time_zone, holidays })) throw new AppError('queue_closed', 'outside opening hours');
    const closesAt = settings.queue.closesAt;
    if (closesAt && localTime(now, tenant.time_zone) >= closesAt) {
      throw new AppError('queue_closed_for_day', `no tickets after ${closesAt}`, { params: { closesAt } });
    }
  }

  async function issue(input: {
    tenant: Tenant;
    service: string;
    priority: boolean;
    channel: Channel;
    lang: Lang;
    booking?: { number: string; startsAt: string; phone: string | null; userId: string | null } | undefined;
    userId?: string | null | undefined;
    /** Runs first in the ticket's transaction (the booking's check-in), so both happen or neither. */
    first?: (trx: Db, now: string) => Promise<void>;
  }): Promise<TicketView> {
    const service = await serviceOf(input.tenant.id, input.service, input.lang);
    const now = isoNow(clock);
    await assertOpen(input.tenant, service.settings, now);
    const day = localDate(now, input.tenant.time_zone);
    const slotStart = input.booking ? input.booking.startsAt : null;
    const stats = await statsFor(input.tenant.id, service.code, service.settings.queue);
    const key = { tenantId: input.tenant.id, serviceCode: service.code, day };
    let position = 0;
    let promised = 0;
    const ticket = await db.transaction().execute(async (trx) => {
      if (input.first) await input.first(trx, now);
      const seq = await nextTicketNumber(trx, key);
      // The promise: the call order played forward at the office's recent pace (the counter row's lock
      // holds the group's other issuers back meanwhile), booked visitors at their slot time. A walk-in's
      // position is everyone who may be called now; a priority or booked visitor's where the policy puts them.
      const { order, waits } = await waitsOf(trx, input.tenant.id, service.code, day, service.settings.queue, stats, {
        id: '',
        seq,
        issued_at: now,
        issuedAt: now,
        priority: input.priority,
        slotStart,
        slot_start: slotStart,
        number: '',
        service_code: service.code,
      });
      position = input.priority || slotStart ? order.findIndex((c) => c.id === '') : await waitingNow(trx, { ...key, now });
      promised = waits.get('')!;
      const row: QueueTicket = {
        id: randomUUID(),
        tenant_id: input.tenant.id,
        service_code: service.code,
        day,
        seq,
        number: `${service.prefix}-${String(seq).padStart(3, '0')}`,
        appointment_number: input.booking?.number ?? null,
        status: 'waiting',
        counter: null,
        issued_at: now,
        called_at: null,
        updated_at: now,
        priority: input.priority ? 1 : 0,
        slot_start: slotStart,
        transferred_from: null,
        promised_wait_minutes: promised,
        channel: input.channel,
      };
      await insertTicket(trx, row);
      await insertQueueEvent(trx, {
        id: randomUUID(),
        tenant_id: row.tenant_id,
        ticket_id: row.id,
        action: 'issue',
        from_status: null,
        to_status: 'waiting',
        counter: null,
        actor_id: null,
        at: now,
      });
      await recordContact(trx, {
        tenantId: row.tenant_id,
        kind: 'queue_ticket',
        channel: input.channel,
        refId: row.id,
        label: row.number,
        at: now,
        phone: input.booking?.phone ?? null,
        userId: input.booking?.userId ?? input.userId ?? null,
      });
      return row;
    });
    return view(ticket, input.lang, { settings: service.settings, stats, position, minutes: promised });
  }

  /**
   * A ticket from the kiosk or the API (anonymous), or the front desk (an officer with `queue.serve`:
   * the door is recorded as front_desk). Never for a booking: a booked visitor's ticket comes only from
   * checkIn, with the pass's number and code (a number alone would let anyone take someone's slot).
   */
  async function issueTicket(input: {
    tenant: Tenant;
    actor?: Actor | null | undefined;
    service: string;
    priority?: boolean | undefined;
    lang: Lang;
    /** The device's kiosk token (its cookie, or the API's X-Kiosk-Token): needed unless the actor is front-desk staff. */
    kioskToken?: string | undefined;
  }) {
    const staff = input.actor ? can(input.actor, 'queue.serve', { tenantId: input.tenant.id }) : false;
    if (!staff && !(await isKiosk({ tenant: input.tenant, token: input.kioskToken }))) {
      throw new AppError('queue_kiosk_required', 'tickets come from an enrolled kiosk or the front desk');
    }
    return issue({
      tenant: input.tenant,
      service: input.service,
      priority: input.priority ?? false,
      channel: staff ? 'front_desk' : 'kiosk',
      lang: input.lang,
      userId: input.actor && !staff ? input.actor.userId : null,
    });
  }

  /**
   * What the kiosk shows for a scanned booking pass: the booking (a wrong code is the same 404 as an
   * unknown number), whether it is for today, and today's ticket if the visitor already reported.
   */
  async function passStatus(input: { tenant: Tenant; number: string; code: string; lang: Lang }) {
    const found = await deps.appointments.get(input);
    const today = localDate(isoNow(clock), input.tenant.time_zone);
    const ticket = await ticketForBooking(db, { tenantId: input.tenant.id, number: found.appointment.number, day: today });
    return {
      booking: found.appointment,
      service: found.service,
      forToday: localDate(found.appointment.starts_at, input.tenant.time_zone) === today,
      ticket: ticket ? await view(ticket, input.lang) : null,
    };
  }

  /**
   * A booked visitor reports at the office with the booking pass (`/antrian/lapor`): in one transaction
   * the booking moves booked → checked_in (a conditional update) and a ticket of its service group is
   * issued, linked to it and called at the slot time. Reporting again, or three taps at once, gives the
   * same ticket: the check-in that finds the booking checked in meanwhile returns the ticket issued with
   * it, and the unique index on (office, booking, day) (migration 0025) makes a second insert fail and
   * re-read the first. A booking checked in without a ticket (before 0025) gets its ticket now.
   */
  async function checkIn(input: { tenant: Tenant; number: string; code: string; priority?: boolean | undefined; lang: Lang }) {
    const status = await passStatus(input);
    if (status.ticket) return status.ticket;
    if (!status.forToday) throw new AppError('invalid_state', 'the booking is for another day');
    await assertOpen(input.tenant, await settingsOf(input.tenant.id), isoNow(clock));
    const booking = status.booking;
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    const existing = () => ticketForBooking(db, { tenantId: input.tenant.id, number: booking.number, day });
    try {
      return await issue({
        tenant: input.tenant,
        service: booking.service_code,
        priority: input.priority ?? false,
        channel: 'booking',
        lang: input.lang,
        booking: { number: booking.number, startsAt: booking.starts_at, phone: booking.phone, userId: booking.user_id },
        first: async (trx, now) => {
          if (await markCheckedIn(trx, booking.id, now)) return;
          // Not booked any more: checked in meanwhile (by another tap: its ticket), or cancelled.
          const row = await findAppointmentByNumber(trx, input.tenant.id, booking.number);
          if (row?.status !== 'checked_in') throw new AppError('invalid_state', `the booking is ${row?.status ?? 'gone'}, not booked`);
          const ticket = await ticketForBooking(trx, { tenantId: input.tenant.id, number: booking.number, day });
          if (ticket) throw new AlreadyIssued(ticket);
        },
      });
    } catch (err) {
      if (err instanceof AlreadyIssued) return view(err.ticket, input.lang);
      // Another check-in of the same pass inserted its ticket first (the unique index): show that one.
      const ticket = violatedConstraint(err) ? await existing() : undefined;
      if (ticket) return view(ticket, input.lang);
      throw err;
    }
  }

  /** True when the token is one of the office's enrolled kiosks (not removed). */
  async function isKiosk(input: { tenant: Tenant; token: string | undefined }): Promise<boolean> {
    if (!input.token || input.token.length > 200) return false;
    return isEnrolledKiosk(db, { tenantId: input.tenant.id, tokenHash: sha256Hex(input.token) });
  }

  /**
   * Enrols a device as the office's kiosk (`settings.manage`): a random token, of which only the hash is
   * stored; the caller gives the token to the device once (a long-lived cookie, or for the API its
   * X-Kiosk-Token header).
   */
  async function enrolKiosk(input: { actor: AnyActor; tenant: Tenant; name: string }) {
    requireAccess({ actor: input.actor, permission: 'settings.manage', resource: { tenantId: input.tenant.id } });
    const name = input.name.trim();
    if (!name || name.length > 60) {
      throw new AppError('invalid_input', 'a kiosk needs a name', {
        fields: [{ field: 'name', code: 'required', message: 'Give the device a name of at most 60 characters, such as “Kios lobi”' }],
      });
    }
    const token = newToken();
    const id = randomUUID();
    await insertKiosk(db, {
      id,
      tenant_id: input.tenant.id,
      name,
      token_hash: sha256Hex(token),
      enrolled_by: personOf(input.actor).userId,
      enrolled_at: isoNow(clock),
      revoked_at: null,
    });
    return { id, name, token };
  }

  async function kiosks(input: { actor: AnyActor; tenant: Tenant }) {
    requireAccess({ actor: input.actor, permission: 'settings.manage', resource: { tenantId: input.tenant.id } });
    return listKiosks(db, input.tenant.id);
  }

  /** Removes an enrolled kiosk: its token issues nothing any more. */
  async function removeKiosk(input: { actor: AnyActor; tenant: Tenant; id: string }) {
    requireAccess({ actor: input.actor, permission: 'settings.manage', resource: { tenantId: input.tenant.id } });
    if (!(await revokeKiosk(db, { tenantId: input.tenant.id, id: input.id, now: isoNow(clock) }))) throw new AppError('not_found', 'no such kiosk');
  }

  /** A ticket for whoever holds its id (the visitor's page, the counters); another office's is not found. */
  async function getTicket(input: { tenant: Tenant; id: string; lang: Lang }) {
    const ticket = await findTicket(db, input.tenant.id, input.id);
    if (!ticket) throw new AppError('not_found', 'no such ticket');
    return view(ticket, input.lang);
  }

  /**
   * Calls the next ticket of the service group today to a counter, by the call order (queue.policy.ts).
   * Two counters at once never get the same ticket: the move waiting → called is conditional, and the
   * priority run is counted on the day's counter row in the same transaction (at most N in a row); the
   * counter that lost either race looks again, at most CALL_TRIES times (then 409 queue_busy: press
   * again), so a call always answers.
   */
  async function callNext(input: { actor: AnyActor; tenant: Tenant; service: string; counter: string; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const person = personOf(input.actor);
    const service = await serviceOf(input.tenant.id, input.service, input.lang);
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    const key = { tenantId: input.tenant.id, serviceCode: service.code, day };
    for (let attempt = 0; attempt < CALL_TRIES; attempt++) {
      const waiting = (await waitingTickets(db, key)).map(candidate);
      const now = isoNow(clock);
      const next = chooseNext(waiting, { now, policy: service.settings.queue.priority, priorityRun: await priorityRun(db, key) });
      if (!next) throw new AppError('queue_empty', 'nobody waiting');
      const called = await db
        .transaction()
        .execute(async (trx) => {
          const counted = await countCall(trx, {
            ...key,
            priority: next.priority && next.slotStart === null,
            maxInRow: service.settings.queue.priority.maxInRow,
          });
          if (!counted) return false;
          if (
            !(await moveTicket(trx, { tenantId: input.tenant.id, id: next.id, from: ['waiting'], to: 'called', now, counter: input.counter, called: true }))
          ) {
            throw new LostRace();
          }
          await insertQueueEvent(trx, {
            id: randomUUID(),
            tenant_id: input.tenant.id,
            ticket_id: next.id,
            action: 'call',
            from_status: 'waiting',
            to_status: 'called',
            counter: input.counter,
            actor_id: person.userId,
            at: now,
          });
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof LostRace) return false;
          throw err;
        });
      if (called) return getTicket({ tenant: input.tenant, id: next.id, lang: input.lang });
    }
    throw new AppError('queue_busy', `other counters kept calling first (${CALL_TRIES} tries)`);
  }

  /**
   * A counter's action on a ticket, as a timestamped event; 409 when the ticket's status does not allow
   * it. A transfer puts the ticket in another group's queue under that group's next number (keeping its
   * issue time, so the visitor does not start again at the back); a booked visitor is marked no-show only
   * once the grace period after their slot start has passed (409 queue_grace_period before).
   */
  async function updateTicket(input: { actor: AnyActor; tenant: Tenant; id: string; action: QueueAction; service?: string | undefined; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const person = personOf(input.actor);
    const ticket = await findTicket(db, input.tenant.id, input.id);
    if (!ticket) throw new AppError('not_found', 'no such ticket');
    const t = TRANSITIONS[input.action];
    const refuse = () => new AppError('invalid_state', `cannot ${input.action} a ticket that is ${ticket.status}`);
    if (!t.from.includes(ticket.status)) throw refuse();
    const now = isoNow(clock);
    const settings = await settingsOf(input.tenant.id);
    if (input.action === 'no_show' && ticket.slot_start) {
      const from = addMinutes(ticket.slot_start, settings.queue.graceMinutes);
      if (now < from)
        throw new AppError('queue_grace_period', 'a booked visitor’s grace period is not over', { params: { from: localTime(from, input.tenant.time_zone) } });
    }
    const target = input.action === 'transfer' ? serviceIn(settings.appointments, input.service ?? '', input.lang) : null;
    if (target && target.code === ticket.service_code) {
      throw new AppError('invalid_input', 'transfer to the same service group', {
        fields: [{ field: 'service', code: 'invalid_option', message: 'Choose another service group than the ticket’s own' }],
      });
    }
    await db.transaction().execute(async (trx) => {
      let moved: boolean;
      if (target) {
        const seq = await nextTicketNumber(trx, { tenantId: input.tenant.id, serviceCode: target.code, day: ticket.day });
        moved = await transferTicket(trx, {
          tenantId: input.tenant.id,
          id: ticket.id,
          from: [ticket.status],
          serviceCode: target.code,
          seq,
          number: `${target.prefix}-${String(seq).padStart(3, '0')}`,
          previous: ticket.number,
          now,
        });
      } else {
        moved = await moveTicket(trx, {
          tenantId: input.tenant.id,
          id: ticket.id,
          from: [ticket.status],
          to: t.to,
          now,
          ...(t.called ? { called: true } : {}),
        });
      }
      if (!moved) throw refuse();
      await insertQueueEvent(trx, {
        id: randomUUID(),
        tenant_id: input.tenant.id,
        ticket_id: ticket.id,
        action: input.action,
        from_status: ticket.status,
        to_status: t.to,
        counter: ticket.counter,
        actor_id: person.userId,
        at: now,
      });
      // A completed visit invites its visitor to the SKM survey (src/survey/): the link is on the ticket page.
      if (t.to === 'completed') {
        await ensureInvitation(trx, {
          tenantId: input.tenant.id,
          occasion: 'visit_completed',
          subjectId: ticket.id,
          serviceKind: 'queue',
          serviceCode: ticket.service_code,
          now,
        });
      }
    });
    return getTicket(input);
  }

  /**
   * The lobby display: for each counter the ticket it last called (still called or being served), and
   * the next numbers of each group in call order. Public: tickets carry no personal data.
   */
  async function display(input: { tenant: Tenant; service?: string | undefined; lang: Lang }) {
    const settings = await settingsOf(input.tenant.id);
    const only = input.service ? serviceIn(settings.appointments, input.service, input.lang).code : null;
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    const active = (await ticketsOfDay(db, { tenantId: input.tenant.id, day, statuses: ['called', 'serving'] })).filter(
      (t) => t.counter && (!only || t.service_code === only),
    );
    const latest = new Map<string, QueueTicket>();
    for (const t of active) {
      const seen = latest.get(t.counter!);
      if (!seen || (t.called_at ?? '') > (seen.called_at ?? '') || ((t.called_at ?? '') === (seen.called_at ?? '') && t.updated_at > seen.updated_at))
        latest.set(t.counter!, t);
    }
    const nameOf = (code: string) => settings.appointments.services.find((s) => s.code === code)?.name[input.lang] ?? code;
    const nowServing = [...latest.values()]
      .sort((a, b) => (b.called_at ?? '').localeCompare(a.called_at ?? '') || a.counter!.localeCompare(b.counter!))
      .map((t) => ({
        counter: t.counter!,
        number: t.number,
        service: { code: t.service_code, name: nameOf(t.service_code) },
        status: t.status,
        calledAt: t.called_at!,
      }));
    const next = [];
    for (const s of settings.appointments.services) {
      if (only && s.code !== only) continue;
      const order = await orderOf(db, input.tenant.id, s.code, day, settings.queue);
      next.push({ service: { code: s.code, name: s.name[input.lang] }, waiting: order.length, numbers: order.slice(0, 5).map((c) => c.number) });
    }
    return { office: input.tenant.name, day, nowServing, next };
  }

  /** The queue settings an admin edits (the defaults until saved). */
  async function getSettings(input: { actor: AnyActor; tenant: Tenant }) {
    requireAccess({ actor: input.actor, permission: 'settings.manage', resource: { tenantId: input.tenant.id } });
    return settingsOf(input.tenant.id);
  }

  /** Saves the queue settings; each counter may name only the office's service groups. */
  async function saveSettings(input: { actor: AnyActor; tenant: Tenant; settings: QueueSettings }) {
    requireAccess({ actor: input.actor, permission: 'settings.manage', resource: { tenantId: input.tenant.id } });
    const settings = queueSettingsSchema.parse(input.settings);
    const known = new Set((await deps.appointments.settingsFor(input.tenant.id)).services.map((s) => s.code));
    const unknown = settings.counters.flatMap((c) => c.services).find((s) => !known.has(s));
    if (unknown) {
      throw new AppError('invalid_input', `unknown service group ${unknown}`, {
        fields: [{ field: 'counters', code: 'invalid_option', message: `${unknown} is not one of ${[...known].join(', ')}` }],
      });
    }
    await saveQueueSettings(db, input.tenant.id, settings, isoNow(clock));
  }

  /** The day's tickets for the front desk, oldest first. */
  async function dayTickets(input: { actor: AnyActor; tenant: Tenant; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    const settings = await settingsOf(input.tenant.id);
    const nameOf = (code: string) => settings.appointments.services.find((s) => s.code === code)?.name[input.lang] ?? code;
    const rows = await ticketsOfDay(db, { tenantId: input.tenant.id, day });
    return { day, settings, tickets: rows.map((t) => ({ ...t, serviceName: nameOf(t.service_code), priority: Number(t.priority) === 1 })) };
  }

  /**
   * The day's waiting and service times per service group, derived from the events: waiting from issue
   * to the first call, service from the first start to the completion (medians and means, in minutes).
   */
  async function report(input: { actor: AnyActor; tenant: Tenant; day: string; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const settings = await settingsOf(input.tenant.id);
    const events = await eventsOfDay(db, { tenantId: input.tenant.id, day: input.day });
    const tickets = visitTimes(events);
    const summary = (xs: number[]) =>
      xs.length ? { median: Math.round(median(xs)! * 10) / 10, mean: Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 } : null;
    const rows = settings.appointments.services.map((s) => {
      const mine = [...tickets.values()].filter((t) => t.service === s.code);
      const waits = mine.filter((t) => t.issue && t.call).map((t) => minutesBetween(t.issue!, t.call!));
      const services = mine.filter((t) => t.start && t.complete).map((t) => minutesBetween(t.start!, t.complete!));
      return {
        service: { code: s.code, name: s.name[input.lang] },
        tickets: mine.length,
        completed: mine.filter((t) => t.complete).length,
        noShows: mine.filter((t) => t.noShow).length,
        waiting: summary(waits),
        serviceTime: summary(services),
      };
    });
    return { day: input.day, rows };
  }

  /** What the kiosk offers now: each group with how many wait, or why the queue is closed (the problem to show). */
  async function kioskStatus(input: { tenant: Tenant; lang: Lang }) {
    const settings = await settingsOf(input.tenant.id);
    let closed: AppError | null = null;
    try {
      await assertOpen(input.tenant, settings, isoNow(clock));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      closed = err;
    }
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    const services = [];
    for (const s of settings.appointments.services) {
      services.push({
        code: s.code,
        name: s.name[input.lang],
        waiting: await waitingNow(db, { tenantId: input.tenant.id, serviceCode: s.code, day, now: isoNow(clock) }),
      });
    }
    return { closed, services };
  }

  return {
    isKiosk,
    enrolKiosk,
    kiosks,
    removeKiosk,
    kioskStatus,
    issueTicket,
    passStatus,
    checkIn,
    getTicket,
    callNext,
    updateTicket,
    display,
    getSettings,
    saveSettings,
    dayTickets,
    report,
    settingsOf,
  };
}
export type QueueService = ReturnType<typeof createQueueService>;

/** Another counter moved the chosen ticket first: roll back the priority count and look again. */
class LostRace extends Error {}

/** The booking's ticket was issued by another check-in of the same pass: roll back and show that one. */
class AlreadyIssued extends Error {
  constructor(readonly ticket: QueueTicket) {
    super('the booking already has its ticket');
  }
}
