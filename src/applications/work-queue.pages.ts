import type { FastifyInstance } from 'fastify';
import { can } from '../access/access.js';
import { z } from 'zod';
import { uuidParam } from '../http/common.schemas.js';
import type { SlaStatus } from '../sla/sla.js';
import type { Services } from '../services.js';
import { button, csrfField, fieldId, tag, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDate, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { calendarGapWarning } from '../sla/holidays.pages.js';
import { pageKit } from '../web/page-route.js';
import { OPEN_SLA_STATUSES, type WorkQueueFilters } from './application-lists.js';
import { CHANNELS } from './applications.schemas.js';

const SLA_COLOURS: Record<SlaStatus, 'green' | 'yellow' | 'red' | 'grey'> = {
  on_track: 'green',
  due_soon: 'yellow',
  overdue: 'red',
  paused: 'grey',
  not_started: 'grey',
  closed: 'grey',
};

/** A filter typed in the address: kept when it fits, dropped (not the whole query) when it does not. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const queueQuery = z.object({
  cari: optional(z.string().trim().max(100)),
  jenis: optional(z.string().regex(/^[A-Za-z0-9]{2,12}$/)),
  saluran: optional(z.enum(CHANNELS)),
  tahap: optional(z.string().regex(/^[a-z_]{2,40}$/)),
  sla: optional(z.enum(OPEN_SLA_STATUSES)),
  milik: optional(z.literal('saya')),
  halaman: z.coerce.number().int().min(1).max(10_000).catch(1),
});
type QueueQuery = z.infer<typeof queueQuery>;

const takeParams = z.object({ id: uuidParam });

/**
 * The back office's work queue: the files waiting for the officer's role (or held by them), filtered
 * by type, channel, state, SLA status, number or name, soonest due first, a page at a time, each with
 * a button to take it. The queue, its count and its pages come from the service's read model; the
 * links come from its flags, and the state choices from the workflows, so the page decides nothing.
 */
export function workQueuePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get('/kantor', { access: 'office', query: queueQuery }, async ({ req, reply, lang, actor, query }) => {
    const filters: WorkQueueFilters = {
      q: query.cari || undefined,
      permitCode: query.jenis?.toUpperCase(),
      channel: query.saluran,
      state: query.tahap,
      sla: query.sla,
      mine: query.milik === 'saya',
    };
    const [queue, calendarGap] = await Promise.all([
      services.applications.listWorkQueue({ actor, filters, page: query.halaman }),
      services.holidays.calendarGap({ actor, timeZone: req.tenant.time_zone }),
    ]);
    const { items, total, pageCount, choices } = queue;
    const current = queue.page;
    const link = (n: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...query, halaman: n } satisfies QueueQuery))
        if (v !== undefined && v !== '' && !(k === 'halaman' && v === 1)) params.set(k, String(v));
      const search = params.toString();
      return search ? `/kantor?${search}` : '/kantor';
    };
    const select = (
      name: keyof QueueQuery,
      label: string,
      value: string | undefined,
      options: { value: string; label: string }[],
    ) => html`<div class="form-group filter">
  <label class="label" for="${fieldId(name)}">${label}</label>
  <select class="input" id="${fieldId(name)}" name="${name}"><option value="">${t(lang, 'office.filter.all')}</option>${options.map((o) => html`<option value="${o.value}"${o.value === value ? html` selected` : ''}>${o.label}</option>`)}</select>
</div>`;
    const pageText = (n: number) => t(lang, 'office.queue.page', { n, total: pageCount });
    const pagination =
      pageCount > 1 || current > 1
        ? html`<nav class="pagination" aria-label="${t(lang, 'office.queue.pagination')}"><ul class="pagination__list">
  ${current > 1 ? html`<li class="pagination__prev"><a href="${link(Math.min(current - 1, pageCount))}" rel="prev">${t(lang, 'office.queue.prev')}<span class="visually-hidden">: ${pageText(Math.min(current - 1, pageCount))}</span></a></li>` : ''}
  ${current <= pageCount ? html`<li class="pagination__current" aria-current="page">${pageText(current)}</li>` : ''}
  ${current < pageCount ? html`<li class="pagination__next"><a href="${link(current + 1)}" rel="next">${t(lang, 'office.queue.next')}<span class="visually-hidden">: ${pageText(current + 1)}</span></a></li>` : ''}
</ul></nav>`
        : '';
    return sendPage(req, reply, {
      title: current > 1 ? `${t(lang, 'office.queue.title')} (${pageText(current)})` : t(lang, 'office.queue.title'),
      body: html`<h1>${t(lang, 'office.queue.title')}</h1>
${calendarGapWarning(lang, calendarGap, queue.can.administer)}
${queue.can.intake ? html`<p><a href="/kantor/loket">${t(lang, 'office.link.intake')}</a></p>` : ''}
${can(actor, 'parcels.manage', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/kiriman">${t(lang, 'parcels.title')}</a></p>` : ''}
${can(actor, 'appointment.bookFor', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/janji-temu">${t(lang, 'apt.desk.title')}</a></p>` : ''}
${can(actor, 'queue.serve', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/antrian">${t(lang, 'queue.desk.title')}</a></p>` : ''}
${can(actor, 'helpdesk.manage', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/bantuan">${t(lang, 'helpdesk.title')}</a></p>` : ''}
${can(actor, 'contacts.view', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/warga">${t(lang, 'contacts.office.title')}</a></p>` : ''}
${can(actor, 'dataRequests.manage', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/data-pribadi">${t(lang, 'pdp.office.title')}</a></p>` : ''}
${can(actor, 'payments.manage', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/bendahara/pembayaran">${t(lang, 'recon.link.held')}</a></p><p><a href="/kantor/bendahara/rekonsiliasi">${t(lang, 'recon.link.reconciliation')}</a></p>` : ''}
${can(actor, 'revenue.read', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/pendapatan">${t(lang, 'revenue.title')}</a></p>` : ''}
${can(actor, 'dashboard.read', { tenantId: actor.tenantId }) ? html`<p><a href="/kantor/dasbor">${t(lang, 'dashboard.link')}</a></p>` : ''}
${queue.can.administer ? html`<p><a href="/kantor/admin">${t(lang, 'office.link.admin')}</a></p>` : ''}
<form method="get" action="/kantor" class="filters">
  ${textInput({ lang, name: 'cari', label: t(lang, 'office.filter.search'), value: query.cari, maxlength: 100, spellcheck: false })}
  ${select(
    'jenis',
    t(lang, 'office.filter.type'),
    query.jenis?.toUpperCase(),
    choices.permitTypes.map((pt) => ({ value: pt.code, label: loc(lang, pt.name) })),
  )}
  ${select(
    'saluran',
    t(lang, 'detail.channel'),
    query.saluran,
    CHANNELS.map((c) => ({ value: c, label: t(lang, `channel.${c}`) })),
  )}
  ${select(
    'tahap',
    t(lang, 'detail.status'),
    query.tahap,
    choices.states.map((st) => ({ value: st.code, label: loc(lang, st.label) })),
  )}
  ${select(
    'sla',
    'SLA',
    query.sla,
    choices.sla.map((k) => ({ value: k, label: t(lang, `case.sla.${k}`) })),
  )}
  ${select('milik', t(lang, 'office.filter.holder'), query.milik, [{ value: 'saya', label: t(lang, 'office.filter.mine') }])}
  ${button(t(lang, 'office.filter.apply'), { secondary: true })}
</form>
<p data-queue-total="${total}">${t(lang, 'office.queue.lead', { n: total })}</p>
${
  items.length
    ? html`<ul class="card-list">${items.map(
        (v) => html`<li data-queue-item="${v.id}"><h2><a href="/kantor/berkas/${v.id}">${v.number}</a></h2>
  <p>${loc(lang, v.permitType.name)} · ${v.applicantName} · ${t(lang, `channel.${v.channel}`)}</p>
  <p>${loc(lang, v.state.label)} · ${tag(t(lang, `case.sla.${v.sla.status}`), SLA_COLOURS[v.sla.status])}${v.sla.dueDate ? html` <span class="muted">${t(lang, 'office.queue.due', { date: formatDate(lang, `${v.sla.dueDate}T12:00:00Z`, 'UTC') })}</span>` : ''}</p>
  <p>${v.heldByYou ? html`<strong>${t(lang, 'office.queue.yours')}</strong>` : v.assignedTo ? html`<span class="muted">${t(lang, 'office.queue.taken')}</span>` : ''}</p>
  ${v.heldByYou ? '' : html`<form method="post" action="/kantor/berkas/${v.id}/ambil">${csrfField(req)}<button type="submit" class="button button--secondary">${t(lang, 'office.queue.take')}<span class="visually-hidden"> ${v.number}</span></button></form>`}</li>`,
      )}</ul>`
    : html`<p>${t(lang, 'office.queue.none')}</p>`
}
${pagination}`,
    });
  });

  /** Take a file: it shows as yours in the queue (audited). */
  page.post('/kantor/berkas/:id/ambil', { access: 'office', params: takeParams }, async ({ reply, actor, params }) => {
    await services.assignment.assignApplication({ actor, applicationId: params.id, assigneeId: actor.userId });
    return reply.redirect('/kantor', 303);
  });
}
