import type { Kysely } from 'kysely';
import type { Database, WhatsAppInbound } from '../db/schema.js';

/**
 * Stores an inbound message unless one with its wamid is already there; true if this call stored
 * it. The unique constraint decides, so two deliveries of one message racing on two instances
 * store it once (on PostgreSQL the second insert waits for the first to commit, then does nothing).
 */
export async function insertInboundOnce(trx: Kysely<Database>, row: WhatsAppInbound): Promise<boolean> {
  const res = await trx
    .insertInto('whatsapp_inbound')
    .values(row)
    .onConflict((oc) => oc.column('wamid').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findInbound(db: Kysely<Database>, tenantId: string, id: string): Promise<WhatsAppInbound | undefined> {
  return db.selectFrom('whatsapp_inbound').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** How many replies were queued for this sender since `since`, to messages of `command` if given (the reply limits). */
export async function countRepliesSince(db: Kysely<Database>, q: { tenantId: string; sender: string; since: string; command?: string }): Promise<number> {
  const row = await db
    .selectFrom('whatsapp_inbound')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', q.tenantId)
    .where('sender', '=', q.sender)
    .where('received_at', '>=', q.since)
    .where('reply_queued', '=', 1)
    .$if(q.command !== undefined, (w) => w.where('command', '=', q.command!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
