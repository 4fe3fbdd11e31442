import type { Kysely } from 'kysely';
import type { Database, QueueEventsTable, QueueStatus, QueueTicket, QueueTicketsTable } from '../db/schema.js';

type Db = Kysely<Database>;

/**
 * The day's next number for a service group, inside the caller's transaction: the counter row is made
 * at 1 or incremented in one statement (insert-on-conflict-do-update returning), so two tickets never get
 * the same number, and a ticket whose transaction fails gives its number back with the rollback (no gaps).
 */
export async function nextTicketNumber(trx: Db, key: { tenantId: string; serviceCode: string; day: string }): Promise<number> {
  const row = await trx
    .insertInto('queue_counters')
    .values({ tenant_id: key.tenantId, service_code: key.serviceCode, day: key.day, last_number: 1 })
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

/** How many tickets of the same service and day are still waiting ahead of this one. */
export async function waitingBefore(db: Db, t: Pick<QueueTicket, 'tenant_id' | 'service_code' | 'day' | 'seq'>): Promise<number> {
  const row = await db
    .selectFrom('queue_tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', t.tenant_id)
    .where('service_code', '=', t.service_code)
    .where('day', '=', t.day)
    .where('status', '=', 'waiting')
    .where('seq', '<', t.seq)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The oldest waiting ticket's id for a service and day, if any. */
export async function oldestWaiting(db: Db, key: { tenantId: string; serviceCode: string; day: string }): Promise<string | undefined> {
  const row = await db
    .selectFrom('queue_tickets')
    .select('id')
    .where('tenant_id', '=', key.tenantId)
    .where('service_code', '=', key.serviceCode)
    .where('day', '=', key.day)
    .where('status', '=', 'waiting')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
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

/** True when the office has a booking with this number that is still booked. */
export async function bookedAppointmentExists(db: Db, tenantId: string, number: string): Promise<boolean> {
  const row = await db
    .selectFrom('appointments')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('number', '=', number)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return row !== undefined;
}
