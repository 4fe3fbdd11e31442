import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { contentDisposition } from '../http/content-disposition.js';
import { uuidParam } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { isCalendarDate, isoNow, localDate, zonedInstant } from '../shared/time.js';
import {
  banner,
  button,
  checkbox,
  csrfField,
  errorFor,
  type FieldError,
  fieldId,
  fileUpload,
  radios,
  summaryList,
  textInput,
  textarea,
} from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { errorMessage, fieldErrors, formText, requiredText } from '../web/views.js';
import { PARCEL_CONTENTS } from './parcels.schemas.js';
import type { ParcelView } from './parcels.service.js';

const BASE = '/kantor/kiriman';
const PHOTO_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TRACKING_RE = /^[A-Za-z0-9][A-Za-z0-9 -]*$/;
const opts = { access: 'office', permission: 'parcels.manage' } as const;

const idParams = z.object({ id: uuidParam });
const photoParams = z.object({ id: uuidParam, photoId: uuidParam });
const listQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });
const typeQuery = z.object({ jenis: z.string().max(12).default('') });
const shipQuery = z.object({ nomor: z.string().max(40).default('') });
const reportQuery = z.object({ dari: z.iso.date().optional(), sampai: z.iso.date().optional() });

const trackingText = (lang: Lang) =>
  requiredText(lang, t(lang, 'parcels.tracking'), 40).pipe(
    z.string().min(4, t(lang, 'parcels.tracking.invalid')).regex(TRACKING_RE, t(lang, 'parcels.tracking.invalid')),
  );
// A real calendar day (2026-13-01 or 2026-02-30 is the field's error, not a RangeError further on).
const dateText = (lang: Lang) => formText(10).refine((s) => s === '' || isCalendarDate(s), t(lang, 'parcels.date.invalid'));
const timeText = (lang: Lang) => formText(5).refine((s) => s === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(s), t(lang, 'parcels.time.invalid'));

const logForm = (lang: Lang) =>
  z.object({
    company: requiredText(lang, t(lang, 'parcels.company'), 60),
    trackingNumber: trackingText(lang),
    senderName: requiredText(lang, t(lang, 'parcels.sender'), 120),
    senderContact: formText(254),
    receivedDate: dateText(lang),
    receivedTime: timeText(lang),
    permitTypeCode: formText(12),
    note: formText(1000),
  });
const linkForm = (lang: Lang) => z.object({ applicationNumber: requiredText(lang, t(lang, 'parcels.link.number'), 40) });
const newAppForm = (lang: Lang) =>
  z.object({ permitTypeCode: formText(12), applicantName: requiredText(lang, t(lang, 'parcels.link.applicant'), 120), applicantContact: formText(254) });
const shipForm = (lang: Lang) =>
  z.object({
    applicationNumber: requiredText(lang, t(lang, 'parcels.link.number'), 40),
    company: requiredText(lang, t(lang, 'parcels.company'), 60),
    trackingNumber: trackingText(lang),
    contents: z.enum(PARCEL_CONTENTS, { error: `${t(lang, 'parcels.contents')}: ${t(lang, 'intake.choose')}` }),
    sentDate: dateText(lang),
    sentTime: timeText(lang),
    note: formText(1000),
  });

/** A date and time typed at the desk (office time), as an instant; undefined when both are empty (now). */
function typedInstant(date: string, time: string, timeZone: string, today: string): string | undefined {
  if (!date && !time) return undefined;
  return zonedInstant(date || today, time || '12:00', timeZone);
}

/** Service field problems (API names) onto this page's fields. */
const pageField = (f: string) => ({ receivedAt: 'receivedDate', sentAt: 'sentDate' })[f] ?? f;

function problemsOf(req: FastifyRequest, err: unknown, fallback: string): FieldError[] {
  if (!(err instanceof AppError)) throw err;
  // "Logged already" says more than the field's generic "not valid".
  if (err.code === 'parcel_duplicate') return [{ field: 'trackingNumber', message: errorMessage(req, err) }];
  return err.details.fields ? fieldErrors(req, err.details.fields, pageField) : [{ field: fallback, message: errorMessage(req, err) }];
}

/** The desk's courier parcel pages (`parcels.manage`): the list, logging a parcel in, one parcel, parcels out, the report. */
export function parcelPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  const direction = (lang: Lang, p: Pick<ParcelView, 'direction'>) => t(lang, p.direction === 'in' ? 'parcels.direction.in' : 'parcels.direction.out');
  const table = (req: FastifyRequest, parcels: readonly ParcelView[], caption: string): SafeHtml => {
    const lang = req.lang;
    return html`<div class="table-wrap"><table class="table"><caption class="table__caption">${caption}</caption>
<thead><tr><th scope="col">${t(lang, 'parcels.direction')}</th><th scope="col">${t(lang, 'parcels.company')}</th><th scope="col">${t(lang, 'parcels.tracking')}</th><th scope="col">${t(lang, 'parcels.sender')}</th><th scope="col">${t(lang, 'parcels.received')}</th><th scope="col">${t(lang, 'parcels.application')}</th></tr></thead>
<tbody>${parcels.map(
      (p) =>
        html`<tr><td>${direction(lang, p)}</td><td>${p.company}</td><td><a href="${BASE}/${p.id}">${p.trackingNumber}</a></td><td>${p.senderName ?? ''}</td><td>${formatDateTime(lang, p.at, req.tenant.time_zone)}</td><td>${p.application ? (p.application.number ?? t(lang, 'parcels.application.draft')) : t(lang, 'parcels.application.none')}</td></tr>`,
    )}</tbody></table></div>`;
  };

  page.get(BASE, { ...opts, query: listQuery }, async ({ req, reply, lang, actor, query }) => {
    const [{ parcels: unlinked }, recent] = await Promise.all([
      services.parcels.listParcels({ actor, direction: 'in', linked: false, pageSize: 200 }),
      services.parcels.listParcels({ actor, page: query.page }),
    ]);
    const link = (n: number) => `${BASE}?page=${n}`;
    const pages = recent.pageCount;
    return sendPage(req, reply, {
      title: t(lang, 'parcels.title'),
      back: '/kantor',
      body: html`<h1>${t(lang, 'parcels.title')}</h1><p>${t(lang, 'parcels.lead')}</p>
<ul class="list"><li><a href="${BASE}/baru">${t(lang, 'parcels.log')}</a></li><li><a href="${BASE}/keluar">${t(lang, 'parcels.ship')}</a></li><li><a href="${BASE}/laporan">${t(lang, 'parcels.report')}</a></li></ul>
<h2>${t(lang, 'parcels.unlinked')}</h2>
${unlinked.length ? table(req, unlinked, t(lang, 'parcels.unlinked')) : html`<p>${t(lang, 'parcels.unlinked.none')}</p>`}
<h2>${t(lang, 'parcels.recent')}</h2>
${recent.parcels.length ? table(req, recent.parcels, t(lang, 'parcels.caption')) : html`<p>${t(lang, 'parcels.none')}</p>`}
${
  pages > 1
    ? html`<nav class="pagination" aria-label="${t(lang, 'parcels.recent')}"><ul class="pagination__list">
  ${recent.page > 1 ? html`<li class="pagination__prev"><a href="${link(Math.min(recent.page - 1, pages))}" rel="prev">${t(lang, 'parcels.prev')}</a></li>` : ''}
  ${recent.page <= pages ? html`<li class="pagination__current" aria-current="page">${t(lang, 'parcels.page', { page: recent.page, pages })}</li>` : ''}
  ${recent.page < pages ? html`<li class="pagination__next"><a href="${link(recent.page + 1)}" rel="next">${t(lang, 'parcels.next')}</a></li>` : ''}
</ul></nav>`
    : ''
}`,
    });
  });

  // ── Logging a parcel in: first the permit type (its requirements are the checklist), then the form ──
  const logPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    code: string,
    values: Record<string, string> = {},
    errors: FieldError[] = [],
  ) => {
    const lang = req.lang;
    const permitTypes = await services.catalogue.listPermitTypes({ tenantId: actor.tenantId });
    const chosen = permitTypes.find((pt) => pt.definition.code === code.toUpperCase());
    const typeError = errorFor(errors, 'permitTypeCode');
    return sendPage(req, reply, {
      status: errors.length ? 400 : 200,
      title: t(lang, 'parcels.log'),
      errors,
      back: BASE,
      body: html`<h1>${t(lang, 'parcels.log')}</h1>
<form method="get" action="${BASE}/baru">
  <div class="form-group${typeError ? ' form-group--error' : ''}">
    <label class="label" for="${fieldId('jenis')}">${t(lang, 'parcels.permitType')}</label>
    <div class="hint" id="${fieldId('jenis')}-hint">${t(lang, 'parcels.permitType.lead')}</div>
    ${typeError ? html`<p class="error-message" id="${fieldId('permitTypeCode')}">${typeError}</p>` : ''}
    <select class="input" id="${fieldId('jenis')}" name="jenis" aria-describedby="${fieldId('jenis')}-hint"><option value="">${t(lang, 'parcels.permitType.none')}</option>${permitTypes.map(
      (pt) =>
        html`<option value="${pt.definition.code}"${chosen?.definition.code === pt.definition.code ? html` selected` : ''}>${loc(lang, pt.definition.name)}</option>`,
    )}</select>
  </div>
  ${button(t(lang, 'parcels.permitType.next'), { secondary: true })}
</form>
<form method="post" action="${BASE}/baru" novalidate>${csrfField(req)}
  <input type="hidden" name="permitTypeCode" value="${chosen?.definition.code ?? ''}">
  ${chosen ? html`<p><strong>${t(lang, 'parcels.permitType')}:</strong> ${loc(lang, chosen.definition.name)}</p>` : ''}
  ${textInput({ lang, name: 'company', label: t(lang, 'parcels.company'), hint: t(lang, 'parcels.company.hint'), value: values.company, error: errorFor(errors, 'company'), maxlength: 60, width: 'medium' })}
  ${textInput({ lang, name: 'trackingNumber', label: t(lang, 'parcels.tracking'), hint: t(lang, 'parcels.tracking.hint'), value: values.trackingNumber, error: errorFor(errors, 'trackingNumber'), maxlength: 40, width: 'medium', spellcheck: false })}
  ${textInput({ lang, name: 'senderName', label: t(lang, 'parcels.sender'), value: values.senderName, error: errorFor(errors, 'senderName'), maxlength: 120 })}
  ${textInput({ lang, name: 'senderContact', label: t(lang, 'parcels.sender.contact'), hint: t(lang, 'parcels.sender.contact.hint'), value: values.senderContact, error: errorFor(errors, 'senderContact'), optional: true, maxlength: 254, spellcheck: false })}
  ${textInput({ lang, name: 'receivedDate', type: 'date', label: t(lang, 'parcels.received.date'), hint: t(lang, 'parcels.time.hint'), value: values.receivedDate, error: errorFor(errors, 'receivedDate'), optional: true, width: 'short' })}
  ${textInput({ lang, name: 'receivedTime', label: t(lang, 'parcels.received.time'), value: values.receivedTime, error: errorFor(errors, 'receivedTime'), optional: true, width: 'short', maxlength: 5, inputmode: 'numeric' })}
  ${
    chosen
      ? html`<fieldset class="fieldset"><legend class="fieldset__legend">${t(lang, 'parcels.checklist')}</legend><div class="hint">${t(lang, 'parcels.checklist.hint')}</div>
  ${errorFor(errors, 'checklist') ? html`<p class="error-message" id="${fieldId('checklist')}">${errorFor(errors, 'checklist')}</p>` : ''}
  ${chosen.definition.requirements.map((r) =>
    checkbox({
      lang,
      name: `req-${r.code}`,
      label: `${loc(lang, r.name)}${r.required ? ` (${t(lang, 'parcels.required')})` : ''}`,
      checked: values[`req-${r.code}`] === 'yes',
    }),
  )}</fieldset>`
      : ''
  }
  ${textarea({ lang, name: 'note', label: t(lang, 'parcels.note'), value: values.note, error: errorFor(errors, 'note'), optional: true, maxlength: 1000 })}
  ${button(t(lang, 'parcels.save'))}
</form>`,
    });
  };

  page.get(`${BASE}/baru`, { ...opts, query: typeQuery }, async ({ req, reply, actor, query }) => logPage(req, reply, actor, query.jenis));

  page.post(`${BASE}/baru`, { ...opts, form: logForm }, async ({ req, reply, actor, form }) => {
    const code = form.values.permitTypeCode ?? '';
    if (!form.ok) return logPage(req, reply, actor, code, form.values, form.errors);
    const d = form.data;
    const tz = req.tenant.time_zone;
    const checklist = Object.entries(form.values)
      .filter(([k, v]) => k.startsWith('req-') && v === 'yes')
      .map(([k]) => k.slice(4));
    try {
      const parcel = await services.parcels.logParcel({
        actor,
        company: d.company,
        trackingNumber: d.trackingNumber,
        senderName: d.senderName,
        senderContact: d.senderContact || undefined,
        receivedAt: typedInstant(d.receivedDate, d.receivedTime, tz, localDate(isoNow(services.clock), tz)),
        permitTypeCode: d.permitTypeCode || undefined,
        checklist,
        note: d.note || undefined,
      });
      return reply.redirect(`${BASE}/${parcel.id}?dicatat=1`, 303);
    } catch (err) {
      return logPage(req, reply, actor, code, form.values, problemsOf(req, err, 'trackingNumber'));
    }
  });

  // ── One parcel: its details, photos, and linking it to an application ──
  const parcelPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    o: { values?: Record<string, string>; errors?: FieldError[]; notice?: string } = {},
  ) => {
    const lang = req.lang;
    const { values = {}, errors = [], notice } = o;
    const p = await services.parcels.getParcel({ actor, id });
    const tz = req.tenant.time_zone;
    const linkable = p.direction === 'in' && !p.application;
    return sendPage(req, reply, {
      status: errors.length ? 400 : 200,
      title: `${p.company} ${p.trackingNumber}`,
      errors,
      back: BASE,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${p.company} ${p.trackingNumber}</h1>
${summaryList([
  { key: t(lang, 'parcels.direction'), value: direction(lang, p) },
  ...(p.senderName ? [{ key: t(lang, 'parcels.sender'), value: `${p.senderName}${p.senderContact ? ` (${p.senderContact})` : ''}` }] : []),
  { key: p.direction === 'in' ? t(lang, 'parcels.received') : t(lang, 'parcels.sent'), value: formatDateTime(lang, p.at, tz) },
  { key: t(lang, 'parcels.officer'), value: p.officer.name },
  ...(p.contents
    ? [{ key: t(lang, 'parcels.contents'), value: t(lang, p.contents === 'permit' ? 'parcels.contents.permit' : 'parcels.contents.returned_papers') }]
    : []),
  ...(p.note ? [{ key: t(lang, 'parcels.note'), value: p.note }] : []),
  {
    key: t(lang, 'parcels.application'),
    value: p.application
      ? html`<a href="${p.application.number ? `/kantor/berkas/${p.application.id}` : `/kantor/loket/${p.application.id}`}">${p.application.number ?? t(lang, 'parcels.application.draft')}</a>`
      : t(lang, 'parcels.application.none'),
  },
])}
${
  p.checklist.length
    ? html`<h2>${t(lang, 'parcels.checklist')}</h2>${summaryList(
        p.checklist.map((c) => ({
          key: `${loc(lang, c.name)}${c.required ? ` (${t(lang, 'parcels.required')})` : ''}`,
          value: t(lang, c.present ? 'parcels.checklist.present' : 'parcels.checklist.missing'),
        })),
      )}`
    : ''
}
<h2>${t(lang, 'parcels.photos')}</h2>
${p.photos.length ? html`<ul class="list">${p.photos.map((f) => html`<li><a href="${BASE}/${p.id}/foto/${f.id}">${f.fileName}</a></li>`)}</ul>` : html`<p>${t(lang, 'parcels.photos.none')}</p>`}
<form method="post" action="${BASE}/${p.id}/foto" enctype="multipart/form-data" novalidate>${csrfField(req)}
  ${fileUpload({ lang, name: 'photo', label: t(lang, 'parcels.photo.add'), hint: t(lang, 'parcels.photo.hint'), error: errorFor(errors, 'photo'), accept: '.jpg,.jpeg,.png', maxBytes: 10 * 1048576 })}
  ${button(t(lang, 'parcels.photo.add'), { secondary: true })}
</form>
${
  linkable
    ? html`<h2>${t(lang, 'parcels.link')}</h2>
<form method="post" action="${BASE}/${p.id}/hubungkan" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'applicationNumber', label: t(lang, 'parcels.link.existing'), hint: t(lang, 'parcels.link.number.hint'), value: values.applicationNumber, error: errorFor(errors, 'applicationNumber'), maxlength: 40, width: 'medium', spellcheck: false })}
  ${button(t(lang, 'parcels.link.submit'), { secondary: true })}
</form>
<h3>${t(lang, 'parcels.link.new')}</h3><p>${t(lang, 'parcels.link.new.lead')}</p>
<form method="post" action="${BASE}/${p.id}/permohonan-baru" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'permitTypeCode', label: t(lang, 'parcels.permitType'), value: values.permitTypeCode ?? p.permitTypeCode ?? '', error: errorFor(errors, 'permitTypeCode'), maxlength: 12, width: 'short', spellcheck: false })}
  ${textInput({ lang, name: 'applicantName', label: t(lang, 'parcels.link.applicant'), value: values.applicantName ?? p.senderName ?? '', error: errorFor(errors, 'applicantName'), maxlength: 120 })}
  ${textInput({ lang, name: 'applicantContact', label: t(lang, 'parcels.link.contact'), value: values.applicantContact ?? p.senderContact ?? '', error: errorFor(errors, 'applicantContact'), optional: true, maxlength: 254, spellcheck: false })}
  ${button(t(lang, 'parcels.link.create'))}
</form>`
    : ''
}`,
    });
  };

  page.get(
    `${BASE}/:id`,
    { ...opts, params: idParams, query: z.object({ dicatat: z.string().max(1).optional() }) },
    async ({ req, reply, lang, actor, params, query }) => {
      if (!query.dicatat) return parcelPage(req, reply, actor, params.id);
      const p = await services.parcels.getParcel({ actor, id: params.id });
      return parcelPage(req, reply, actor, params.id, { notice: t(lang, 'parcels.logged', { company: p.company, tracking: p.trackingNumber }) });
    },
  );

  page.post(`${BASE}/:id/hubungkan`, { ...opts, params: idParams, form: linkForm }, async ({ req, reply, lang, actor, params, form }) => {
    if (!form.ok) return parcelPage(req, reply, actor, params.id, { values: form.values, errors: form.errors });
    try {
      const p = await services.parcels.linkParcel({ actor, id: params.id, applicationNumber: form.data.applicationNumber });
      return parcelPage(req, reply, actor, params.id, { notice: t(lang, 'parcels.linked', { number: p.application?.number ?? '' }) });
    } catch (err) {
      return parcelPage(req, reply, actor, params.id, { values: form.values, errors: problemsOf(req, err, 'applicationNumber') });
    }
  });

  page.post(`${BASE}/:id/permohonan-baru`, { ...opts, params: idParams, form: newAppForm }, async ({ req, reply, actor, params, form }) => {
    if (!form.ok) return parcelPage(req, reply, actor, params.id, { values: form.values, errors: form.errors });
    const d = form.data;
    try {
      const p = await services.parcels.linkParcel({
        actor,
        id: params.id,
        newApplication: { permitTypeCode: d.permitTypeCode || undefined, applicantName: d.applicantName, applicantContact: d.applicantContact || undefined },
      });
      // On to the intake file: the answers from the papers, the scans, then submit.
      return reply.redirect(`/kantor/loket/${p.application!.id}`, 303);
    } catch (err) {
      return parcelPage(req, reply, actor, params.id, { values: form.values, errors: problemsOf(req, err, 'permitTypeCode') });
    }
  });

  page.upload(
    `${BASE}/:id/foto`,
    { ...opts, params: idParams, maxBytes: services.config.maxUploadBytes },
    async ({ req, reply, lang, actor, params, file }) => {
      if (!file) return parcelPage(req, reply, actor, params.id, { errors: [{ field: 'photo', message: t(lang, 'parcels.photo.missing') }] });
      try {
        await services.parcels.addPhoto({ actor, id: params.id, fileName: file.filename, claimedType: file.mimetype, source: file.file });
      } catch (err) {
        file.file.resume();
        return parcelPage(req, reply, actor, params.id, { errors: problemsOf(req, err, 'photo').map((e) => ({ ...e, field: 'photo' })) });
      }
      return reply.redirect(`${BASE}/${params.id}`, 303);
    },
  );

  page.get(
    `${BASE}/:id/foto/:photoId`,
    {
      ...opts,
      params: photoParams,
      onSend: async (_req, reply, payload) => {
        if (reply.statusCode === 200 && String(reply.getHeader('content-disposition') ?? '').startsWith('inline'))
          reply.header('content-security-policy', PHOTO_CSP);
        return payload;
      },
    },
    async ({ reply, actor, params }) => {
      const { photo, stream } = await services.parcels.openPhoto({ actor, id: params.id, photoId: params.photoId });
      return reply
        .header('content-type', photo.media_type)
        .header('content-disposition', contentDisposition('inline', photo.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  // ── A parcel out: the permit or the papers sent back ──
  const shipPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = [], notice?: string) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      status: errors.length ? 400 : 200,
      title: t(lang, 'parcels.ship'),
      errors,
      back: BASE,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${t(lang, 'parcels.ship')}</h1><p>${t(lang, 'parcels.ship.lead')}</p>
<form method="post" action="${BASE}/keluar" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'applicationNumber', label: t(lang, 'parcels.link.number'), hint: t(lang, 'parcels.link.number.hint'), value: values.applicationNumber, error: errorFor(errors, 'applicationNumber'), maxlength: 40, width: 'medium', spellcheck: false })}
  ${radios({ lang, name: 'contents', label: t(lang, 'parcels.contents'), value: values.contents, error: errorFor(errors, 'contents'), options: PARCEL_CONTENTS.map((c) => ({ value: c, label: t(lang, c === 'permit' ? 'parcels.contents.permit' : 'parcels.contents.returned_papers') })) })}
  ${textInput({ lang, name: 'company', label: t(lang, 'parcels.company'), hint: t(lang, 'parcels.company.hint'), value: values.company, error: errorFor(errors, 'company'), maxlength: 60, width: 'medium' })}
  ${textInput({ lang, name: 'trackingNumber', label: t(lang, 'parcels.tracking'), hint: t(lang, 'parcels.tracking.hint'), value: values.trackingNumber, error: errorFor(errors, 'trackingNumber'), maxlength: 40, width: 'medium', spellcheck: false })}
  ${textInput({ lang, name: 'sentDate', type: 'date', label: t(lang, 'parcels.sent'), hint: t(lang, 'parcels.time.hint'), value: values.sentDate, error: errorFor(errors, 'sentDate'), optional: true, width: 'short' })}
  ${textInput({ lang, name: 'sentTime', label: t(lang, 'parcels.received.time'), value: values.sentTime, error: errorFor(errors, 'sentTime'), optional: true, width: 'short', maxlength: 5, inputmode: 'numeric' })}
  ${textarea({ lang, name: 'note', label: t(lang, 'parcels.note'), value: values.note, error: errorFor(errors, 'note'), optional: true, maxlength: 1000 })}
  ${button(t(lang, 'parcels.ship.save'))}
</form>`,
    });
  };

  page.get(`${BASE}/keluar`, { ...opts, query: shipQuery }, ({ req, reply, query }) => shipPage(req, reply, { applicationNumber: query.nomor }));

  page.post(`${BASE}/keluar`, { ...opts, form: shipForm }, async ({ req, reply, lang, actor, form }) => {
    if (!form.ok) return shipPage(req, reply, form.values, form.errors);
    const d = form.data;
    const tz = req.tenant.time_zone;
    try {
      const p = await services.parcels.recordShipment({
        actor,
        applicationNumber: d.applicationNumber,
        company: d.company,
        trackingNumber: d.trackingNumber,
        contents: d.contents,
        sentAt: typedInstant(d.sentDate, d.sentTime, tz, localDate(isoNow(services.clock), tz)),
        note: d.note || undefined,
      });
      return shipPage(req, reply, {}, [], t(lang, 'parcels.shipped', { company: p.company, tracking: p.trackingNumber, number: p.application?.number ?? '' }));
    } catch (err) {
      return shipPage(req, reply, form.values, problemsOf(req, err, 'trackingNumber'));
    }
  });

  // ── The report ──
  page.get(`${BASE}/laporan`, { ...opts, query: reportQuery }, async ({ req, reply, lang, actor, query }) => {
    let errors: FieldError[] = [];
    const load = async (from?: string, to?: string) => services.parcels.report({ actor, tenant: req.tenant, from, to });
    let r;
    try {
      r = await load(query.dari, query.sampai);
    } catch (err) {
      errors = problemsOf(req, err, 'from').map((e) => ({ ...e, field: 'dari' }));
      r = await load();
    }
    const tz = req.tenant.time_zone;
    const waitingTable = (rows: typeof r.unlinked, caption: string) =>
      html`<div class="table-wrap"><table class="table"><caption class="table__caption">${caption}</caption>
<thead><tr><th scope="col">${t(lang, 'parcels.company')}</th><th scope="col">${t(lang, 'parcels.tracking')}</th><th scope="col">${t(lang, 'parcels.sender')}</th><th scope="col">${t(lang, 'parcels.received')}</th><th scope="col">${t(lang, 'parcels.report.waiting')}</th></tr></thead>
<tbody>${rows.map((p) => html`<tr><td>${p.company}</td><td><a href="${BASE}/${p.id}">${p.trackingNumber}</a></td><td>${p.senderName ?? ''}</td><td>${formatDateTime(lang, p.at, tz)}</td><td>${String(p.workingDaysWaiting)}</td></tr>`)}</tbody></table></div>`;
    return sendPage(req, reply, {
      status: errors.length ? 400 : 200,
      title: t(lang, 'parcels.report'),
      errors,
      back: BASE,
      body: html`<h1>${t(lang, 'parcels.report')}</h1><p>${t(lang, 'parcels.report.lead')}</p>
<form method="get" action="${BASE}/laporan">
  ${textInput({ lang, name: 'dari', type: 'date', label: t(lang, 'parcels.report.from'), value: query.dari ?? r.from, error: errorFor(errors, 'dari'), width: 'short' })}
  ${textInput({ lang, name: 'sampai', type: 'date', label: t(lang, 'parcels.report.to'), value: query.sampai ?? r.to, width: 'short' })}
  ${button(t(lang, 'parcels.report.show'), { secondary: true })}
</form>
<h2>${t(lang, 'parcels.report.overdue')}</h2>
${r.overdue.length ? waitingTable(r.overdue, t(lang, 'parcels.report.overdue')) : html`<p>${t(lang, 'parcels.report.overdue.none')}</p>`}
<h2>${t(lang, 'parcels.unlinked')}</h2>
${r.unlinked.length ? waitingTable(r.unlinked, t(lang, 'parcels.unlinked')) : html`<p>${t(lang, 'parcels.unlinked.none')}</p>`}
<h2>${t(lang, 'parcels.report.days')}</h2>
<div class="table-wrap"><table class="table"><caption class="table__caption">${t(lang, 'parcels.report.days')}</caption>
<thead><tr><th scope="col">${t(lang, 'parcels.report.day')}</th><th scope="col">${t(lang, 'parcels.report.received')}</th><th scope="col">${t(lang, 'parcels.report.sent')}</th></tr></thead>
<tbody>${r.days.map((d) => html`<tr><td>${d.day}</td><td>${String(d.received)}</td><td>${String(d.sent)}</td></tr>`)}</tbody></table></div>`,
    });
  });
}
