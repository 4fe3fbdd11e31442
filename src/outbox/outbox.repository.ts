import type { Kysely } from 'kysely';
import { dialectOf } from '../db/dialect.js';
import type { Database, OutboxRow } from '../db/schema.js';
import { addMinutes } from '../shared/time.js';
import type { OutboxMessage } from './outbox.schemas.js';

/** Queues a side effect inside the caller's transaction: it exists if and only if the change committed. */
export async function enqueue(trx: Kysely<Database>, input: { tenantId: string; message: OutboxMessage; now: string }): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      tenant_id: input.tenantId,
      topic: input.message.topic,
      payload: JSON.stringify(input.message),
      created_at: input.now,
      available_at: input.now,
      attempts: 0,
    })
    .execute();
}

/**
 * Claims up to `limit` due messages for `workerId` for `leaseMinutes`, in one short transaction:
 * pick the due ids (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so racing instances take different
 * rows), then stamp the lease on exactly those. (A single `UPDATE … WHERE id IN (SELECT … LIMIT n
 * FOR UPDATE SKIP LOCKED)` is a trap on PostgreSQL: the planner may rescan the subquery per row and
 * claim far more than `n`.)
 */
export async function claimDue(db: Kysely<Database>, input: { workerId: string; now: string; limit: number; leaseMinutes: number }): Promise<OutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('outbox')
      .select('id')
      .where('done_at', 'is', null)
      .where('available_at', '<=', input.now)
      .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', input.now)]))
      .orderBy('id')
      .limit(input.limit)
      .$if(dialectOf(db) === 'postgres', (q) => q.forUpdate().skipLocked())
      .execute();
    if (due.length === 0) return [];
    const claimed = await trx
      .updateTable('outbox')
      .set({ locked_by: input.workerId, locked_until: addMinutes(input.now, input.leaseMinutes) })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .where('done_at', 'is', null)
      .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', input.now)]))
      .returningAll()
      .execute();
    // RETURNING keeps no order on PostgreSQL: hand the rows back in the order they are due.
    const position = new Map(due.map((r, i) => [r.id, i]));
    return claimed.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  });
}

export async function markDone(trx: Kysely<Database>, input: { id: number; workerId: string; now: string }): Promise<boolean> {
  const res = await trx
    .updateTable('outbox')
    .set({ done_at: input.now, locked_by: null, locked_until: null })
    .where('id', '=', input.id)
    .where('locked_by', '=', input.workerId)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Backs off 1, 2, 4 … minutes (at most a day) after each failure. */
export async function markFailed(db: Kysely<Database>, input: { row: OutboxRow; workerId: string; now: string; error: string }): Promise<void> {
  const attempts = input.row.attempts + 1;
  await db
    .updateTable('outbox')
    .set({
      attempts,
      last_error: input.error.slice(0, 1000),
      available_at: addMinutes(input.now, Math.min(2 ** (attempts - 1), 1440)),
      locked_by: null,
      locked_until: null,
    })
    .where('id', '=', input.row.id)
    .where('locked_by', '=', input.workerId)
    .execute();
}

export async function pendingCount(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('done_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
