import type { Config } from '../config.js';
import { type ChannelAdapter, GATEWAY_TIMEOUT_MS, networkFailure, type Outgoing, type SendResult } from './channels.js';
import type { RenderedWhatsApp } from './messages.js';

type WhatsAppConfig = NonNullable<Config['channels']['whatsapp']>;

/** The JSON body of POST /{phone-number-id}/messages (WhatsApp Business Platform, Cloud API). */
export type CloudApiMessage =
  | {
      messaging_product: 'whatsapp';
      recipient_type: 'individual';
      to: string;
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components: (
          | { type: 'body'; parameters: { type: 'text'; text: string }[] }
          | { type: 'button'; sub_type: 'url'; index: string; parameters: { type: 'text'; text: string }[] }
        )[];
      };
    }
  | { messaging_product: 'whatsapp'; recipient_type: 'individual'; to: string; type: 'text'; text: { preview_url: false; body: string } };

/** Cloud API error codes worth retrying: throttling, temporary unavailability, Meta's "something went wrong". */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

/** The Cloud API wants the number in international form without the plus: 6281234567890. */
export function waDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

export function cloudApiMessage(to: string, rendered: RenderedWhatsApp): CloudApiMessage {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: waDigits(to) } as const;
  if (!rendered.template) return { ...base, type: 'text', text: { preview_url: false, body: rendered.text } };
  const t = rendered.template;
  return {
    ...base,
    type: 'template',
    template: {
      name: t.name,
      language: { code: t.languageCode },
      components: [
        { type: 'body', parameters: t.bodyParameters.map((text) => ({ type: 'text', text })) },
        // Authentication templates: the copy-code button carries the code as its url parameter.
        ...(t.copyCode !== undefined
          ? [{ type: 'button' as const, sub_type: 'url' as const, index: '0', parameters: [{ type: 'text' as const, text: t.copyCode }] }]
          : []),
      ],
    },
  };
}

/**
 * WhatsApp through Meta's Cloud API. The Cloud API has NO idempotency key: a send retried after a
 * crash between the call and recording its result (or after a timeout whose request did arrive)
 * reaches the citizen twice. WhatsApp is therefore at-least-once; SMS (Idempotency-Key) and email
 * (a stable Message-ID) are not. Delivery statuses come back later by webhook (applyProviderStatus).
 */
export function createWhatsAppAdapter(cfg: WhatsAppConfig, fetchImpl: typeof fetch = fetch): ChannelAdapter {
  const url = `${cfg.apiUrl}/${encodeURIComponent(cfg.phoneNumberId)}/messages`;
  return {
    channel: 'whatsapp',
    async send(m: Outgoing): Promise<SendResult> {
      if (m.rendered.channel !== 'whatsapp') throw new Error(`whatsapp adapter given a ${m.rendered.channel} message`);
      let res: Response;
      try {
        res = await fetchImpl(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${cfg.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(cloudApiMessage(m.to, m.rendered)),
          signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
        });
      } catch (err) {
        return networkFailure('whatsapp', err);
      }
      const body = (await res.json().catch(() => null)) as {
        messages?: { id?: string }[];
        error?: { message?: string; code?: number; error_data?: { details?: string } };
      } | null;
      const id = body?.messages?.[0]?.id;
      if (res.ok && id) return { ok: true, providerMessageId: id };
      const e = body?.error;
      const reason =
        `whatsapp: HTTP ${res.status}${e?.code !== undefined ? ` (#${e.code})` : ''} ${e?.error_data?.details ?? e?.message ?? 'unexpected answer'}`.trim();
      const transient = res.status >= 500 || res.status === 429 || (e?.code !== undefined && TRANSIENT_CODES.has(e.code));
      return { ok: false, permanent: !transient, reason: reason.slice(0, 500) };
    },
  };
}
