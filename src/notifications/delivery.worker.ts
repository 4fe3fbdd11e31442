import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.js';
import type { Job } from '../jobs/jobs.js';
import { addMinutes, type Clock, isoNow } from '../shared/time.js';
import type { ChannelAdapters, SendResult } from './channels.js';
import { applyEarlyStatus, claimDueDeliveries, type Delivery, officeName, renewLease, routeOf, updateLeasedDelivery } from './deliveries.repository.js';
import { parseMessage, renderMessage } from './messages.js';

/** Attempts on one channel before the message falls back to the next one (or dies). */
export const ATTEMPTS_PER_CHANNEL = 5;
/** Longer than any gateway call may take (GATEWAY_TIMEOUT_MS), so a live worker never loses its lease mid-call. */
export const DELIVERY_LEASE_MINUTES = 5;

/**
 * The key a provider sees for every try of one delivery round: the outbox id, plus the start of the
 * message's own id so a restored backup or a second installation on the same provider account (whose
 * outbox ids start again at 1) is never mistaken for a repeat; `-r<n>` after the n-th "send again".
 */
export function idempotencyKey(row: Pick<Delivery, 'id' | 'outbox_id' | 'resends'>): string {
  return `izol-${row.outbox_id}-${row.id.slice(0, 8)}${row.resends > 0 ? `-r${row.resends}` : ''}`;
}

/**
 * The delivery job, the second stage after the outbox handler composed a message. For each due
 * message: claim it with a lease (short transaction), call the gateway OUTSIDE any transaction with
 * the outbox id as idempotency key, then record the result in another short update that only
 * counts while the lease is still ours.
 *
 * A crash between the call and the record leaves the message pending with a lease that runs out;
 * another worker (or the restarted one) sends it again with the same key: never lost, and sent once
 * where the provider honours the key (SMS; email keeps one Message-ID). WhatsApp's Cloud API has no
 * key, so there it is at-least-once.
 *
 * Failures: a transient one retries the same channel after 1, 2, 4, 8 … minutes; a permanent one, or
 * ATTEMPTS_PER_CHANNEL transient ones, falls back to the next channel of the recipient's route that
 * this deployment has; with none left the message is dead (the admin's dead-letter page). With no
 * channel configured for any of the recipient's addresses, outside production the message stays in
 * the built-in mailbox (status 'mailbox'); in production it is dead with that reason.
 */
export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  adapters: ChannelAdapters;
  production: boolean;
  logger?: FastifyBaseLogger;
  pollMs: number;
  batchSize?: number;
  workerId?: string;
}) {
  const workerId = deps.workerId ?? randomUUID();
  const now = () => isoNow(deps.clock);

  /** The first entry at or after `from` whose channel this deployment can send on. */
  function usableStep(row: Delivery, from: number): number {
    const route = routeOf(row);
    for (let i = from; i < route.length; i++) if (deps.adapters[route[i]!.channel]) return i;
    return -1;
  }

  function noChannelReason(row: Delivery): string {
    const route = routeOf(row);
    if (route.length === 0) return 'no channel: the recipient has no email address or phone number';
    const have = [...new Set(route.map((r) => r.channel))].join(', ');
    return `no working channel: the recipient can be reached by ${have}, and none of these is configured (SMTP_URL, WHATSAPP_*, SMS_*)`;
  }

  async function deliver(row: Delivery): Promise<void> {
    if (!(await renewLease(deps.db, { id: row.id, workerId, now: now(), leaseMinutes: DELIVERY_LEASE_MINUTES }))) return;
    const route = routeOf(row);
    const step = usableStep(row, row.route_step);
    if (step < 0) {
      const at = now();
      if (!deps.production && row.route_step === 0) {
        await updateLeasedDelivery(deps.db, { id: row.id, workerId, set: { status: 'mailbox', status_at: at } });
      } else {
        const reason = row.route_step === 0 || !row.last_error ? noChannelReason(row) : `${row.last_error}; no other channel left`;
        await updateLeasedDelivery(deps.db, { id: row.id, workerId, set: { status: 'dead', last_error: reason.slice(0, 1000), status_at: at } });
      }
      return;
    }
    const entry = route[step]!;
    const message = parseMessage(row.kind, row.params);
    const rendered = renderMessage(message, row.language, entry.channel, await officeName(deps.db, row.tenant_id));
    if (step !== row.route_step || entry.channel !== row.channel || entry.address !== row.recipient) {
      // A fallback (or a channel configured since): the row shows what is now being sent, and where.
      const kept = await updateLeasedDelivery(deps.db, {
        id: row.id,
        workerId,
        keepLease: true,
        set: { route_step: step, channel: entry.channel, recipient: entry.address, subject: rendered.subject, body: rendered.text, channel_attempts: 0 },
      });
      if (!kept) return;
      row = { ...row, route_step: step, channel: entry.channel, recipient: entry.address, channel_attempts: 0 };
    }

    // Outside any transaction: the gateway may take seconds; nothing is locked meanwhile but our lease.
    let result: SendResult;
    try {
      result = await deps.adapters[entry.channel]!.send({ to: entry.address, idempotencyKey: idempotencyKey(row), language: row.language, rendered });
    } catch (err) {
      result = { ok: false, permanent: false, reason: `${entry.channel}: ${(err as Error).message}` };
    }

    const at = now();
    const attempts = row.attempts + 1;
    if (result.ok) {
      await updateLeasedDelivery(deps.db, {
        id: row.id,
        workerId,
        set: {
          status: 'sent',
          provider_message_id: result.providerMessageId,
          sent_at: at,
          status_at: at,
          attempts,
          channel_attempts: row.channel_attempts + 1,
        },
      });
      // The provider may have reported on it before this answer was written (a quick `failed`).
      await applyEarlyStatus(deps.db, result.providerMessageId);
      return;
    }
    deps.logger?.warn({ notificationId: row.id, channel: entry.channel, reason: result.reason }, 'message delivery failed');
    const channelAttempts = row.channel_attempts + 1;
    if (!result.permanent && channelAttempts < ATTEMPTS_PER_CHANNEL) {
      await updateLeasedDelivery(deps.db, {
        id: row.id,
        workerId,
        set: { attempts, channel_attempts: channelAttempts, last_error: result.reason, available_at: addMinutes(at, 2 ** (channelAttempts - 1)) },
      });
      return;
    }
    const next = usableStep(row, step + 1);
    const why = result.permanent ? result.reason : `${result.reason} (${channelAttempts} attempts)`;
    if (next >= 0) {
      await updateLeasedDelivery(deps.db, {
        id: row.id,
        workerId,
        set: { attempts, channel_attempts: channelAttempts, route_step: next, last_error: why, available_at: at },
      });
    } else {
      await updateLeasedDelivery(deps.db, {
        id: row.id,
        workerId,
        set: { attempts, channel_attempts: channelAttempts, status: 'dead', last_error: why.slice(0, 1000), status_at: at },
      });
    }
  }

  /** Delivers what is due now; returns how many messages were tried. */
  async function runOnce(): Promise<number> {
    const rows = await claimDueDeliveries(deps.db, { workerId, now: now(), limit: deps.batchSize ?? 20, leaseMinutes: DELIVERY_LEASE_MINUTES });
    for (const row of rows) {
      try {
        await deliver(row);
      } catch (err) {
        // A broken row (unreadable params): leave it to its lease and say so; it is retried later.
        deps.logger?.error({ notificationId: row.id, err: (err as Error).message }, 'message delivery crashed');
      }
    }
    return rows.length;
  }

  /** Runs until nothing is due (tests and scripts). */
  async function drain(): Promise<number> {
    let total = 0;
    for (let n = await runOnce(); n > 0; n = await runOnce()) total += n;
    return total;
  }

  const job: Job = { name: 'deliveries', intervalMs: deps.pollMs, runAtStart: true, run: () => drain() };
  return { runOnce, drain, job, workerId };
}
export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
