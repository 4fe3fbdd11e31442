import type { Db } from '../db/database.js';

/**
 * The head's dashboard's SQL for the office's other services (issue 13, item 1): the help desk's first
 * answers and the queue's tickets and events of a period. Revenue and the SKM survey are read through
 * their own modules' repository functions (revenue.repository.ts, survey.repository.ts).
 */

/** The help requests received (created_at) in [fromIso, toIso): when each came in, was first answered, and its due date. */
export async function listHelpFirstResponses(
  db: Db,
  q: { tenantId: string; fromIso: string; toIso: string },
): Promise<{ created_at: string; first_response_at: string | null; first_response_due_on: string }[]> {
  return db
    .selectFrom('help_requests')
    .select(['created_at', 'first_response_at', 'first_response_due_on'])
    .where('tenant_id', '=', q.tenantId)
    .where('created_at', '>=', q.fromIso)
    .where('created_at', '<', q.toIso)
    .orderBy('created_at')
    .execute();
}

/** The tickets issued on the office-local days fromDay … toDay (inclusive): when each was issued. */
export async function listQueueTicketsOfDays(db: Db, q: { tenantId: string; fromDay: string; toDay: string }): Promise<{ id: string; issued_at: string }[]> {
  return db
    .selectFrom('queue_tickets')
    .select(['id', 'issued_at'])
    .where('tenant_id', '=', q.tenantId)
    .where('day', '>=', q.fromDay)
    .where('day', '<=', q.toDay)
    .orderBy('issued_at')
    .execute();
}

/** Every event of those tickets (waiting and service times are derived from them, as the queue's day report does). */
export async function listQueueEventsOfDays(
  db: Db,
  q: { tenantId: string; fromDay: string; toDay: string },
): Promise<{ ticket_id: string; action: string; at: string; service_code: string }[]> {
  return db
    .selectFrom('queue_events')
    .innerJoin('queue_tickets', (j) =>
      j.onRef('queue_tickets.id', '=', 'queue_events.ticket_id').onRef('queue_tickets.tenant_id', '=', 'queue_events.tenant_id'),
    )
    .select(['queue_events.ticket_id as ticket_id', 'queue_events.action as action', 'queue_events.at as at', 'queue_tickets.service_code as service_code'])
    .where('queue_tickets.tenant_id', '=', q.tenantId)
    .where('queue_tickets.day', '>=', q.fromDay)
    .where('queue_tickets.day', '<=', q.toDay)
    .execute();
}
