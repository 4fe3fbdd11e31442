import type { Kysely } from 'kysely';
import type { Database, QueueEventsTable, QueueKiosksTable, QueueStatus, QueueTicket, QueueTicketsTable } from '../db/schema.js';
import { type QueueSettings, queueSettingsSchema } from './queue.settings.js';

type Db = Kysely<Database>;

/**
 * The day's next number for a service group, inside the caller's transaction: the counter row is made
 * at 1 or incremented in one statement (insert-on-conflict-do-update returning), so two tickets never get
 * the same number, and a ticket whose transaction fails gives its number back with the rollback (no gaps).
 */
export async function nextTicketNumber(trx: Db, key: { tenantId: string; serviceCode: string; day: string }): Promise<number> {
  const row = await trx
    .insertInto('queue_counters')
    .values({ tenant_id: key.tenantId, service_code: key.serviceCode, day: key.day, last_number: 1, priority_run: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'service_code', 'day']).doUpdateSet((eb) => ({ last_number: eb('queue_counters.last_number', '+', 1) })))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}

export async function insertTicket(trx: Db, row: QueueTicketsTable): Promise<void> {
  await trx.insertInto('queue_tickets').values(row).execute();
}

export async function insertQueueEvent(trx: Db, row: QueueEventsTable): Promise<void> {
  await trx.insertInto('queue_events').values(row).execute();
}

export async function findTicket(db: Db, tenantId: string, id: string): Promise<QueueTicket | undefined> {
  return db.selectFrom('queue_tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/**
 * Moves a ticket from one of the given statuses to another, only if it is still in one of them: one row
 * changed, the move is the caller's; none, someone else moved it first (another counter, a double click).
 * PostgreSQL re-checks the condition on the row after waiting for its lock; SQLite writes one at a time.
 */
export async function moveTicket(
  trx: Db,
  m: { tenantId: string; id: string; from: readonly QueueStatus[]; to: QueueStatus; now: string; counter?: string; called?: boolean },
): Promise<boolean> {
  const res = await trx
    .updateTable('queue_tickets')
    .set({
      status: m.to,
      updated_at: m.now,
      ...(m.counter !== undefined ? { counter: m.counter } : {}),
      ...(m.called ? { called_at: m.now } : {}),
    })
    .where('tenant_id', '=', m.tenantId)
    .where('id', '=', m.id)
    .where('status', 'in', [...m.from])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The office's queue settings, validated; null when none are stored. */
export async function findQueueSettings(db: Db, tenantId: string): Promise<QueueSettings | null> {
  const row = await db.selectFrom('queue_settings').select('settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ? queueSettingsSchema.parse(JSON.parse(row.settings)) : null;
}

export async function saveQueueSettings(db: Db, tenantId: string, settings: QueueSettings, now: string): Promise<void> {
  const json = JSON.stringify(queueSettingsSchema.parse(settings));
  await db
    .insertInto('queue_settings')
    .values({ tenant_id: tenantId, settings: json, updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
}

export type WaitingRow = Pick<QueueTicket, 'id' | 'seq' | 'issued_at' | 'priority' | 'slot_start' | 'number' | 'service_code'>;

/** Every ticket still waiting in a service group today (the call order is worked out from them). */
export async function waitingTickets(db: Db, key: { tenantId: string; serviceCode: string; day: string }): Promise<WaitingRow[]> {
  return db
    .selectFrom('queue_tickets')
    .select(['id', 'seq', 'issued_at', 'priority', 'slot_start', 'number', 'service_code'])
    .where('tenant_id', '=', key.tenantId)
    .where('service_code', '=', key.serviceCode)
    .where('day', '=', key.day)
    .where('status', '=', 'waiting')
    .orderBy('seq')
    .execute();
}

/** The run of priority calls so far today in a service group (0 before the first ticket). */
export async function priorityRun(db: Db, key: { tenantId: string; serviceCode: string; day: string }): Promise<number> {
  const row = await db
    .selectFrom('queue_counters')
    .select('priority_run')
    .where('tenant_id', '=', key.tenantId)
    .where('service_code', '=', key.serviceCode)
    .where('day', '=', key.day)
    .executeTakeFirst();
  return Number(row?.priority_run ?? 0);
}

/**
 * Counts a call in the day's run of priority calls, inside the call's transaction and before the
 * ticket moves: a priority call while the run is below `maxInRow`, or at any run when no walk-in without
 * priority waits (the policy's own rule, checked here in the same statement, so the two always agree);
 * false: another counter's priority call came first or a walk-in arrived, look again. Any other call
 * resets the run. The counter row's lock (PostgreSQL) or the single writer (SQLite) orders two counters.
 */
export async function countCall(trx: Db, key: { tenantId: string; serviceCode: string; day: string; priority: boolean; maxInRow: number }): Promise<boolean> {
  const q = trx.updateTable('queue_counters').where('tenant_id', '=', key.tenantId).where('service_code', '=', key.serviceCode).where('day', '=', key.day);
  const res = key.priority
    ? await q
        .set((eb) => ({ priority_run: eb('priority_run', '+', 1) }))
        .where((eb) =>
          eb.or([
            eb('priority_run', '<', key.maxInRow),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('queue_tickets')
                  .select('queue_tickets.id')
                  .where('queue_tickets.tenant_id', '=', key.tenantId)
                  .where('queue_tickets.service_code', '=', key.serviceCode)
                  .where('queue_tickets.day', '=', key.day)
                  .where('queue_tickets.status', '=', 'waiting')
                  .where('queue_tickets.priority', '=', 0)
                  .where('queue_tickets.slot_start', 'is', null),
              ),
            ),
          ]),
        )
        .executeTakeFirst()
    : await q.set({ priority_run: 0 }).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Moves a ticket to another service group's queue under its new number, only while it is in one of the given statuses. */
export async function transferTicket(
  trx: Db,
  m: { tenantId: string; id: string; from: readonly QueueStatus[]; serviceCode: string; seq: number; number: string; previous: string; now: string },
): Promise<boolean> {
  const res = await trx
    .updateTable('queue_tickets')
    .set({
      status: 'waiting',
      service_code: m.serviceCode,
      seq: m.seq,
      number: m.number,
      transferred_from: m.previous,
      counter: null,
      called_at: null,
      updated_at: m.now,
    })
    .where('tenant_id', '=', m.tenantId)
    .where('id', '=', m.id)
    .where('status', 'in', [...m.from])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** A service group's most recently completed tickets with their start and completion times (from the events). */
export async function recentServiceTimes(db: Db, q: { tenantId: string; serviceCode: string; limit: number }): Promise<{ start: string; complete: string }[]> {
  const ids = await db
    .selectFrom('queue_tickets')
    .select('id')
    .where('tenant_id', '=', q.tenantId)
    .where('service_code', '=', q.serviceCode)
    .where('status', '=', 'completed')
    .orderBy('updated_at', 'desc')
    .limit(q.limit)
    .execute();
  if (ids.length === 0) return [];
  const events = await db
    .selectFrom('queue_events')
    .select(['ticket_id', 'action', 'at'])
    .where(
      'ticket_id',
      'in',
      ids.map((r) => r.id),
    )
    .where('action', 'in', ['start', 'complete'])
    .execute();
  return timesByTicket(events, 'start', 'complete', 'last');
}

/** Pairs each ticket's events into (from, to): the first `a` and the last (or first) `b`. */
function timesByTicket(events: { ticket_id: string; action: string; at: string }[], a: string, b: string, which: 'first' | 'last') {
  const by = new Map<string, { from?: string; to?: string }>();
  for (const e of events) {
    const t = by.get(e.ticket_id) ?? {};
    if (e.action === a && (!t.from || e.at < t.from)) t.from = e.at;
    if (e.action === b && (!t.to || (which === 'last' ? e.at > t.to : e.at < t.to))) t.to = e.at;
    by.set(e.ticket_id, t);
  }
  return [...by.values()].filter((t) => t.from && t.to).map((t) => ({ start: t.from!, complete: t.to! }));
}

/** Recent tickets of a service group that had a promise and have been called: the promise and the first call. */
export async function recentPromises(db: Db, q: { tenantId: string; serviceCode: string; limit: number }) {
  const tickets = await db
    .selectFrom('queue_tickets')
    .select(['id', 'issued_at', 'promised_wait_minutes'])
    .where('tenant_id', '=', q.tenantId)
    .where('service_code', '=', q.serviceCode)
    .where('promised_wait_minutes', 'is not', null)
    .where('status', '!=', 'waiting')
    .orderBy('issued_at', 'desc')
    .limit(q.limit)
    .execute();
  if (tickets.length === 0) return [];
  const calls = await db
    .selectFrom('queue_events')
    .select(['ticket_id', (eb) => eb.fn.min('at').as('first_call')])
    .where(
      'ticket_id',
      'in',
      tickets.map((t) => t.id),
    )
    .where('action', '=', 'call')
    .groupBy('ticket_id')
    .execute();
  const first = new Map(calls.map((c) => [c.ticket_id, String(c.first_call)]));
  return tickets.filter((t) => first.has(t.id)).map((t) => ({ issuedAt: t.issued_at, promised: Number(t.promised_wait_minutes), firstCall: first.get(t.id)! }));
}

/** The day's tickets of an office (the front desk's list, the display, the report), oldest first. */
export async function ticketsOfDay(db: Db, q: { tenantId: string; day: string; statuses?: readonly QueueStatus[] }): Promise<QueueTicket[]> {
  let query = db.selectFrom('queue_tickets').selectAll().where('tenant_id', '=', q.tenantId).where('day', '=', q.day);
  if (q.statuses) query = query.where('status', 'in', [...q.statuses]);
  return query.orderBy('issued_at').orderBy('service_code').orderBy('seq').execute();
}

/** Every event of the day's tickets (the report derives waiting and service times from them). */
export async function eventsOfDay(db: Db, q: { tenantId: string; day: string }) {
  return db
    .selectFrom('queue_events')
    .innerJoin('queue_tickets', 'queue_tickets.id', 'queue_events.ticket_id')
    .select(['queue_events.ticket_id', 'queue_events.action', 'queue_events.at', 'queue_tickets.service_code'])
    .where('queue_tickets.tenant_id', '=', q.tenantId)
    .where('queue_tickets.day', '=', q.day)
    .execute();
}

/** Today's ticket for a booking, if the visitor already reported. */
export async function ticketForBooking(db: Db, q: { tenantId: string; number: string; day: string }): Promise<QueueTicket | undefined> {
  return db
    .selectFrom('queue_tickets')
    .selectAll()
    .where('tenant_id', '=', q.tenantId)
    .where('appointment_number', '=', q.number)
    .where('day', '=', q.day)
    .executeTakeFirst();
}

/** How many wait in a service group today who may be called now (everyone but booked visitors whose slot is later). */
export async function waitingNow(db: Db, key: { tenantId: string; serviceCode: string; day: string; now: string }): Promise<number> {
  const row = await db
    .selectFrom('queue_tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', key.tenantId)
    .where('service_code', '=', key.serviceCode)
    .where('day', '=', key.day)
    .where('status', '=', 'waiting')
    .where((eb) => eb.or([eb('slot_start', 'is', null), eb('slot_start', '<=', key.now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ── Enrolled kiosks (migration 0025) ───────────────────────────────────────────────────────────────

export async function insertKiosk(db: Db, row: QueueKiosksTable): Promise<void> {
  await db.insertInto('queue_kiosks').values(row).execute();
}

/** True when the token's hash is an enrolled, not removed, kiosk of this office. */
export async function isEnrolledKiosk(db: Db, q: { tenantId: string; tokenHash: string }): Promise<boolean> {
  const row = await db
    .selectFrom('queue_kiosks')
    .select('id')
    .where('tenant_id', '=', q.tenantId)
    .where('token_hash', '=', q.tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The office's enrolled kiosks, oldest first. */
export async function listKiosks(db: Db, tenantId: string) {
  return db
    .selectFrom('queue_kiosks')
    .select(['id', 'name', 'enrolled_at'])
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .orderBy('enrolled_at')
    .orderBy('id')
    .execute();
}

/** Removes an enrolled kiosk; false when the office has no such kiosk (or it was removed already). */
export async function revokeKiosk(db: Db, q: { tenantId: string; id: string; now: string }): Promise<boolean> {
  const res = await db
    .updateTable('queue_kiosks')
    .set({ revoked_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
