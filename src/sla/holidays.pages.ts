import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HolidaysTable } from '../db/schema.js';
import type { Lang } from '../shared/messages.js';
import { isCalendarDate } from '../shared/time.js';
import type { Services } from '../services.js';
import { adminFormErrors } from '../tenants/admin-forms.js';
import { banner, button, csrfField, errorFor, type FieldError, linkButton, radios, summaryList, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDate, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { formText, requiredText } from '../web/views.js';
import { HOLIDAY_KINDS } from './holidays.service.js';

/**
 * The warning the head and the admin see on their pages while a year's holidays are missing (from
 * 1 November for the coming year): the admin gets the link to enter them, the head whom to ask.
 */
export function calendarGapWarning(lang: Lang, gap: { year: number } | null, canManage: boolean): SafeHtml | '' {
  if (!gap) return '';
  const { year } = gap;
  return html`<div class="banner" role="region" aria-labelledby="calendar-gap-title" data-calendar-gap="${year}">
  <h2 class="banner__text" id="calendar-gap-title">${t(lang, 'calendar.gap.title', { year })}</h2>
  <p>${t(lang, 'calendar.gap.text', { year })}</p>
  <p>${canManage ? html`<a href="/kantor/admin/libur?tahun=${year}">${t(lang, 'calendar.gap.action', { year })}</a>` : t(lang, 'calendar.gap.ask')}</p>
</div>`;
}

type HolidayKind = HolidaysTable['kind'];

const kindLabel = (lang: Lang, kind: HolidayKind) => t(lang, `admin.holidays.kind.${kind}`);
const dateLabel = (lang: Lang, date: string) => formatDate(lang, `${date}T12:00:00Z`, 'UTC');

/** A real calendar date, else nothing (a hand-edited link falls back to no date). */
const calendarDate = z.string().refine(isCalendarDate).optional().catch(undefined);

const holidayLabels = (lang: Lang): Record<string, string> => ({
  date: t(lang, 'admin.holidays.date'),
  kind: t(lang, 'admin.holidays.kind'),
  name: t(lang, 'admin.holidays.name'),
  decree: t(lang, 'admin.holidays.decree'),
});

const holidayForm = (lang: Lang) => {
  const labels = holidayLabels(lang);
  return z.object({
    date: requiredText(lang, labels.date!, 20).pipe(z.string().refine(isCalendarDate, t(lang, 'admin.holidays.date.invalid'))),
    kind: formText(20).pipe(z.enum(HOLIDAY_KINDS, { error: t(lang, 'admin.holidays.kind.choose') })),
    name: requiredText(lang, labels.name!, 120),
    decree: requiredText(lang, labels.decree!, 200),
  });
};
const removeForm = (lang: Lang) => z.object({ reason: requiredText(lang, t(lang, 'admin.holidays.remove.reason'), 200) });

/**
 * The office's holiday calendar (/kantor/admin/libur): a year at a time, adding or correcting a day,
 * removing one. Every page needs 'holidays.manage'; the holiday service checks it again, audits each
 * change, and the SLA clock counts with the new calendar from the next request on.
 */
export function holidayPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const admin = { access: 'office', permission: 'holidays.manage' } as const;
  const adminPost = { ...admin, returnTo: () => '/kantor/admin' } as const;

  page.get(
    '/kantor/admin/libur',
    {
      ...admin,
      query: z.object({
        tahun: z
          .string()
          .regex(/^\d{4}$/)
          .transform(Number)
          .optional()
          .catch(undefined),
        ok: z.enum(['disimpan', 'dihapus']).optional().catch(undefined),
        tanggal: calendarDate,
      }),
    },
    async ({ req, reply, actor, query }) => {
      const lang = req.lang;
      const { year, years, days } = await services.holidays.calendar({ actor, timeZone: req.tenant.time_zone, year: query.tahun });
      const notice =
        query.ok && query.tanggal
          ? t(lang, query.ok === 'disimpan' ? 'admin.holidays.saved' : 'admin.holidays.removed', { date: dateLabel(lang, query.tanggal) })
          : null;
      return sendPage(req, reply, {
        title: `${t(lang, 'admin.holidays')} ${year}`,
        back: '/kantor/admin',
        notice: notice ? banner(notice, 'success') : null,
        body: html`<h1>${t(lang, 'admin.holidays')} ${year}</h1>
<p>${t(lang, 'admin.holidays.lead')}</p>
<nav aria-label="${t(lang, 'admin.holidays.years')}"><ul class="inline-list">${years.map(
          (y) =>
            html`<li>${y === year ? html`<a href="/kantor/admin/libur?tahun=${y}" aria-current="page"><strong>${y}</strong></a>` : html`<a href="/kantor/admin/libur?tahun=${y}">${y}</a>`}</li>`,
        )}</ul></nav>
${linkButton('/kantor/admin/libur/simpan', t(lang, 'admin.holidays.add'))}
${
  days.length === 0
    ? html`<p>${t(lang, 'admin.holidays.none', { year })}</p>`
    : html`<div class="table-wrap"><table class="table">
  <caption class="table__caption">${t(lang, 'admin.holidays.caption', { year })}</caption>
  <thead><tr><th scope="col">${t(lang, 'admin.holidays.col.date')}</th><th scope="col">${t(lang, 'admin.holidays.col.name')}</th><th scope="col">${t(lang, 'admin.holidays.col.kind')}</th><th scope="col">${t(lang, 'admin.holidays.col.decree')}</th><th scope="col">${t(lang, 'admin.holidays.col.actions')}</th></tr></thead>
  <tbody>${days.map(
    (h) => html`<tr data-holiday="${h.date}">
    <th scope="row"><time datetime="${h.date}">${dateLabel(lang, h.date)}</time></th>
    <td>${h.name}</td>
    <td>${kindLabel(lang, h.kind)}</td>
    <td>${h.decree}</td>
    <td><a href="/kantor/admin/libur/simpan?tanggal=${h.date}">${t(lang, 'admin.holidays.correct')}<span class="visually-hidden"> ${h.date}</span></a>
      <a href="/kantor/admin/libur/${h.date}/hapus">${t(lang, 'admin.holidays.remove')}<span class="visually-hidden"> ${h.date}</span></a></td>
  </tr>`,
  )}</tbody>
</table></div>`
}`,
      });
    },
  );

  function holidayFormPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []): FastifyReply {
    const lang = req.lang;
    const labels = holidayLabels(lang);
    return sendPage(req, reply, {
      title: t(lang, 'admin.holidays.form.title'),
      back: '/kantor/admin/libur',
      errors,
      body: html`<h1>${t(lang, 'admin.holidays.form.title')}</h1>
<p>${t(lang, 'admin.holidays.form.lead')}</p>
<form method="post" action="/kantor/admin/libur/simpan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'date', label: labels.date!, hint: t(lang, 'admin.holidays.date.hint'), value: values.date, error: errorFor(errors, 'date'), width: 'short', maxlength: 10, autocomplete: 'off', spellcheck: false })}
  ${radios({ lang, name: 'kind', label: labels.kind!, value: values.kind, error: errorFor(errors, 'kind'), options: HOLIDAY_KINDS.map((k) => ({ value: k, label: kindLabel(lang, k) })) })}
  ${textInput({ lang, name: 'name', label: labels.name!, value: values.name, error: errorFor(errors, 'name'), maxlength: 120 })}
  ${textInput({ lang, name: 'decree', label: labels.decree!, hint: t(lang, 'admin.holidays.decree.hint'), value: values.decree, error: errorFor(errors, 'decree'), maxlength: 200 })}
  ${button(t(lang, 'admin.holidays.save'))}
</form>`,
    });
  }

  /** The form, empty, or filled in with the day to correct (a date not in the calendar gives an empty form). */
  page.get('/kantor/admin/libur/simpan', { ...admin, query: z.object({ tanggal: calendarDate }) }, async ({ req, reply, actor, query }) => {
    const existing = query.tanggal ? await services.holidays.findHoliday({ actor, date: query.tanggal }) : undefined;
    return holidayFormPage(req, reply, existing ? { date: existing.date, kind: existing.kind, name: existing.name, decree: existing.decree } : {});
  });

  page.post('/kantor/admin/libur/simpan', { ...adminPost, form: holidayForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return holidayFormPage(req, reply, trimmed(form.values), form.errors);
    const h = form.data;
    try {
      await services.holidays.upsert({ actor, ...h });
    } catch (err) {
      const errors = adminFormErrors(req.lang, err, { labels: holidayLabels(req.lang) });
      if (!errors) throw err;
      return holidayFormPage(req, reply, h, errors);
    }
    return reply.redirect(`/kantor/admin/libur?tahun=${h.date.slice(0, 4)}&ok=disimpan&tanggal=${h.date}`, 303);
  });

  function removePage(req: FastifyRequest, reply: FastifyReply, h: HolidaysTable, values: { reason?: string } = {}, errors: FieldError[] = []): FastifyReply {
    const lang = req.lang;
    const title = t(lang, 'admin.holidays.remove.title', { date: dateLabel(lang, h.date) });
    return sendPage(req, reply, {
      title,
      back: `/kantor/admin/libur?tahun=${h.date.slice(0, 4)}`,
      errors,
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'admin.holidays.col.name'), value: h.name },
  { key: t(lang, 'admin.holidays.col.kind'), value: kindLabel(lang, h.kind) },
  { key: t(lang, 'admin.holidays.col.decree'), value: h.decree },
])}
<form method="post" action="/kantor/admin/libur/${h.date}/hapus" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'reason', label: t(lang, 'admin.holidays.remove.reason'), hint: t(lang, 'admin.holidays.remove.reason.hint'), value: values.reason, error: errorFor(errors, 'reason'), maxlength: 200 })}
  ${button(t(lang, 'admin.holidays.remove.confirm'), { warning: true })}
</form>`,
    });
  }

  const dayParams = z.object({ date: z.string().refine(isCalendarDate) });

  page.get('/kantor/admin/libur/:date/hapus', { ...admin, params: dayParams }, async ({ req, reply, actor, params }) =>
    removePage(req, reply, await services.holidays.getHoliday({ actor, date: params.date })),
  );

  page.post('/kantor/admin/libur/:date/hapus', { ...adminPost, params: dayParams, form: removeForm }, async ({ req, reply, actor, params, form }) => {
    const h = await services.holidays.getHoliday({ actor, date: params.date });
    if (!form.ok) return removePage(req, reply, h, { reason: form.values.reason?.trim() ?? '' }, form.errors);
    await services.holidays.remove({ actor, date: h.date, decree: form.data.reason });
    return reply.redirect(`/kantor/admin/libur?tahun=${h.date.slice(0, 4)}&ok=dihapus&tanggal=${h.date}`, 303);
  });
}

/** What was typed, as the form shows it again. */
function trimmed(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]));
}
