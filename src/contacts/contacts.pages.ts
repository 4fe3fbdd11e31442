import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../access/access.js';
import type { Application } from '../db/schema.js';
import { uuidParam } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import type { Lang } from '../shared/messages.js';
import { AppError } from '../shared/errors.js';
import { button, type FieldError, summaryList, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, type MessageKey, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { fieldErrors } from '../web/views.js';
import type { ChannelHistory, ContactItem } from './contacts.service.js';

const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const pageQuery = { halaman: z.coerce.number().int().min(1).max(10_000).catch(1) };
const searchQuery = z.object({ telepon: optional(z.string().trim().max(40)), email: optional(z.string().trim().max(254)), ...pageQuery });
const userParams = z.object({ userId: uuidParam });
const CHANNELS = ['online', 'walk_in', 'courier', 'assisted', 'whatsapp', 'instagram', 'facebook', 'phone', 'email', 'web', 'kiosk', 'front_desk', 'booking'];

const channelLabel = (lang: Lang, channel: string) => (CHANNELS.includes(channel) ? t(lang, `contacts.channel.${channel}` as MessageKey) : channel);

/**
 * Where a contact's page is, for someone the service said may open it: an application (the office's case
 * page or the citizen's own), a parcel and a help request (office pages only). Bookings and queue tickets
 * add theirs here once they have a staff page.
 */
function hrefOf(item: ContactItem, office: boolean): string | null {
  if (!item.canOpen) return null;
  switch (item.kind) {
    case 'application':
      return office ? `/kantor/berkas/${item.refId}` : `/permohonan/${item.refId}`;
    case 'parcel':
      return office ? `/kantor/kiriman/${item.refId}` : null;
    case 'help_request':
      return office ? `/kantor/bantuan/${item.refId}` : null;
    case 'booking':
    case 'queue_ticket':
      return null;
  }
}

/** The history as a GOV.UK table, with its pages. */
function historyTable(lang: Lang, zone: string, h: ChannelHistory, office: boolean, pageLink: (n: number) => string): SafeHtml {
  if (h.total === 0) return html`<p>${t(lang, 'contacts.empty')}</p>`;
  const pageCount = Math.max(1, Math.ceil(h.total / h.pageSize));
  const pageText = (n: number) => t(lang, 'contacts.page', { n, total: pageCount });
  const about = (i: ContactItem) => {
    const href = hrefOf(i, office);
    // A help request's own text stays on the help desk: the history names it in the page's language.
    const label = i.kind === 'help_request' ? t(lang, 'contacts.about.help_request', { channel: channelLabel(lang, i.channel) }) : i.label;
    const text = i.number ? `${label} · ${i.number}` : label;
    return href ? html`<a href="${href}">${text}</a>` : text;
  };
  return html`<p>${t(lang, 'contacts.count', { n: h.total })}</p>
<div class="table-wrap"><table class="table" data-contacts>
  <caption class="table__caption">${t(lang, 'contacts.caption')}</caption>
  <thead><tr><th scope="col">${t(lang, 'contacts.col.date')}</th><th scope="col">${t(lang, 'contacts.col.kind')}</th><th scope="col">${t(lang, 'contacts.col.channel')}</th><th scope="col">${t(lang, 'contacts.col.about')}</th></tr></thead>
  <tbody>${h.items.map(
    (i) => html`<tr data-contact="${i.refId}">
    <td><time datetime="${i.at}">${formatDateTime(lang, i.at, zone)}</time></td>
    <td>${t(lang, `contacts.kind.${i.kind}`)}</td>
    <td>${channelLabel(lang, i.channel)}</td>
    <td>${about(i)}</td>
  </tr>`,
  )}</tbody>
</table></div>
${
  pageCount > 1
    ? html`<nav class="pagination" aria-label="${t(lang, 'contacts.pagination')}"><ul class="pagination__list">
  ${h.page > 1 ? html`<li class="pagination__prev"><a href="${pageLink(Math.min(h.page - 1, pageCount))}" rel="prev">${t(lang, 'contacts.prev')}<span class="visually-hidden">: ${pageText(Math.min(h.page - 1, pageCount))}</span></a></li>` : ''}
  ${h.page <= pageCount ? html`<li class="pagination__current" aria-current="page">${pageText(h.page)}</li>` : ''}
  ${h.page < pageCount ? html`<li class="pagination__next"><a href="${pageLink(h.page + 1)}" rel="next">${t(lang, 'contacts.next')}<span class="visually-hidden">: ${pageText(h.page + 1)}</span></a></li>` : ''}
</ul></nav>`
    : ''
}`;
}

/** Who the history is of: the account's name and the verified addresses that joined rows, or the address looked up. */
function subjectList(lang: Lang, h: ChannelHistory): SafeHtml {
  const { subject } = h;
  const unverified = t(lang, 'contacts.subject.unverified');
  return summaryList([
    ...(subject.name ? [{ key: t(lang, 'contacts.subject.name'), value: subject.name }] : []),
    { key: t(lang, 'contacts.subject.phone'), value: subject.phone ?? (subject.userId ? unverified : '–') },
    { key: t(lang, 'contacts.subject.email'), value: subject.email ?? (subject.userId ? unverified : '–') },
    ...(subject.userId
      ? []
      : [
          {
            key: t(lang, 'contacts.subject.account'),
            value: subject.account
              ? html`<a href="/kantor/warga/${subject.account.userId}">${subject.account.name}</a> <span class="muted">(${t(lang, 'contacts.subject.history')})</span>`
              : t(lang, 'contacts.subject.noAccount'),
          },
        ]),
  ]);
}

function searchForm(lang: Lang, values: { telepon?: string | undefined; email?: string | undefined }, errors: FieldError[]): SafeHtml {
  const error = (f: string) => errors.find((e) => e.field === f)?.message;
  return html`<form method="get" action="/kantor/warga" novalidate>
  ${textInput({ lang, name: 'telepon', label: t(lang, 'contacts.search.phone'), hint: t(lang, 'contacts.search.phone.hint'), value: values.telepon, type: 'tel', autocomplete: 'off', width: 'medium', maxlength: 40, error: error('telepon') })}
  ${textInput({ lang, name: 'email', label: t(lang, 'contacts.search.email'), value: values.email, type: 'email', autocomplete: 'off', spellcheck: false, maxlength: 254, error: error('email') })}
  ${button(t(lang, 'contacts.search.submit'))}
</form>`;
}

/**
 * The channel history pages: the office's look-up by number or email (/kantor/warga) and by account
 * (/kantor/warga/<id>, linked from the case page), and the citizen's own (/akun/riwayat). The service
 * decides who may see what and which contacts may be opened; these pages render its answer.
 */
export function contactPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const office = { access: 'office', permission: 'contacts.view' } as const;
  const render = (req: FastifyRequest, reply: FastifyReply, opts: { title: string; body: SafeHtml; errors?: FieldError[]; back?: string }) =>
    sendPage(req, reply, { title: opts.title, body: opts.body, errors: opts.errors, ...(opts.back ? { back: opts.back } : {}) });

  page.get('/kantor/warga', { ...office, query: searchQuery }, async ({ req, reply, lang, actor, query }) => {
    const title = t(lang, 'contacts.office.title');
    const telepon = query.telepon || undefined;
    const email = query.email || undefined;
    const lead = html`<h1>${title}</h1><p>${t(lang, 'contacts.office.lead')}</p>`;
    if (!telepon && !email) return render(req, reply, { title, back: '/kantor', body: html`${lead}${searchForm(lang, query, [])}` });
    let history: ChannelHistory;
    try {
      history = await services.contacts.getChannelHistory({ actor, phone: telepon, email, page: query.halaman });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
      const errors =
        telepon && email
          ? [{ field: 'telepon', message: t(lang, 'contacts.search.one') }]
          : fieldErrors(req, err.details.fields, (f) => (f === 'email' ? 'email' : 'telepon'));
      return render(req, reply, { title, back: '/kantor', errors, body: html`${lead}${searchForm(lang, query, errors)}` });
    }
    const link = (n: number) =>
      `/kantor/warga?${new URLSearchParams({ ...(telepon ? { telepon } : {}), ...(email ? { email } : {}), ...(n > 1 ? { halaman: String(n) } : {}) }).toString()}`;
    return render(req, reply, {
      title,
      back: '/kantor',
      body: html`${lead}${searchForm(lang, query, [])}
<h2>${telepon ?? email}</h2>
${subjectList(lang, history)}
${historyTable(lang, req.tenant.time_zone, history, true, link)}`,
    });
  });

  page.get('/kantor/warga/:userId', { ...office, params: userParams, query: z.object(pageQuery) }, async ({ req, reply, lang, actor, params, query }) => {
    const history = await services.contacts.getChannelHistory({ actor, userId: params.userId, page: query.halaman });
    const title = `${t(lang, 'contacts.office.title')}: ${history.subject.name ?? ''}`;
    const link = (n: number) => (n > 1 ? `/kantor/warga/${params.userId}?halaman=${n}` : `/kantor/warga/${params.userId}`);
    return render(req, reply, {
      title,
      back: '/kantor/warga',
      body: html`<p class="caption">${t(lang, 'contacts.office.title')}</p>
<h1>${history.subject.name ?? ''}</h1>
${subjectList(lang, history)}
${historyTable(lang, req.tenant.time_zone, history, true, link)}`,
    });
  });

  page.get('/akun/riwayat', { access: 'signed-in', query: z.object(pageQuery) }, async ({ req, reply, lang, actor, query }) => {
    const history = await services.contacts.getMyChannelHistory({ actor, page: query.halaman });
    const title = t(lang, 'contacts.mine.title');
    const joinedAll = history.subject.phone !== null || history.subject.email !== null;
    return render(req, reply, {
      title,
      back: '/akun/profil',
      body: html`<h1>${title}</h1>
<p>${t(lang, 'contacts.mine.lead')}</p>
<p>${t(lang, 'contacts.mine.verify')}${joinedAll ? '' : html` <a href="/akun/verifikasi">${t(lang, 'contacts.mine.verify.link')}</a>`}</p>
${historyTable(lang, req.tenant.time_zone, history, false, (n) => (n > 1 ? `/akun/riwayat?halaman=${n}` : '/akun/riwayat'))}`,
    });
  });
}

/**
 * The case page's link to the applicant's history (office-application.view.ts), for staff who may look
 * people up: by their account once they have one, else by the number or email the front desk recorded.
 */
export function contactHistoryLink(req: FastifyRequest, app: Pick<Application, 'applicant_id' | 'applicant_contact'>): SafeHtml | '' {
  if (!req.actor || !can(req.actor, 'contacts.view', { tenantId: req.tenant.id })) return '';
  const contact = app.applicant_contact;
  const href = app.applicant_id
    ? `/kantor/warga/${app.applicant_id}`
    : contact
      ? `/kantor/warga?${new URLSearchParams(contact.includes('@') ? { email: contact } : { telepon: contact }).toString()}`
      : null;
  return href ? html`<br><a href="${href}" data-contact-history>${t(req.lang, 'contacts.case.link')}</a>` : '';
}
