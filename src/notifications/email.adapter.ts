import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import { type ChannelAdapter, GATEWAY_TIMEOUT_MS, networkFailure, type Outgoing, type SendResult } from './channels.js';

type EmailConfig = NonNullable<Config['channels']['email']>;

/** The domain of the From address, for Message-IDs (`"Izol <izol@kota.go.id>"` → kota.go.id). */
function fromDomain(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'izol.invalid';
}

/**
 * Email over SMTP with nodemailer. SMTP_URL `smtp://user:pass@host:587` uses STARTTLS when the server
 * offers it, `smtps://user:pass@host:465` implicit TLS. Each message carries a stable Message-ID
 * made of its idempotency key, so a resend after a crash between the call and recording its result
 * is the same message to the recipient's mail system (which may show it once), never a new one.
 * SMTP 5xx is a permanent refusal; 4xx and connection trouble are retried.
 */
export function createEmailAdapter(cfg: EmailConfig): ChannelAdapter {
  const transport = nodemailer.createTransport({
    url: cfg.smtpUrl,
    connectionTimeout: GATEWAY_TIMEOUT_MS,
    greetingTimeout: GATEWAY_TIMEOUT_MS,
    socketTimeout: GATEWAY_TIMEOUT_MS,
  });
  const domain = fromDomain(cfg.from);
  return {
    channel: 'email',
    async send(m: Outgoing): Promise<SendResult> {
      if (m.rendered.channel !== 'email') throw new Error(`email adapter given a ${m.rendered.channel} message`);
      const messageId = `<${m.idempotencyKey}@${domain}>`;
      try {
        await transport.sendMail({
          from: cfg.from,
          to: m.to,
          subject: m.rendered.subject,
          text: m.rendered.text,
          html: m.rendered.html,
          messageId,
          headers: { 'Content-Language': m.language },
        });
        return { ok: true, providerMessageId: messageId };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; message?: string };
        if (typeof e.responseCode === 'number') {
          return { ok: false, permanent: e.responseCode >= 500, reason: `email: SMTP ${e.responseCode} ${e.response ?? e.message ?? ''}`.slice(0, 500) };
        }
        return networkFailure('email', err);
      }
    },
  };
}
