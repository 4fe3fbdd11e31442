import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.js';
import type { Database, OutboxRow } from '../db/schema.js';
import type { Job } from '../jobs/jobs.js';
import { type Clock, isoNow } from '../shared/time.js';
import { claimDue, markDone, markFailed } from './outbox.repository.js';
import { type OutboxMessage, type OutboxTopic, outboxMessageSchema } from './outbox.schemas.js';

/**
 * A handler runs inside the transaction that marks its row done. Effects written to the database
 * in `trx` (notifications, generated records) therefore happen exactly once. Effects outside the
 * database must be idempotent on `row.id` (pass it as the idempotency key to a gateway).
 */
export type OutboxHandler<T extends OutboxTopic> = (trx: Kysely<Database>, message: Extract<OutboxMessage, { topic: T }>, row: OutboxRow) => Promise<void>;
export type OutboxHandlers = { [T in OutboxTopic]: OutboxHandler<T> };

class LeaseLost extends Error {}

export function createOutboxWorker(deps: { db: Db; clock: Clock; handlers: OutboxHandlers; logger?: FastifyBaseLogger; pollMs: number; batchSize?: number }) {
  const workerId = randomUUID();

  async function handle(row: OutboxRow): Promise<void> {
    try {
      const message = outboxMessageSchema.parse(JSON.parse(row.payload));
      await deps.db.transaction().execute(async (trx) => {
        const handler = deps.handlers[message.topic] as OutboxHandler<typeof message.topic>;
        await handler(trx, message, row);
        if (!(await markDone(trx, { id: row.id, workerId, now: isoNow(deps.clock) }))) throw new LeaseLost();
      });
    } catch (err) {
      if (err instanceof LeaseLost) return; // another instance took it over after our lease ran out
      deps.logger?.warn({ outboxId: row.id, topic: row.topic, err: (err as Error).message }, 'outbox message failed; will retry');
      await markFailed(deps.db, { row, workerId, now: isoNow(deps.clock), error: (err as Error).message });
    }
  }

  /** Processes what is due now; returns how many messages were handled. */
  async function runOnce(): Promise<number> {
    const rows = await claimDue(deps.db, { workerId, now: isoNow(deps.clock), limit: deps.batchSize ?? 20, leaseMinutes: 5 });
    for (const row of rows) await handle(row);
    return rows.length;
  }

  /** Runs until nothing is due (tests and scripts use this to settle the outbox). */
  async function drain(): Promise<number> {
    let total = 0;
    for (let n = await runOnce(); n > 0; n = await runOnce()) total += n;
    return total;
  }

  /** The outbox in the jobs loop: each poll interval, every instance handles what is due (leases keep them apart). */
  const job: Job = { name: 'outbox', intervalMs: deps.pollMs, runAtStart: true, run: () => drain() };

  return {
    runOnce,
    drain,
    job,
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
