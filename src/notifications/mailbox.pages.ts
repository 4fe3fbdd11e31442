import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { html } from '../web/html.js';
import { formatDateTime, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { channelLabel, deliveryStatusLabel } from './notifications.pages.js';

/**
 * The development mailbox: every message of the office as its recipient reads it (on the channel it
 * went or would go by), with its delivery status; with no channel configured that is all there is
 * (status 'mailbox'). Not in production.
 */
export function mailboxPages(app: FastifyInstance, services: Services): void {
  if (services.config.env === 'production') return;
  const page = pageKit(app);
  page.get('/dev/kotak-surat', { access: 'anyone' }, async ({ req, reply, lang }) => {
    const mails = await services.notifications.developmentMailbox({ tenantId: req.tenant.id });
    return sendPage(req, reply, {
      title: t(lang, 'mailbox.title'),
      body: html`<h1>${t(lang, 'mailbox.title')}</h1><p>${t(lang, 'mailbox.lead')}</p>
${mails.length === 0 ? html`<p>${t(lang, 'mailbox.empty')}</p>` : ''}
<ul class="card-list">${mails.map(
        (m) =>
          html`<li data-status="${m.status}"><h2>${m.subject}</h2><p class="muted">${channelLabel(lang, m.channel)} → ${m.recipient} · ${deliveryStatusLabel(lang, m.status)} · ${formatDateTime(lang, m.created_at, req.tenant.time_zone)}</p><p data-mail-body>${m.body
            .split('\n')
            .map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p></li>`,
      )}</ul>`,
    });
  });
}
