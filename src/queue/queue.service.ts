import { randomUUID } from 'node:crypto';
import { type AnyActor, personOf, requireAccess } from '../access/access.js';
import type { AppointmentService } from '../appointments/appointments.service.js';
import { type AppointmentSettings, WEEKDAYS } from '../appointments/appointments.schemas.js';
import type { Db } from '../db/database.js';
import type { QueueStatus, QueueTicket, Tenant } from '../db/schema.js';
import type { HolidayService } from '../sla/holidays.service.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { type Clock, isoNow, localDate } from '../shared/time.js';
import {
  bookedAppointmentExists,
  findTicket,
  insertQueueEvent,
  insertTicket,
  moveTicket,
  nextTicketNumber,
  oldestWaiting,
  waitingBefore,
} from './queue.repository.js';
import type { QueueAction } from './queue.schemas.js';

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
function localTime(iso: string, timeZone: string): string {
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

/** Which statuses each counter action moves a ticket from, and to. */
const TRANSITIONS: Record<QueueAction, { from: readonly QueueStatus[]; to: QueueStatus; called?: boolean }> = {
  start: { from: ['called'], to: 'serving' },
  complete: { from: ['serving'], to: 'completed' },
  no_show: { from: ['called', 'skipped'], to: 'no_show' },
  recall: { from: ['called', 'skipped'], to: 'called', called: true },
  skip: { from: ['called'], to: 'skipped' },
};

/**
 * Queue, first step (issue 11): tickets numbered per office, service group and office-local day (the
 * service groups and opening hours are the appointment settings'), the visitor's view of a ticket by its
 * id, and the counters' call-next and actions, each a timestamped event. Issuing is anonymous (the kiosk);
 * the counters need `queue.serve`. Priority, transfer, booked check-in, estimates and the display come later.
 */
export function createQueueService(deps: { db: Db; clock: Clock; holidays: HolidayService; appointments: AppointmentService }) {
  const { db, clock } = deps;

  async function serviceOf(tenantId: string, code: string, lang: Lang) {
    const settings = await deps.appointments.settingsFor(tenantId);
    const index = settings.services.findIndex((s) => s.code === code.trim().toUpperCase());
    if (index < 0) {
      throw new AppError('queue_service_unknown', `unknown service group ${code}`, {
        fields: [{ field: 'service', code: 'invalid_option', message: `Choose one of ${settings.services.map((s) => s.code).join(', ')}` }],
      });
    }
    const service = settings.services[index]!;
    return { settings, code: service.code, name: service.name[lang], prefix: ticketPrefix(index) };
  }

  async function view(ticket: QueueTicket, lang: Lang) {
    const settings = await deps.appointments.settingsFor(ticket.tenant_id);
    const name = settings.services.find((s) => s.code === ticket.service_code)?.name[lang] ?? ticket.service_code;
    return {
      id: ticket.id,
      number: ticket.number,
      service: { code: ticket.service_code, name },
      day: ticket.day,
      status: ticket.status,
      position: ticket.status === 'waiting' ? await waitingBefore(db, ticket) : null,
      counter: ticket.counter,
      issuedAt: ticket.issued_at,
      calledAt: ticket.called_at,
      appointmentNumber: ticket.appointment_number,
    };
  }

  async function issueTicket(input: { tenant: Tenant; service: string; appointmentNumber?: string | undefined; lang: Lang }) {
    const service = await serviceOf(input.tenant.id, input.service, input.lang);
    const now = isoNow(clock);
    const holidays = await deps.holidays.forTenant(input.tenant.id);
    if (!isOpenAt(service.settings, { now, timeZone: input.tenant.time_zone, holidays })) throw new AppError('queue_closed', 'outside opening hours');
    if (input.appointmentNumber && !(await bookedAppointmentExists(db, input.tenant.id, input.appointmentNumber))) {
      throw new AppError('invalid_input', 'no such booking', {
        fields: [{ field: 'appointmentNumber', code: 'invalid_option', message: 'Enter the number of a booking at this office, or leave it out' }],
      });
    }
    const day = localDate(now, input.tenant.time_zone);
    const ticket = await db.transaction().execute(async (trx) => {
      const seq = await nextTicketNumber(trx, { tenantId: input.tenant.id, serviceCode: service.code, day });
      const row: QueueTicket = {
        id: randomUUID(),
        tenant_id: input.tenant.id,
        service_code: service.code,
        day,
        seq,
        number: `${service.prefix}-${String(seq).padStart(3, '0')}`,
        appointment_number: input.appointmentNumber ?? null,
        status: 'waiting',
        counter: null,
        issued_at: now,
        called_at: null,
        updated_at: now,
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
      return row;
    });
    return view(ticket, input.lang);
  }

  /** A ticket for whoever holds its id (the visitor's page, the counters); another office's is not found. */
  async function getTicket(input: { tenant: Tenant; id: string; lang: Lang }) {
    const ticket = await findTicket(db, input.tenant.id, input.id);
    if (!ticket) throw new AppError('not_found', 'no such ticket');
    return view(ticket, input.lang);
  }

  /**
   * Calls the oldest waiting ticket of the service group today to a counter. Two counters at once never
   * get the same ticket: the move waiting → called is conditional, and the one that changed no row tries
   * the next oldest.
   */
  async function callNext(input: { actor: AnyActor; tenant: Tenant; service: string; counter: string; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const person = personOf(input.actor);
    const service = await serviceOf(input.tenant.id, input.service, input.lang);
    const day = localDate(isoNow(clock), input.tenant.time_zone);
    for (;;) {
      const id = await oldestWaiting(db, { tenantId: input.tenant.id, serviceCode: service.code, day });
      if (!id) throw new AppError('queue_empty', 'nobody waiting');
      const now = isoNow(clock);
      const called = await db.transaction().execute(async (trx) => {
        if (!(await moveTicket(trx, { tenantId: input.tenant.id, id, from: ['waiting'], to: 'called', now, counter: input.counter, called: true })))
          return false;
        await insertQueueEvent(trx, {
          id: randomUUID(),
          tenant_id: input.tenant.id,
          ticket_id: id,
          action: 'call',
          from_status: 'waiting',
          to_status: 'called',
          counter: input.counter,
          actor_id: person.userId,
          at: now,
        });
        return true;
      });
      if (called) return getTicket({ tenant: input.tenant, id, lang: input.lang });
    }
  }

  /** A counter's action on a ticket, as a timestamped event; 409 when the ticket's status does not allow it. */
  async function updateTicket(input: { actor: AnyActor; tenant: Tenant; id: string; action: QueueAction; lang: Lang }) {
    requireAccess({ actor: input.actor, permission: 'queue.serve', resource: { tenantId: input.tenant.id } });
    const person = personOf(input.actor);
    const ticket = await findTicket(db, input.tenant.id, input.id);
    if (!ticket) throw new AppError('not_found', 'no such ticket');
    const t = TRANSITIONS[input.action];
    const refuse = () => new AppError('invalid_state', `cannot ${input.action} a ticket that is ${ticket.status}`);
    if (!t.from.includes(ticket.status)) throw refuse();
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await moveTicket(trx, { tenantId: input.tenant.id, id: ticket.id, from: [ticket.status], to: t.to, now, ...(t.called ? { called: true } : {}) })))
        throw refuse();
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
    });
    return getTicket(input);
  }

  return { issueTicket, getTicket, callNext, updateTicket };
}
export type QueueService = ReturnType<typeof createQueueService>;
