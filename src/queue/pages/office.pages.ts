import { can } from '../../access/access.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/messages.js';
import { isCalendarDate, localDate } from '../../shared/time.js';
import { banner, button, checkbox, csrfField, errorFor, type FieldError, radios, textarea, textInput } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { formatDate, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { errorMessage, formText } from '../../web/views.js';
import { KIOSK_COOKIE, QUEUE_ACTIONS, type QueueAction } from '../queue.schemas.js';
import { localTime } from '../queue.service.js';
import { type QueueSettings, queueSettingsSchema } from '../queue.settings.js';
import { statusText } from './public.pages.js';

const optionalText = (max: number) => z.string().max(max).optional().catch(undefined);
const ticketParams = z.object({ id: z.uuid() });
/** How long an enrolled kiosk's cookie lasts: five years (the admin removes a device from the list). */
const KIOSK_COOKIE_SECONDS = 5 * 365 * 24 * 3600;
const counterUrl = (counter: string, extra = '') => `/kantor/antrian/loket?loket=${encodeURIComponent(counter)}${extra}`;

function links(lang: Lang, admin: boolean): SafeHtml {
  return html`<ul class="inline-list">
  <li><a href="/kantor/antrian">${t(lang, 'queue.desk.title')}</a></li>
  <li><a href="/kantor/antrian/loket">${t(lang, 'queue.links.counter')}</a></li>
  <li><a href="/kantor/antrian/laporan">${t(lang, 'queue.links.report')}</a></li>
  <li><a href="/antrian">${t(lang, 'queue.links.kiosk')}</a></li>
  <li><a href="/antrian/layar">${t(lang, 'queue.links.display')}</a></li>
  ${admin ? html`<li><a href="/kantor/admin/antrian">${t(lang, 'queue.links.settings')}</a></li>` : ''}
</ul>`;
}

/** "Loket 1: KONSULTASI, PENGAJUAN" per line, to counters; null when a line does not read. */
function parseCounters(text: string): QueueSettings['counters'] | null {
  const out: QueueSettings['counters'] = [];
  for (const line of text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^([^:]{1,30}):(.*)$/.exec(line);
    if (!m) return null;
    const services = m[2]!
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    if (!services.length) return null;
    out.push({ name: m[1]!.trim(), services });
  }
  return out;
}
const countersText = (c: QueueSettings['counters']) => c.map((x) => `${x.name}: ${x.services.join(', ')}`).join('\n');

/**
 * The queue's office pages: the front desk's list of today's tickets (and a ticket for a visitor at the
 * desk), the counter officers' call screen, the day's waiting and service times, and the admin's queue
 * settings (counters and the groups each serves, the priority policy, the closing time, the grace period).
 */
export function queueOfficePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  /** The queue settings link, for whoever may change them. */
  const isAdmin = (req: FastifyRequest) => !!req.actor && can(req.actor, 'settings.manage', { tenantId: req.tenant.id });

  page.get(
    '/kantor/antrian',
    { access: 'office', permission: 'queue.serve', query: z.object({ diberi: optionalText(10) }) },
    async ({ req, reply, actor, query }) => deskPage(req, reply, actor, query.diberi),
  );

  const deskPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: NonNullable<FastifyRequest['actor']>,
    issued?: string,
    errors: FieldError[] = [],
  ) => {
    const lang = req.lang;
    const day = await services.queue.dayTickets({ actor, tenant: req.tenant, lang });
    return sendPage(req, reply, {
      title: t(lang, 'queue.desk.title'),
      errors,
      notice: issued ? banner(t(lang, 'queue.desk.issued', { number: issued }), 'success') : null,
      body: html`<h1>${t(lang, 'queue.desk.title')}</h1>
${links(lang, isAdmin(req))}
<h2>${t(lang, 'queue.desk.issue')}</h2>
<form method="post" action="/kantor/antrian/tiket" novalidate>${csrfField(req)}
  ${radios({
    lang,
    name: 'service',
    label: t(lang, 'queue.ticket.service'),
    error: errorFor(errors, 'service'),
    options: day.settings.appointments.services.map((s) => ({ value: s.code, label: s.name[lang] })),
  })}
  ${checkbox({ lang, name: 'prioritas', label: t(lang, 'queue.kiosk.priority') })}
  ${button(t(lang, 'queue.desk.issue.submit'))}
</form>
${
  day.tickets.length === 0
    ? html`<p>${t(lang, 'queue.desk.none')}</p>`
    : html`<div class="table-wrap"><table class="table">
  <caption class="table__caption">${t(lang, 'queue.desk.caption', { n: day.tickets.length })}</caption>
  <thead><tr><th scope="col">${t(lang, 'queue.desk.col.number')}</th><th scope="col">${t(lang, 'queue.desk.col.service')}</th><th scope="col">${t(lang, 'queue.desk.col.issued')}</th><th scope="col">${t(lang, 'queue.desk.col.status')}</th><th scope="col">${t(lang, 'queue.desk.col.counter')}</th><th scope="col">${t(lang, 'queue.desk.col.note')}</th></tr></thead>
  <tbody>${day.tickets.map(
    (x) => html`<tr data-ticket="${x.number}">
    <th scope="row"><a href="/antrian/tiket/${x.id}">${x.number}</a></th><td>${x.serviceName}</td><td>${localTime(x.issued_at, req.tenant.time_zone)}</td>
    <td>${statusText(lang, x.status)}</td><td>${x.counter ?? ''}</td>
    <td>${x.priority ? t(lang, 'queue.priority') : ''}${x.slot_start ? html` ${t(lang, 'queue.desk.booking', { time: localTime(x.slot_start, req.tenant.time_zone) })}` : ''}${x.transferred_from ? html` ${t(lang, 'queue.ticket.transferred', { number: x.transferred_from })}` : ''}</td>
  </tr>`,
  )}</tbody></table></div>`
}`,
    });
  };

  page.post(
    '/kantor/antrian/tiket',
    { access: 'office', permission: 'queue.serve', form: () => z.object({ service: formText(30), prioritas: z.string().optional() }) },
    async ({ req, reply, lang, actor, form }) => {
      const service = form.ok ? form.data.service : '';
      if (!service)
        return deskPage(req, reply, actor, undefined, [{ field: 'service', message: t(lang, 'field.required', { label: t(lang, 'queue.ticket.service') }) }]);
      try {
        const ticket = await services.queue.issueTicket({ tenant: req.tenant, actor, service, priority: form.ok && form.data.prioritas === 'yes', lang });
        return reply.redirect(`/kantor/antrian?diberi=${encodeURIComponent(ticket.number)}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return deskPage(req, reply, actor, undefined, [{ field: 'service', message: errorMessage(req, err) }]);
      }
    },
  );

  // ── The counter officers' call screen ──────────────────────────────────────────────────────────────
  const counterPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: NonNullable<FastifyRequest['actor']>,
    counter?: string,
    notice?: string,
    problem?: { message: string; status: number },
  ) => {
    const lang = req.lang;
    const day = await services.queue.dayTickets({ actor, tenant: req.tenant, lang });
    const counters = day.settings.queue.counters;
    const chosen = counters.find((c) => c.name === counter);
    if (!chosen) {
      return sendPage(req, reply, {
        title: t(lang, 'queue.counter.title'),
        body: html`<h1>${t(lang, 'queue.counter.title')}</h1>${links(lang, isAdmin(req))}
${
  counters.length === 0
    ? html`<p>${t(lang, 'queue.counter.none')}</p>`
    : html`<form method="get" action="/kantor/antrian/loket">
  ${radios({ lang, name: 'loket', label: t(lang, 'queue.counter.choose'), options: counters.map((c) => ({ value: c.name, label: c.name })) })}
  ${button(t(lang, 'queue.counter.choose.submit'))}
</form>`
}`,
      });
    }
    const here = day.tickets.filter((x) => x.counter === chosen.name && (x.status === 'called' || x.status === 'serving' || x.status === 'skipped'));
    const waiting = (code: string) => day.tickets.filter((x) => x.service_code === code && x.status === 'waiting').length;
    const names = new Map(day.settings.appointments.services.map((s) => [s.code, s.name[lang]]));
    const actionsFor = (status: string): QueueAction[] =>
      QUEUE_ACTIONS.filter(
        (a) =>
          a !== 'transfer' &&
          ({ start: ['called'], complete: ['serving'], recall: ['called', 'skipped'], skip: ['called'], no_show: ['called', 'skipped'] } as const)[a].includes(
            status as never,
          ),
      );
    return sendPage(req, reply, {
      title: `${t(lang, 'queue.counter.title')}: ${chosen.name}`,
      ...(problem ? { status: problem.status } : {}),
      notice: notice
        ? banner(notice, 'success')
        : problem
          ? html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary><p>${problem.message}</p></div>`
          : null,
      body: html`<h1>${t(lang, 'queue.counter.title')}: ${chosen.name}</h1>${links(lang, isAdmin(req))}
<h2>${t(lang, 'queue.counter.current')}</h2>
${
  here.length === 0
    ? html`<p>${t(lang, 'queue.counter.idle')}</p>`
    : here.map(
        (x) => html`<section class="panel" data-current="${x.number}" aria-label="${x.number}">
  <p class="q-number">${x.number}</p>
  <p>${x.serviceName} · ${statusText(lang, x.status)}${x.priority ? html` · ${t(lang, 'queue.priority')}` : ''}${x.slot_start ? html` · ${t(lang, 'queue.desk.booking', { time: localTime(x.slot_start, req.tenant.time_zone) })}` : ''}</p>
  <form method="post" action="/kantor/antrian/tiket/${x.id}/aksi" class="inline-form">${csrfField(req)}<input type="hidden" name="loket" value="${chosen.name}">
    ${actionsFor(x.status).map((a) => button(t(lang, `queue.action.${a}`), { name: 'action', value: a, secondary: a !== 'start' && a !== 'complete', warning: a === 'no_show' }))}
  </form>
  <form method="post" action="/kantor/antrian/tiket/${x.id}/aksi">${csrfField(req)}<input type="hidden" name="loket" value="${chosen.name}"><input type="hidden" name="action" value="transfer">
    ${radios({
      lang,
      name: 'service',
      label: t(lang, 'queue.action.transfer'),
      options: day.settings.appointments.services.filter((s) => s.code !== x.service_code).map((s) => ({ value: s.code, label: s.name[lang] })),
    })}
    ${button(t(lang, 'queue.action.transfer.submit'), { secondary: true })}
  </form>
</section>`,
      )
}
<form method="post" action="/kantor/antrian/loket/panggil">${csrfField(req)}<input type="hidden" name="loket" value="${chosen.name}">
  ${chosen.services.map((code) => html`<p>${button(t(lang, 'queue.counter.callNext', { service: names.get(code) ?? code, n: waiting(code) }), { name: 'service', value: code })}</p>`)}
</form>`,
    });
  };

  page.get(
    '/kantor/antrian/loket',
    { access: 'office', permission: 'queue.serve', query: z.object({ loket: optionalText(30), nomor: optionalText(10), aksi: optionalText(20) }) },
    async ({ req, reply, lang, actor, query }) => {
      const notice =
        query.nomor && query.aksi === 'call' && query.loket
          ? t(lang, 'queue.counter.called', { number: query.nomor, counter: query.loket })
          : query.nomor && query.aksi
            ? t(lang, 'queue.counter.done', { number: query.nomor, status: query.aksi })
            : undefined;
      return counterPage(req, reply, actor, query.loket, notice);
    },
  );

  page.post(
    '/kantor/antrian/loket/panggil',
    { access: 'office', permission: 'queue.serve', form: () => z.object({ loket: formText(30), service: formText(30) }) },
    async ({ req, reply, lang, actor, form }) => {
      const counter = form.ok ? form.data.loket : '';
      try {
        const called = await services.queue.callNext({ actor, tenant: req.tenant, service: form.ok ? form.data.service : '', counter, lang });
        return reply.redirect(counterUrl(counter, `&aksi=call&nomor=${encodeURIComponent(called.number)}`), 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.code === 'forbidden') throw err;
        return counterPage(req, reply, actor, counter, undefined, { message: errorMessage(req, err), status: err.status });
      }
    },
  );

  page.post(
    '/kantor/antrian/tiket/:id/aksi',
    {
      access: 'office',
      permission: 'queue.serve',
      params: ticketParams,
      form: () => z.object({ loket: formText(30), action: z.enum(QUEUE_ACTIONS).optional().catch(undefined), service: formText(30) }),
    },
    async ({ req, reply, lang, actor, params, form }) => {
      const counter = form.ok ? form.data.loket : '';
      const action = form.ok ? form.data.action : undefined;
      if (!action) return counterPage(req, reply, actor, counter, undefined, { message: t(lang, 'page.error.text'), status: 400 });
      try {
        const done = await services.queue.updateTicket({
          actor,
          tenant: req.tenant,
          id: params.id,
          action,
          service: form.ok && form.data.service ? form.data.service : undefined,
          lang,
        });
        return reply.redirect(counterUrl(counter, `&aksi=${encodeURIComponent(statusText(lang, done.status))}&nomor=${encodeURIComponent(done.number)}`), 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.code === 'forbidden' || err.code === 'not_found') throw err;
        return counterPage(req, reply, actor, counter, undefined, { message: errorMessage(req, err), status: err.status });
      }
    },
  );

  // ── The day's report ──────────────────────────────────────────────────────────────────────────────
  page.get(
    '/kantor/antrian/laporan',
    { access: 'office', permission: 'queue.serve', query: z.object({ tanggal: optionalText(10) }) },
    async ({ req, reply, lang, actor, query }) => {
      const today = localDate(services.clock.now().toISOString(), req.tenant.time_zone);
      const day = query.tanggal && isCalendarDate(query.tanggal) ? query.tanggal : today;
      const r = await services.queue.report({ actor, tenant: req.tenant, day, lang });
      const pair = (s: { median: number; mean: number } | null) => (s ? `${s.median} / ${s.mean}` : '–');
      return sendPage(req, reply, {
        title: t(lang, 'queue.report.title'),
        body: html`<h1>${t(lang, 'queue.report.title')}</h1>${links(lang, isAdmin(req))}
<form method="get" action="/kantor/antrian/laporan" class="inline-form">
  ${textInput({ lang, name: 'tanggal', label: t(lang, 'queue.report.day'), type: 'date', value: day, width: 'medium' })}
  ${button(t(lang, 'queue.report.show'), { secondary: true })}
</form>
<p class="hint">${t(lang, 'queue.report.hint')}</p>
<div class="table-wrap"><table class="table" data-report>
  <caption class="table__caption">${t(lang, 'queue.report.caption', { day })}</caption>
  <thead><tr><th scope="col">${t(lang, 'queue.desk.col.service')}</th><th scope="col">${t(lang, 'queue.report.col.tickets')}</th><th scope="col">${t(lang, 'queue.report.col.completed')}</th><th scope="col">${t(lang, 'queue.report.col.noShows')}</th><th scope="col">${t(lang, 'queue.report.col.wait')}</th><th scope="col">${t(lang, 'queue.report.col.service')}</th></tr></thead>
  <tbody>${r.rows.map(
    (row) =>
      html`<tr data-service="${row.service.code}"><th scope="row">${row.service.name}</th><td>${row.tickets}</td><td>${row.completed}</td><td>${row.noShows}</td><td data-wait>${pair(row.waiting)}</td><td data-service-time>${pair(row.serviceTime)}</td></tr>`,
  )}</tbody>
</table></div>`,
      });
    },
  );

  // ── The admin's queue settings ───────────────────────────────────────────────────────────────────
  const settingsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: NonNullable<FastifyRequest['actor']>,
    opts: {
      values?: Record<string, string>;
      errors?: FieldError[];
      saved?: boolean;
      kioskRemoved?: boolean;
      kioskProblem?: { value: string; error: string };
    } = {},
  ) => {
    const lang = req.lang;
    const current = await services.queue.getSettings({ actor, tenant: req.tenant });
    const q = current.queue;
    const v = opts.values ?? {
      counters: countersText(q.counters),
      weight: String(q.priority.weight),
      maxInRow: String(q.priority.maxInRow),
      closesAt: q.closesAt ?? '',
      grace: String(q.graceMinutes),
      defaultMinutes: String(q.defaultServiceMinutes),
    };
    const e = opts.errors ?? [];
    const num = (name: string, key: 'queue.settings.weight' | 'queue.settings.maxInRow' | 'queue.settings.grace' | 'queue.settings.defaultMinutes') =>
      textInput({
        lang,
        name,
        label: t(lang, key),
        hint: t(lang, `${key}.hint`),
        value: v[name],
        error: errorFor(e, name),
        inputmode: 'numeric',
        width: 'short',
        maxlength: 3,
      });
    return sendPage(req, reply, {
      title: t(lang, 'queue.settings.title'),
      errors: e,
      back: '/kantor/admin',
      notice: opts.saved ? banner(t(lang, 'queue.settings.saved'), 'success') : opts.kioskRemoved ? banner(t(lang, 'queue.kiosks.removed'), 'success') : null,
      ...(opts.kioskProblem ? { errors: [{ field: 'name', message: opts.kioskProblem.error }] } : {}),
      body: html`<h1>${t(lang, 'queue.settings.title')}</h1>
<form method="post" action="/kantor/admin/antrian" novalidate>${csrfField(req)}
  ${textarea({
    lang,
    name: 'counters',
    label: t(lang, 'queue.settings.counters'),
    hint: t(lang, 'queue.settings.counters.hint', { codes: current.appointments.services.map((s) => s.code).join(', ') }),
    value: v.counters,
    error: errorFor(e, 'counters'),
    maxlength: 3000,
  })}
  ${num('weight', 'queue.settings.weight')}
  ${num('maxInRow', 'queue.settings.maxInRow')}
  ${textInput({ lang, name: 'closesAt', label: t(lang, 'queue.settings.closesAt'), hint: t(lang, 'queue.settings.closesAt.hint'), value: v.closesAt, error: errorFor(e, 'closesAt'), width: 'short', maxlength: 5, optional: true })}
  ${num('grace', 'queue.settings.grace')}
  ${num('defaultMinutes', 'queue.settings.defaultMinutes')}
  ${button(t(lang, 'queue.settings.save'))}
</form>
${await kioskSection(req, lang, opts.kioskProblem)}`,
    });
  };

  /** The enrolled kiosks, each removable, and the form that enrols the device the admin is using. */
  const kioskSection = async (req: FastifyRequest, lang: Lang, problem?: { value: string; error: string }) => {
    const list = await services.queue.kiosks({ actor: req.actor!, tenant: req.tenant });
    return html`<h2 id="kios">${t(lang, 'queue.kiosks.title')}</h2>
<p>${t(lang, 'queue.kiosks.hint')}</p>
${
  list.length
    ? html`<ul class="list">${list.map(
        (k) => html`<li><strong>${k.name}</strong> · ${t(lang, 'queue.kiosks.enrolledAt', { when: formatDate(lang, k.enrolled_at, req.tenant.time_zone) })}
<form method="post" action="/kantor/admin/antrian/kios/hapus" class="inline-form">${csrfField(req)}<input type="hidden" name="id" value="${k.id}">${button(
          t(lang, 'queue.kiosks.remove', { name: k.name }),
          { warning: true },
        )}</form></li>`,
      )}</ul>`
    : html`<p>${t(lang, 'queue.kiosks.none')}</p>`
}
<form method="post" action="/kantor/admin/antrian/kios" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'name', label: t(lang, 'queue.kiosks.name'), hint: t(lang, 'queue.kiosks.name.hint'), value: problem?.value, error: problem?.error, maxlength: 60 })}
  ${button(t(lang, 'queue.kiosks.enrol'), { secondary: true })}
</form>`;
  };

  page.get(
    '/kantor/admin/antrian',
    { access: 'office', permission: 'settings.manage', query: z.object({ ok: optionalText(20) }) },
    async ({ req, reply, actor, query }) => settingsPage(req, reply, actor, { saved: query.ok === 'disimpan', kioskRemoved: query.ok === 'kios-dihapus' }),
  );

  // ── Kiosk enrolment: the device the admin uses gets a long-lived cookie with its kiosk token ──────
  page.post(
    '/kantor/admin/antrian/kios',
    { access: 'office', permission: 'settings.manage', form: () => z.object({ name: formText(100) }) },
    async ({ req, reply, lang, actor, form }) => {
      const name = (form.values.name ?? '').trim();
      if (!form.ok || !name || name.length > 60) {
        return settingsPage(req, reply, actor, { kioskProblem: { value: form.values.name ?? '', error: t(lang, 'queue.kiosks.name.bad') } });
      }
      const kiosk = await services.queue.enrolKiosk({ actor, tenant: req.tenant, name });
      reply.setCookie(KIOSK_COOKIE, kiosk.token, { path: '/', secure: true, httpOnly: true, sameSite: 'lax', maxAge: KIOSK_COOKIE_SECONDS });
      return sendPage(req, reply, {
        title: t(lang, 'queue.kiosks.done.title'),
        back: '/kantor/admin/antrian',
        body: html`<div class="panel panel--confirmation"><h1 class="panel__title">${t(lang, 'queue.kiosks.done.title')}</h1></div>
<p>${t(lang, 'queue.kiosks.done.text', { name: kiosk.name })}</p>
<p>${t(lang, 'queue.kiosks.done.token')}</p>
<p><code data-kiosk-token>${kiosk.token}</code></p>
<p><a class="button" href="/antrian">${t(lang, 'queue.kiosks.done.open')}</a></p>`,
      });
    },
  );

  page.post(
    '/kantor/admin/antrian/kios/hapus',
    { access: 'office', permission: 'settings.manage', form: () => z.object({ id: formText(60) }) },
    async ({ req, reply, actor, form }) => {
      const id = (form.values.id ?? '').trim();
      if (!z.uuid().safeParse(id).success) return reply.redirect('/kantor/admin/antrian#kios', 303);
      try {
        await services.queue.removeKiosk({ actor, tenant: req.tenant, id });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      }
      return reply.redirect('/kantor/admin/antrian?ok=kios-dihapus#kios', 303);
    },
  );

  page.post(
    '/kantor/admin/antrian',
    {
      access: 'office',
      permission: 'settings.manage',
      form: () =>
        z.object({
          counters: formText(3000),
          weight: formText(3),
          maxInRow: formText(3),
          closesAt: formText(5),
          grace: formText(3),
          defaultMinutes: formText(3),
        }),
    },
    async ({ req, reply, lang, actor, form }) => {
      const v = form.values;
      const errors: FieldError[] = [];
      const counters = parseCounters(v.counters ?? '');
      if (!counters) errors.push({ field: 'counters', message: t(lang, 'queue.settings.bad.counters') });
      const int = (
        name: string,
        key: 'queue.settings.weight' | 'queue.settings.maxInRow' | 'queue.settings.grace' | 'queue.settings.defaultMinutes',
        min: number,
        max: number,
      ) => {
        const n = Number((v[name] ?? '').trim());
        if (!/^\d{1,3}$/.test((v[name] ?? '').trim()) || n < min || n > max) {
          errors.push({ field: name, message: t(lang, 'queue.settings.bad.number', { label: t(lang, key), min, max }) });
        }
        return n;
      };
      const weight = int('weight', 'queue.settings.weight', 1, 10);
      const maxInRow = int('maxInRow', 'queue.settings.maxInRow', 1, 10);
      const closesAt = (v.closesAt ?? '').trim();
      if (closesAt && !/^([01]\d|2[0-3]):[0-5]\d$/.test(closesAt)) errors.push({ field: 'closesAt', message: t(lang, 'queue.settings.bad.time') });
      const grace = int('grace', 'queue.settings.grace', 0, 120);
      const defaultMinutes = int('defaultMinutes', 'queue.settings.defaultMinutes', 1, 120);
      const candidate = {
        counters: counters ?? [],
        priority: { weight, maxInRow },
        closesAt: closesAt || null,
        graceMinutes: grace,
        defaultServiceMinutes: defaultMinutes,
      };
      if (!errors.length && !queueSettingsSchema.safeParse(candidate).success)
        errors.push({ field: 'counters', message: t(lang, 'queue.settings.bad.counters') });
      if (errors.length) return settingsPage(req, reply, actor, { values: v, errors });
      try {
        await services.queue.saveSettings({ actor, tenant: req.tenant, settings: candidate });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err;
        return settingsPage(req, reply, actor, { values: v, errors: [{ field: 'counters', message: t(lang, 'queue.settings.bad.counters') }] });
      }
      return reply.redirect('/kantor/admin/antrian?ok=disimpan', 303);
    },
  );
}
