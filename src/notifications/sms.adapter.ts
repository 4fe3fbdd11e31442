import type { Config } from '../config.js';
import { type ChannelAdapter, GATEWAY_TIMEOUT_MS, networkFailure, type Outgoing, type SendResult } from './channels.js';

type SmsConfig = NonNullable<Config['channels']['sms']>;

/**
 * SMS through a generic HTTP provider (README "Message delivery" documents the contract):
 *   POST SMS_API_URL
 *   Authorization: Bearer SMS_API_TOKEN
 *   Idempotency-Key: izol-<outbox id>-<8 hex>   (the same on every retry of one message)
 *   Content-Type: application/json
 *   {"to": "+6281234567890", "from": "<SMS_SENDER_ID>", "text": "<one line>"}
 * answered with 2xx and {"id": "<provider message id>"}. A provider that honours the key answers a
 * repeated key with the first message's id and sends nothing: a retry after a crash between the
 * call and recording its result then reaches the phone once. 4xx (but 408, 409 and 429) is a
 * permanent refusal; 5xx, 408, 409 (the same key still in progress), 429 and network errors are retried.
 */
export function createSmsAdapter(cfg: SmsConfig, fetchImpl: typeof fetch = fetch): ChannelAdapter {
  return {
    channel: 'sms',
    async send(m: Outgoing): Promise<SendResult> {
      let res: Response;
      try {
        res = await fetchImpl(cfg.apiUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${cfg.token}`, 'idempotency-key': m.idempotencyKey, 'content-type': 'application/json' },
          body: JSON.stringify({ to: m.to, from: cfg.senderId, text: m.rendered.text }),
          signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
        });
      } catch (err) {
        return networkFailure('sms', err);
      }
      const text = await res.text().catch(() => '');
      const body = parseObject(text);
      if (res.ok && typeof body?.id === 'string' && body.id) return { ok: true, providerMessageId: body.id };
      const detail =
        typeof body?.error === 'string' ? body.error : typeof body?.message === 'string' ? body.message : text.slice(0, 200) || 'unexpected answer';
      const transient = res.status >= 500 || [408, 409, 429].includes(res.status) || res.ok;
      return { ok: false, permanent: !transient, reason: `sms: HTTP ${res.status} ${detail}`.slice(0, 500) };
    },
  };
}

function parseObject(text: string): { id?: unknown; error?: unknown; message?: unknown } | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}
