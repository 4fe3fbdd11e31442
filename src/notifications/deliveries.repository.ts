import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import { dialectOf } from '../db/dialect.js';
import type { Database, NotificationsTable } from '../db/schema.js';
import { addMinutes } from '../shared/time.js';
import { CHANNELS, type Channel, type Language, renderMessage } from './messages.js';

/**
 * Deliveries: a notification row is one message to one recipient, composed in the outbox
 * transaction and then delivered by the delivery job (delivery.worker.ts). Every query of the
 * delivery side lives here. Status:
 *   pending   waiting for (or in) a gateway call; `locked_by`/`locked_until` is the lease
 *   sent      the gateway took it (provider_message_id); delivered / read follow by webhook
 *   failed    the provider reported it failed after taking it, and no channel was left to try
 *   dead      refused for good, N attempts used up, or no working channel: the admin's dead letters
 *   mailbox   no channel configured outside production: the built-in mailbox only (as before 0012)
 */

export type Delivery = Selectable<NotificationsTable>;
export type DeliveryStatus = NotificationsTable['status'];
export type RouteEntry = { channel: Channel; address: string };

const routeSchema = z.array(z.object({ channel: z.enum(CHANNELS), address: z.string() }));
export function routeOf(row: Pick<Delivery, 'id' | 'route'>): RouteEntry[] {
  const parsed = routeSchema.safeParse(JSON.parse(row.route));
  if (!parsed.success) throw new Error(`notification ${row.id} has an unreadable route`);
  return parsed.data;
}

/**
 * Writes a message at most once per outbox row (a unique outbox_id): a composition retried after a
 * lost lease finds it already there and adds nothing.
 */
export async function insertDelivery(trx: Kysely<Database>, row: Insertable<NotificationsTable>): Promise<void> {
  await trx
    .insertInto('notifications')
    .values(row)
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
}

/**
 * Contract for src/whatsapp/ (inbound messages): queues a free-text WhatsApp reply to a citizen who
 * wrote to the office's number, so inside the 24-hour customer-service window. Call it in the
 * transaction of the outbox row that answers the inbound message (`outboxId`: at most one reply per
 * outbox row). The delivery job sends it like any other message; WhatsApp only, no fallback.
 */
/** The office's display name (tenants.name), which every message is signed with; empty for an unknown office. */
export async function officeName(db: Kysely<Database>, tenantId: string): Promise<string> {
  const row = await db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirst();
  return row?.name ?? '';
}

export async function queueReply(
  trx: Kysely<Database>,
  input: { tenantId: string; outboxId: number; to: string /* +628… */; text: string; language: 'id' | 'en'; now?: string },
): Promise<void> {
  // The outbox row's time: the service clock's (tests move it), not this machine's.
  const outbox = await trx.selectFrom('outbox').select('created_at').where('id', '=', input.outboxId).executeTakeFirst();
  const now = input.now ?? outbox?.created_at ?? new Date().toISOString();
  const rendered = renderMessage({ kind: 'whatsapp_reply', params: { text: input.text } }, input.language, 'whatsapp', '');
  await insertDelivery(trx, {
    id: randomUUID(),
    tenant_id: input.tenantId,
    outbox_id: input.outboxId,
    channel: 'whatsapp',
    recipient_user_id: null,
    recipient: input.to,
    subject: rendered.subject,
    body: rendered.text,
    created_at: now,
    kind: 'whatsapp_reply',
    params: JSON.stringify({ text: input.text }),
    language: input.language,
    status: 'pending',
    application_id: null,
    route: JSON.stringify([{ channel: 'whatsapp', address: input.to }] satisfies RouteEntry[]),
    route_step: 0,
    attempts: 0,
    channel_attempts: 0,
    resends: 0,
    available_at: now,
    status_at: now,
  });
}

/** Which statuses a provider's status may move a message from: forwards only (read never becomes delivered). */
const MOVES_FROM: Record<'sent' | 'delivered' | 'read' | 'failed', DeliveryStatus[]> = {
  sent: [],
  delivered: ['sent'],
  read: ['sent', 'delivered'],
  failed: ['sent', 'delivered'],
};

type ProviderStatus = { providerMessageId: string; status: 'sent' | 'delivered' | 'read' | 'failed'; at: string; error?: string | undefined };
const STATUS_RANK: Record<ProviderStatus['status'], number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Contract for src/whatsapp/ (the statuses in Meta's webhook): applies a delivery status to the
 * message the provider knows by `providerMessageId`. Never moves a message backwards; `failed` after
 * `sent`/`delivered` falls back to the message's next channel if it has one, else records it as
 * failed with the reason (the dead-letter page lists it). A status for an id not recorded yet (Meta
 * can answer faster than the send's own result is written) is kept for a day and applied when the
 * id is recorded (`applyEarlyStatus`); one for an id Izol never sent just expires. Returns whether
 * a message changed now.
 */
export async function applyProviderStatus(db: Kysely<Database>, input: ProviderStatus): Promise<boolean> {
  const applied = await applyToMessage(db, input);
  if (applied !== 'unknown') return applied;
  await parkEarlyStatus(db, input);
  // Both sides write, then read: the worker records the id and then looks here, this side parks the
  // status and then looks again, so whichever comes second sees the other.
  const now = await applyToMessage(db, input);
  if (now === 'unknown') return false;
  await db.deleteFrom('early_provider_statuses').where('provider_message_id', '=', input.providerMessageId).execute();
  return now;
}

async function parkEarlyStatus(db: Kysely<Database>, input: ProviderStatus): Promise<void> {
  await db
    .deleteFrom('early_provider_statuses')
    .where('received_at', '<', addMinutes(input.at, -24 * 60))
    .execute();
  const row = { status: input.status, at: input.at, error: input.error ?? null, received_at: input.at };
  const kept = await db.selectFrom('early_provider_statuses').select('status').where('provider_message_id', '=', input.providerMessageId).executeTakeFirst();
  if (!kept) {
    await db
      .insertInto('early_provider_statuses')
      .values({ provider_message_id: input.providerMessageId, ...row })
      .onConflict((oc) => oc.column('provider_message_id').doNothing())
      .execute();
  } else if (STATUS_RANK[input.status] > STATUS_RANK[kept.status]) {
    await db
      .updateTable('early_provider_statuses')
      .set(row)
      .where('provider_message_id', '=', input.providerMessageId)
      .where('status', '=', kept.status)
      .execute();
  }
}

/** After the send's result is recorded: a status that came before it is applied now. Returns whether one was. */
export async function applyEarlyStatus(db: Kysely<Database>, providerMessageId: string): Promise<boolean> {
  const early = await db.selectFrom('early_provider_statuses').selectAll().where('provider_message_id', '=', providerMessageId).executeTakeFirst();
  if (!early) return false;
  await db.deleteFrom('early_provider_statuses').where('provider_message_id', '=', providerMessageId).execute();
  return (await applyToMessage(db, { providerMessageId, status: early.status, at: early.at, error: early.error ?? undefined })) === true;
}

async function applyToMessage(
  db: Kysely<Database>,
  input: { providerMessageId: string; status: 'sent' | 'delivered' | 'read' | 'failed'; at: string; error?: string },
): Promise<boolean | 'unknown'> {
  const row = await db.selectFrom('notifications').selectAll().where('provider_message_id', '=', input.providerMessageId).executeTakeFirst();
  const from = MOVES_FROM[input.status];
  if (!row) return 'unknown';
  if (!from.includes(row.status)) return false;
  let set: Updateable<NotificationsTable>;
  if (input.status === 'failed') {
    const reason = `${row.channel}: the provider reported the message failed${input.error ? `: ${input.error}` : ''}`.slice(0, 1000);
    const hasNext = routeOf(row).length > row.route_step + 1;
    set = hasNext
      ? { status: 'pending', route_step: row.route_step + 1, channel_attempts: 0, available_at: input.at, last_error: reason, status_at: input.at }
      : { status: 'failed', last_error: reason, status_at: input.at };
  } else {
    set = { status: input.status, status_at: input.at };
  }
  const res = await db
    .updateTable('notifications')
    .set(set)
    .where('id', '=', row.id)
    .where('provider_message_id', '=', input.providerMessageId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Claims up to `limit` pending messages that are due, for `leaseMinutes` (the same two-step claim as
 * the outbox: on PostgreSQL the due ids `FOR UPDATE SKIP LOCKED`, then the lease on exactly those).
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  input: { workerId: string; now: string; limit: number; leaseMinutes: number },
): Promise<Delivery[]> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('notifications')
      .select('id')
      .where('status', '=', 'pending')
      .where('available_at', '<=', input.now)
      .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', input.now)]))
      .orderBy('available_at')
      .orderBy('outbox_id')
      .limit(input.limit)
      .$if(dialectOf(db) === 'postgres', (q) => q.forUpdate().skipLocked())
      .execute();
    if (due.length === 0) return [];
    const claimed = await trx
      .updateTable('notifications')
      .set({ locked_by: input.workerId, locked_until: addMinutes(input.now, input.leaseMinutes) })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .where('status', '=', 'pending')
      .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', input.now)]))
      .returningAll()
      .execute();
    // RETURNING keeps no order on PostgreSQL: hand the rows back in the order they are due.
    const position = new Map(due.map((r, i) => [r.id, i]));
    return claimed.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  });
}

/**
 * Writes what a delivery attempt came to, only while `workerId` still holds the lease on a pending
 * message: a worker that stalled past its lease (another took over) changes nothing. The lease is
 * released unless the caller keeps it (`keepLease`, when it switches the channel before sending).
 */
export async function updateLeasedDelivery(
  db: Kysely<Database>,
  input: { id: string; workerId: string; set: Updateable<NotificationsTable>; keepLease?: boolean },
): Promise<boolean> {
  const res = await db
    .updateTable('notifications')
    .set({ ...input.set, ...(input.keepLease ? {} : { locked_by: null, locked_until: null }) })
    .where('id', '=', input.id)
    .where('locked_by', '=', input.workerId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Renews `workerId`'s lease on a pending message just before its gateway call; false if the lease
 * was lost meanwhile (the worker stalled past it and another took the message over): then it must
 * not send. A worker works through its claimed batch one message at a time, so this keeps a slow
 * batch from sending messages that are no longer its own.
 */
export async function renewLease(db: Kysely<Database>, input: { id: string; workerId: string; now: string; leaseMinutes: number }): Promise<boolean> {
  const res = await db
    .updateTable('notifications')
    .set({ locked_until: addMinutes(input.now, input.leaseMinutes) })
    .where('id', '=', input.id)
    .where('locked_by', '=', input.workerId)
    .where('locked_until', '>=', input.now)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The office's dead letters (dead or failed), newest first. */
export async function listFailedDeliveries(db: Kysely<Database>, tenantId: string, limit: number): Promise<Delivery[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['dead', 'failed'])
    .orderBy('status_at', 'desc')
    .orderBy('outbox_id', 'desc')
    .limit(limit)
    .execute();
}

export async function findDelivery(db: Kysely<Database>, tenantId: string, id: string): Promise<Delivery | undefined> {
  return db.selectFrom('notifications').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/**
 * "Send again": a dead or failed message starts over from its first channel with a fresh round of
 * attempts and a new idempotency key (`resends` + 1: the provider may have remembered the old key's
 * refusal). Only from dead or failed, so two clicks queue it once.
 */
export async function requeueDelivery(trx: Kysely<Database>, input: { tenantId: string; id: string; now: string }): Promise<boolean> {
  const row = await findDelivery(trx, input.tenantId, input.id);
  if (!row || (row.status !== 'dead' && row.status !== 'failed')) return false;
  const res = await trx
    .updateTable('notifications')
    .set({
      status: 'pending',
      route_step: 0,
      channel_attempts: 0,
      resends: row.resends + 1,
      available_at: input.now,
      status_at: input.now,
      locked_by: null,
      locked_until: null,
      provider_message_id: null,
    })
    .where('id', '=', row.id)
    .where('status', 'in', ['dead', 'failed'])
    .where('resends', '=', row.resends)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The messages about one application, oldest first (the case pages' delivery section). */
export async function deliveriesOfApplication(db: Kysely<Database>, tenantId: string, applicationId: string): Promise<Delivery[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .orderBy('created_at')
    .orderBy('outbox_id')
    .execute();
}

/** The language and channel a person chose for their messages (null: Indonesian, the office's order). */
export async function messagePreferences(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<{ language: Language | null; channel: Channel | null }> {
  const row = await db
    .selectFrom('users')
    .select(['message_language', 'message_channel'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  const language = row?.message_language === 'id' || row?.message_language === 'en' ? row.message_language : null;
  const channel = (CHANNELS as readonly string[]).includes(row?.message_channel ?? '') ? (row!.message_channel as Channel) : null;
  return { language, channel };
}

export async function setMessagePreferences(
  db: Kysely<Database>,
  q: { tenantId: string; userId: string; language: Language; channel: Channel | null; now: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ message_language: q.language, message_channel: q.channel, updated_at: q.now })
    .where('tenant_id', '=', q.tenantId)
    .where('id', '=', q.userId)
    .execute();
}

/** The office's channel fallback order as stored (null: the default order). */
export async function officeChannelOrder(db: Kysely<Database>, tenantId: string): Promise<Channel[] | null> {
  const row = await db.selectFrom('tenants').select('channel_order').where('id', '=', tenantId).executeTakeFirst();
  return parseChannelOrder(row?.channel_order ?? null);
}

export function parseChannelOrder(text: string | null): Channel[] | null {
  if (!text) return null;
  const parsed = z.array(z.enum(CHANNELS)).safeParse(JSON.parse(text));
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}

export async function setOfficeChannelOrder(db: Kysely<Database>, q: { tenantId: string; order: Channel[] }): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ channel_order: JSON.stringify(q.order) })
    .where('id', '=', q.tenantId)
    .execute();
}
