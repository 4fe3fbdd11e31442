import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { uuidParam } from '../http/common.schemas.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { banner, button, csrfField, errorFor, type FieldError, radios } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { formText } from '../web/views.js';
import { CHANNELS } from './messages.js';
import { NOTIFICATIONS_MESSAGES } from './notifications.i18n.js';
import type { MessageView } from './notifications.service.js';

/** A kind, channel or status in words; an unknown one (a newer row) as itself. */
const label = (lang: Lang, prefix: string, value: string): string => {
  const entry = (NOTIFICATIONS_MESSAGES as Record<string, { id: string; en: string } | undefined>)[`${prefix}.${value}`];
  return entry ? entry[lang] : value;
};
export const messageKindLabel = (lang: Lang, kind: string) => label(lang, 'messages.kind', kind);
export const channelLabel = (lang: Lang, channel: string) => label(lang, 'messages.channel', channel);
export const deliveryStatusLabel = (lang: Lang, status: string) => label(lang, 'messages.status', status);

/**
 * The delivery state of each message about a file, for the officer's case page and the applicant's
 * own page: what, to whom (masked), channel, status and when.
 */
export function messagesSection(lang: Lang, messages: readonly MessageView[], timeZone: string, opts: { preferencesLink?: boolean } = {}): SafeHtml {
  return html`<section class="section" aria-labelledby="messages-heading" data-messages>
<h2 id="messages-heading">${t(lang, 'messages.section.title')}</h2>
${
  messages.length === 0
    ? html`<p class="muted">${t(lang, 'messages.section.empty')}</p>`
    : // A list, not a five-column table: it has to read on a 360 px phone.
      html`<dl class="summary-list">${messages.map(
        (m) =>
          html`<div class="summary-list__row" data-message="${m.id}" data-status="${m.status}"><dt class="summary-list__key">${messageKindLabel(lang, m.kind)}</dt><dd class="summary-list__value">${deliveryStatusLabel(lang, m.status)} · ${formatDateTime(lang, m.at, timeZone)}<br><span class="muted">${channelLabel(lang, m.channel)}: ${m.recipient}</span></dd></div>`,
      )}</dl>`
}
${opts.preferencesLink ? html`<p><a href="/akun/pemberitahuan">${t(lang, 'prefs.link')}</a></p>` : ''}
</section>`;
}

const prefsForm = () => z.object({ language: formText(5), channel: formText(20) });

/**
 * The admin's dead letters (/kantor/admin/pesan-gagal) with "send again", and a signed-in person's
 * message language and preferred channel (/akun/pemberitahuan).
 */
export function notificationPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const admin = { access: 'office', permission: 'messages.manage' } as const;

  page.get(
    '/kantor/admin/pesan-gagal',
    { ...admin, query: z.object({ ok: z.enum(['dikirim']).optional().catch(undefined) }) },
    async ({ req, reply, actor, query }) => {
      const lang = req.lang;
      const failed = await services.notifications.listFailedMessages({ actor });
      return sendPage(req, reply, {
        title: t(lang, 'admin.messages'),
        back: '/kantor/admin',
        notice: query.ok ? banner(t(lang, 'admin.messages.resent'), 'success') : null,
        body: html`<h1>${t(lang, 'admin.messages')}</h1>
<p>${t(lang, 'admin.messages.lead')}</p>
${
  failed.length === 0
    ? html`<p>${t(lang, 'admin.messages.empty')}</p>`
    : html`<table class="table">
<thead><tr><th scope="col">${t(lang, 'messages.col.what')}</th><th scope="col">${t(lang, 'messages.col.to')}</th><th scope="col">${t(lang, 'messages.col.channel')}</th><th scope="col">${t(lang, 'messages.col.attempts')}</th><th scope="col">${t(lang, 'messages.col.reason')}</th><th scope="col">${t(lang, 'messages.col.time')}</th><th scope="col"><span class="visually-hidden">${t(lang, 'admin.messages.resend')}</span></th></tr></thead>
<tbody>${failed.map(
        (m) => html`<tr data-message="${m.id}">
<td>${messageKindLabel(lang, m.kind)}</td><td>${m.recipient}</td><td>${channelLabel(lang, m.channel)}</td><td>${m.attempts}</td><td data-reason>${m.reason ?? ''}</td><td>${formatDateTime(lang, m.at, req.tenant.time_zone)}</td>
<td><form method="post" action="/kantor/admin/pesan-gagal/${m.id}/kirim-lagi">${csrfField(req)}${button(t(lang, 'admin.messages.resend'), { secondary: true })}</form></td>
</tr>`,
      )}</tbody>
</table>`
}`,
      });
    },
  );

  page.post(
    '/kantor/admin/pesan-gagal/:id/kirim-lagi',
    { ...admin, params: z.object({ id: uuidParam }), form: () => z.object({}) },
    async ({ reply, actor, params }) => {
      await services.notifications.resendMessage({ actor, id: params.id });
      return reply.redirect('/kantor/admin/pesan-gagal?ok=dikirim', 303);
    },
  );

  const prefsPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: { language: string; channel: string },
    opts: { errors?: FieldError[]; saved?: boolean } = {},
  ) => {
    const lang = req.lang;
    const errors = opts.errors ?? [];
    return sendPage(req, reply, {
      title: t(lang, 'prefs.title'),
      errors,
      notice: opts.saved ? banner(t(lang, 'prefs.saved'), 'success') : null,
      body: html`<h1>${t(lang, 'prefs.title')}</h1>
<p>${t(lang, 'prefs.lead')}</p>
<form method="post" action="/akun/pemberitahuan" novalidate>
  ${csrfField(req)}
  ${radios({
    lang,
    name: 'language',
    label: t(lang, 'prefs.language'),
    value: values.language,
    error: errorFor(errors, 'language'),
    options: [
      { value: 'id', label: t(lang, 'prefs.language.id') },
      { value: 'en', label: t(lang, 'prefs.language.en') },
    ],
  })}
  ${radios({
    lang,
    name: 'channel',
    label: t(lang, 'prefs.channel'),
    value: values.channel,
    error: errorFor(errors, 'channel'),
    options: [{ value: 'office', label: t(lang, 'prefs.channel.default') }, ...CHANNELS.map((c) => ({ value: c, label: channelLabel(lang, c) }))],
  })}
  ${button(t(lang, 'prefs.save'))}
</form>`,
    });
  };

  page.get(
    '/akun/pemberitahuan',
    { access: 'signed-in', query: z.object({ ok: z.enum(['disimpan']).optional().catch(undefined) }) },
    async ({ req, reply, actor, query }) => {
      const prefs = await services.notifications.getMessagePreferences({ actor });
      return prefsPage(req, reply, { language: prefs.language, channel: prefs.channel ?? 'office' }, { saved: query.ok === 'disimpan' });
    },
  );

  page.post('/akun/pemberitahuan', { access: 'signed-in', form: prefsForm }, async ({ req, reply, actor, form }) => {
    const values = { language: form.values.language ?? '', channel: form.values.channel ?? '' };
    const errors: FieldError[] = [];
    if (!['id', 'en'].includes(values.language)) errors.push({ field: 'language', message: t(req.lang, 'prefs.language.required') });
    if (!['office', ...CHANNELS].includes(values.channel)) errors.push({ field: 'channel', message: t(req.lang, 'prefs.channel.required') });
    if (errors.length) return prefsPage(req, reply, values, { errors });
    await services.notifications.updateMessagePreferences({ actor, language: values.language, channel: values.channel === 'office' ? '' : values.channel });
    return reply.redirect('/akun/pemberitahuan?ok=disimpan', 303);
  });
}
