import type { Channel, Language, Rendered } from './messages.js';

/**
 * One interface for every delivery channel. `send` is called by the delivery job outside any
 * database transaction; it never throws for a refused or failed message but says whether trying
 * again can help (`permanent: false`: network trouble, 5xx, rate limits) or not (a refused address,
 * a missing template, a bad token: the message falls back to its next channel or dies).
 */
export type Outgoing = {
  /** +628… for WhatsApp and SMS, an email address for email. */
  to: string;
  /** The same on every retry of one delivery round (`izol-<outbox id>-<8 hex>`, `-r<n>` after "send again"; delivery.worker.ts). */
  idempotencyKey: string;
  language: Language;
  rendered: Rendered;
};
export type SendResult = { ok: true; providerMessageId: string } | { ok: false; permanent: boolean; reason: string };

export interface ChannelAdapter {
  readonly channel: Channel;
  send(message: Outgoing): Promise<SendResult>;
}
export type ChannelAdapters = Partial<Record<Channel, ChannelAdapter>>;

/** A gateway call may take this long before it counts as failed (and is retried with the same key). */
export const GATEWAY_TIMEOUT_MS = 20_000;

/** What a failed HTTP call or a thrown error means, in a line an admin can act on. */
export function networkFailure(channel: Channel, err: unknown): SendResult {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail =
    e.name === 'TimeoutError' ? `no answer within ${GATEWAY_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(err));
  return { ok: false, permanent: false, reason: `${channel}: gateway unreachable (${detail})` };
}
