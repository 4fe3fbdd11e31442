import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Kysely } from 'kysely';
import type { Database, WhatsAppInbound } from '../db/schema.js';
import { applyProviderStatus } from '../notifications/deliveries.repository.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { AppError } from '../shared/errors.js';
import { addMinutes, type Clock, isoNow } from '../shared/time.js';
import { parseCommand } from './whatsapp.commands.js';
import { countRepliesSince, insertInboundOnce } from './whatsapp.repository.js';
import { inboundMessageSchema, type MessageStatus, messageStatusSchema, webhookSchema } from './whatsapp.schemas.js';
import { sameSecret } from './whatsapp.signature.js';

type WhatsAppConfig = NonNullable<Config['channels']['whatsapp']>;

/**
 * Replies one sender can cause in a window: a citizen (or a script on a real phone) sending a
 * hundred messages gets ten answers; the rest are stored for the help desk, unanswered. Meta bills
 * and rate-limits the office's number, and the outbox is shared with every other message.
 */
export const REPLY_LIMIT = { replies: 10, windowMinutes: 10 } as const;

/**
 * A question for the help desk often comes in several messages: the first is acknowledged, the rest
 * within this many minutes are stored for the help desk without another "we received your message".
 */
export const ACK_QUIET_MINUTES = 30;

/** The delivery statuses a message can take; Meta's others (deleted, warning, played) change nothing. */
const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
const isDeliveryStatus = (s: string): s is DeliveryStatus => (DELIVERY_STATUSES as readonly string[]).includes(s);

const fromUnix = (seconds: string) => new Date(Number(seconds) * 1000).toISOString();

function errorOf(s: MessageStatus): string | undefined {
  const e = s.errors?.[0];
  if (!e) return undefined;
  const text = [e.code !== undefined ? `#${e.code}` : '', e.title ?? e.message ?? '', e.error_data?.details ?? ''].filter(Boolean).join(' ');
  return text.slice(0, 500) || undefined;
}

/**
 * The office's WhatsApp number, inbound: Meta's subscription check and its signed webhook. The route
 * has already checked the signature (only Meta holds the app secret), so this is the system acting on
 * Meta's word, not a person's: there is no actor to authorise. Who may learn what about a file is
 * decided when the reply is made (whatsapp.handlers.ts), never here.
 */
export function createWhatsAppService(deps: {
  db: Db;
  clock: Clock;
  whatsapp: WhatsAppConfig;
  logger?: FastifyBaseLogger;
  /** The help desk (src/helpdesk/): an 'open' message joins the sender's help request, in the message's transaction. */
  helpdesk?: { prepareWhatsApp(tenantId: string): Promise<(trx: Kysely<Database>, row: WhatsAppInbound) => Promise<void>> };
}) {
  /** Meta's `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the challenge to echo, or null (403). */
  function verifySubscription(q: { mode?: string | undefined; token?: string | undefined; challenge?: string | undefined }): string | null {
    if (q.mode !== 'subscribe' || q.token === undefined || q.challenge === undefined) return null;
    return sameSecret(q.token, deps.whatsapp.verifyToken) ? q.challenge : null;
  }

  /**
   * A signed webhook: each inbound message stored once by its wamid, its reply queued in the same
   * transaction; each delivery status handed to the delivery records, which never move a message
   * backwards. Returns what it did, for the log. A message or status of a shape Izol does not know
   * is skipped, not refused: Meta gets 200 for a well-formed webhook whatever it carries (a 4xx would
   * make it deliver the same webhook again for days).
   */
  async function receiveWebhook(input: {
    tenantId: string;
    payload: unknown;
  }): Promise<{ stored: number; duplicates: number; statuses: number; skipped: number }> {
    const parsed = webhookSchema.safeParse(input.payload);
    if (!parsed.success) throw new AppError('invalid_input', 'not a WhatsApp Business Account webhook');
    const result = { stored: 0, duplicates: 0, statuses: 0, skipped: 0 };
    for (const change of parsed.data.entry.flatMap((e) => e.changes)) {
      const value = change.value;
      if (!value.messages && !value.statuses) continue; // account or template updates: nothing for Izol
      // One app can serve several numbers; Izol answers for the one it sends from.
      if (value.metadata?.phone_number_id !== deps.whatsapp.phoneNumberId) {
        result.skipped += (value.messages?.length ?? 0) + (value.statuses?.length ?? 0);
        continue;
      }
      const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]));
      for (const item of value.messages ?? []) {
        const message = inboundMessageSchema.safeParse(item);
        if (!message.success) {
          result.skipped++;
          deps.logger?.warn({ issues: message.error.issues.slice(0, 3) }, 'whatsapp: inbound message of an unknown shape skipped');
          continue;
        }
        const m = message.data;
        const text = m.type === 'text' ? (m.text?.body ?? '') : null;
        const command = text === null ? null : parseCommand(text).kind;
        const row: WhatsAppInbound = {
          id: randomUUID(),
          tenant_id: input.tenantId,
          wamid: m.id,
          sender: `+${m.from}`,
          sender_name: names.get(m.from) ?? null,
          type: m.type,
          body: text,
          command,
          status: command === null ? 'ignored' : command === 'other' ? 'open' : 'answered',
          reply_queued: 0,
          payload: JSON.stringify(m).slice(0, 20_000),
          sent_at: fromUnix(m.timestamp),
          received_at: isoNow(deps.clock),
        };
        // The help desk's calendar is read before the transaction (SQLite has one connection).
        const toHelpdesk = text !== null && deps.helpdesk ? await deps.helpdesk.prepareWhatsApp(input.tenantId) : null;
        const stored = await deps.db.transaction().execute(async (trx) => {
          if (command !== null) {
            const sender = { tenantId: input.tenantId, sender: row.sender };
            const recent = await countRepliesSince(trx, { ...sender, since: addMinutes(row.received_at, -REPLY_LIMIT.windowMinutes) });
            const acknowledged =
              command === 'other' &&
              (await countRepliesSince(trx, { ...sender, since: addMinutes(row.received_at, -ACK_QUIET_MINUTES), command: 'other' })) > 0;
            row.reply_queued = recent < REPLY_LIMIT.replies && !acknowledged ? 1 : 0;
            // A command over the limit was not answered: it waits for the help desk like a question.
            if (!row.reply_queued) row.status = 'open';
          }
          if (!(await insertInboundOnce(trx, row))) return false;
          if (row.status === 'open' && toHelpdesk) await toHelpdesk(trx, row);
          if (row.reply_queued) await enqueue(trx, { tenantId: input.tenantId, message: { topic: 'whatsapp.reply', inboundId: row.id }, now: row.received_at });
          return true;
        });
        if (stored) result.stored++;
        else result.duplicates++;
      }
      for (const item of value.statuses ?? []) {
        const status = messageStatusSchema.safeParse(item);
        const s = status.success ? status.data : undefined;
        if (!s || !isDeliveryStatus(s.status)) {
          result.skipped++;
          continue;
        }
        await applyProviderStatus(deps.db, { providerMessageId: s.id, status: s.status, at: fromUnix(s.timestamp), error: errorOf(s) });
        result.statuses++;
      }
    }
    return result;
  }

  return { verifySubscription, receiveWebhook };
}
export type WhatsAppService = ReturnType<typeof createWhatsAppService>;
