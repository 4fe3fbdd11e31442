import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { uuidParam } from '../http/common.schemas.js';
import { contentDisposition } from '../http/content-disposition.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { banner, button, checkbox, csrfField, errorFor, type FieldError, radios, summaryList, tag, textarea, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, type MessageKey, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { clearSessionCookie } from '../web/web-context.js';
import { errorMessage, fieldErrors, formText } from '../web/views.js';
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.js';
import {
  CORRECTION_LIMITS,
  CORRECTION_SUBJECTS,
  type DataRequestView,
  type ErasureOutcome,
  KEPT_REASONS,
  type OfficeDataRequestView,
} from './data-rights.service.js';

const idParams = z.object({ id: uuidParam });
const statusQuery = z.object({ status: z.enum(['open', 'closed']).catch('open') });
// One character past each limit, so the service names a text that is too long instead of the form cutting it.
const correctionForm = () =>
  z.object({
    subject: formText(20),
    applicationNumber: formText(41),
    currentValue: formText(CORRECTION_LIMITS.value + 1),
    requestedValue: formText(CORRECTION_LIMITS.value + 1),
    details: formText(CORRECTION_LIMITS.details + 1),
  });
const erasureForm = () => z.object({ currentPassword: z.string().max(MAX_PASSWORD_LENGTH).default(''), confirm: formText(5) });
const resolveForm = () => z.object({ outcome: formText(20), resolution: formText(CORRECTION_LIMITS.resolution + 1) });

const statusTag = (lang: Lang, r: Pick<DataRequestView, 'status'>): SafeHtml => {
  switch (r.status) {
    case 'open':
      return tag(t(lang, 'pdp.status.open'), 'blue');
    case 'corrected':
      return tag(t(lang, 'pdp.status.corrected'), 'green');
    case 'refused':
      return tag(t(lang, 'pdp.status.refused'), 'red');
    case 'completed':
      return tag(t(lang, 'pdp.status.completed'), 'grey');
  }
};
const subjectLabel = (lang: Lang, s: string | null) => (s ? t(lang, `pdp.subject.${s}` as MessageKey) : '–');
const kindLabel = (lang: Lang, r: Pick<DataRequestView, 'kind'>) => t(lang, r.kind === 'correction' ? 'pdp.kind.correction' : 'pdp.kind.erasure');

/** What an erasure did, in words: the counts erased, and each record kept with its reason. */
function outcomeHtml(lang: Lang, o: ErasureOutcome): SafeHtml {
  return html`<h2>${t(lang, 'pdp.outcome.erased')}</h2>
<ul data-erased>
  <li>${t(lang, 'pdp.outcome.drafts', { n: o.erased.drafts, docs: o.erased.documents })}</li>
  <li>${t(lang, 'pdp.outcome.profile')}</li>
  <li>${t(lang, 'pdp.outcome.sessions', { n: o.erased.sessions })}</li>
  <li>${t(lang, 'pdp.outcome.messages', { n: o.erased.accountMessages })}</li>
</ul>
<h2>${t(lang, 'pdp.outcome.kept')}</h2>
<dl class="summary-list" data-kept>${o.kept.map(
    (k) =>
      html`<div class="summary-list__row" data-kept-item="${k.item}"><dt class="summary-list__key">${t(lang, `pdp.kept.${k.item}` as MessageKey)}${
        k.count === null ? '' : html` (${k.count})`
      }</dt><dd class="summary-list__value">${k.reason[lang]}</dd></div>`,
  )}</dl>`;
}

function requestSummary(lang: Lang, zone: string, r: DataRequestView): SafeHtml {
  return summaryList([
    { key: t(lang, 'pdp.col.reference'), value: html`<strong data-reference>${r.reference}</strong>` },
    { key: t(lang, 'pdp.col.kind'), value: kindLabel(lang, r) },
    { key: t(lang, 'pdp.col.status'), value: statusTag(lang, r) },
    { key: t(lang, 'pdp.col.date'), value: formatDateTime(lang, r.createdAt, zone) },
    ...(r.kind === 'correction'
      ? [
          { key: t(lang, 'pdp.field.subject'), value: subjectLabel(lang, r.subject) },
          ...(r.applicationNumber ? [{ key: t(lang, 'pdp.field.applicationNumber'), value: r.applicationNumber }] : []),
          { key: t(lang, 'pdp.field.currentValue'), value: r.currentValue ?? '' },
          { key: t(lang, 'pdp.field.requestedValue'), value: r.requestedValue ?? '' },
          ...(r.details ? [{ key: t(lang, 'pdp.field.details'), value: r.details }] : []),
        ]
      : []),
    ...(r.resolution ? [{ key: t(lang, 'pdp.field.resolution'), value: html`<span data-resolution>${r.resolution}</span>` }] : []),
    ...(r.resolvedAt && r.kind === 'correction' ? [{ key: t(lang, 'pdp.col.resolvedAt'), value: formatDateTime(lang, r.resolvedAt, zone) }] : []),
  ]);
}

function requestsTable(lang: Lang, zone: string, rows: DataRequestView[], href: (r: DataRequestView) => string, office: boolean): SafeHtml {
  if (rows.length === 0) return html`<p>${t(lang, office ? 'pdp.office.empty' : 'pdp.requests.empty')}</p>`;
  return html`<div class="table-wrap"><table class="table" data-requests>
  <caption class="table__caption visually-hidden">${t(lang, 'pdp.requests.title')}</caption>
  <thead><tr><th scope="col">${t(lang, 'pdp.col.reference')}</th>${office ? html`<th scope="col">${t(lang, 'pdp.col.requester')}</th>` : ''}<th scope="col">${t(lang, 'pdp.col.kind')}</th><th scope="col">${t(lang, 'pdp.col.date')}</th><th scope="col">${t(lang, 'pdp.col.status')}</th></tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr data-request="${r.id}">
    <td><a href="${href(r)}">${r.reference}</a></td>
    ${office ? html`<td>${(r as OfficeDataRequestView).requester.name}</td>` : ''}
    <td>${r.kind === 'correction' ? subjectLabel(lang, r.subject) : kindLabel(lang, r)}</td>
    <td>${formatDateTime(lang, r.createdAt, zone)}</td>
    <td>${statusTag(lang, r)}</td>
  </tr>`,
  )}</tbody>
</table></div>`;
}

/**
 * The data subject's rights on the portal (UU PDP 27/2022, LAW-5): "Data pribadi saya" with the download,
 * the correction form and its requests, and the erasure; and the office's list of correction requests to
 * answer. The service decides who may do what; these pages render its answers.
 */
export function dataRightsPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const office = { access: 'office', permission: 'dataRequests.manage' } as const;

  // ---- The applicant ----

  page.get('/akun/data-pribadi', { access: 'signed-in', permission: 'personalData.own' }, async ({ req, reply, lang, actor }) => {
    const [me, requests] = await Promise.all([services.auth.getProfile(actor), services.dataRights.listMyRequests({ actor })]);
    const title = t(lang, 'pdp.title');
    return sendPage(req, reply, {
      title,
      back: '/akun/profil',
      body: html`<h1>${title}</h1>
<p>${t(lang, 'pdp.lead')}</p>
${summaryList([
  { key: t(lang, 'register.name'), value: me.name },
  ...(me.identityKind === 'kitas'
    ? [{ key: t(lang, 'profile.passport'), value: me.passportMasked ?? '–' }]
    : [{ key: t(lang, 'profile.nik'), value: me.nikMasked ?? '–' }]),
  { key: t(lang, 'register.email'), value: me.email ?? '–' },
  { key: t(lang, 'register.phone'), value: me.phone ?? '–' },
])}
<h2>${t(lang, 'pdp.download.title')}</h2>
<p>${t(lang, 'pdp.download.lead')}</p>
<p><a class="button" href="/akun/data-pribadi/unduh" download data-download>${t(lang, 'pdp.download.button')}</a></p>
<h2>${t(lang, 'pdp.correct.title')}</h2>
<p>${t(lang, 'pdp.correct.lead')} <a href="/akun/profil">${t(lang, 'pdp.correct.profile')}</a></p>
<p><a href="/akun/data-pribadi/pembetulan">${t(lang, 'pdp.correct.link')}</a></p>
<h2>${t(lang, 'pdp.requests.title')}</h2>
${requestsTable(lang, req.tenant.time_zone, requests, (r) => `/akun/data-pribadi/permintaan/${r.id}`, false)}
<h2>${t(lang, 'pdp.erase.title')}</h2>
<p>${t(lang, 'pdp.erase.lead')}</p>
<p><a href="/akun/data-pribadi/hapus">${t(lang, 'pdp.erase.link')}</a></p>`,
    });
  });

  page.get('/akun/data-pribadi/unduh', { access: 'signed-in', permission: 'personalData.own' }, async ({ reply, actor }) => {
    const data = await services.dataRights.exportPersonalData({ actor });
    return reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', contentDisposition('attachment', `data-pribadi-${data.exportedAt.slice(0, 10)}.json`))
      .send(JSON.stringify(data, null, 2));
  });

  const correctionPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const title = t(lang, 'pdp.correct.form.title');
    return sendPage(req, reply, {
      title,
      errors,
      back: '/akun/data-pribadi',
      body: html`<h1>${title}</h1>
<p>${t(lang, 'pdp.correct.form.lead')}</p>
<form method="post" action="/akun/data-pribadi/pembetulan" novalidate>${csrfField(req)}
  ${radios({
    lang,
    name: 'subject',
    label: t(lang, 'pdp.field.subject'),
    value: values.subject,
    error: errorFor(errors, 'subject'),
    options: CORRECTION_SUBJECTS.map((s) => ({ value: s, label: t(lang, `pdp.subject.${s}` as MessageKey) })),
  })}
  ${textInput({ lang, name: 'applicationNumber', label: t(lang, 'pdp.field.applicationNumber'), hint: t(lang, 'pdp.field.applicationNumber.hint'), value: values.applicationNumber, error: errorFor(errors, 'applicationNumber'), optional: true, width: 'medium', maxlength: 40, spellcheck: false, autocomplete: 'off' })}
  ${textarea({ lang, name: 'currentValue', label: t(lang, 'pdp.field.currentValue'), hint: t(lang, 'pdp.field.nik.hint'), value: values.currentValue, error: errorFor(errors, 'currentValue'), maxlength: CORRECTION_LIMITS.value })}
  ${textarea({ lang, name: 'requestedValue', label: t(lang, 'pdp.field.requestedValue'), value: values.requestedValue, error: errorFor(errors, 'requestedValue'), maxlength: CORRECTION_LIMITS.value })}
  ${textarea({ lang, name: 'details', label: t(lang, 'pdp.field.details'), value: values.details, error: errorFor(errors, 'details'), optional: true, maxlength: CORRECTION_LIMITS.details })}
  ${button(t(lang, 'pdp.correct.submit'))}
</form>`,
    });
  };

  page.get('/akun/data-pribadi/pembetulan', { access: 'signed-in', permission: 'personalData.own' }, ({ req, reply }) => correctionPage(req, reply));

  page.post(
    '/akun/data-pribadi/pembetulan',
    { access: 'signed-in', permission: 'personalData.own', form: correctionForm, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, actor, form }) => {
      if (!form.ok) return correctionPage(req, reply, form.values, form.errors);
      let filed: DataRequestView;
      try {
        filed = await services.dataRights.fileCorrection({ actor, ...form.data });
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        return correctionPage(req, reply, form.data, fieldErrors(req, err.details.fields));
      }
      return reply.redirect(`/akun/data-pribadi/permintaan/${filed.id}?baru=1`, 303);
    },
  );

  page.get(
    '/akun/data-pribadi/permintaan/:id',
    { access: 'signed-in', permission: 'personalData.own', params: idParams, query: z.object({ baru: z.string().max(2).optional().catch(undefined) }) },
    async ({ req, reply, lang, actor, params, query }) => {
      const r = await services.dataRights.getMyRequest({ actor, requestId: params.id });
      const title = `${kindLabel(lang, r)} ${r.reference}`;
      return sendPage(req, reply, {
        title,
        back: '/akun/data-pribadi',
        notice: query.baru ? banner(t(lang, 'pdp.correct.filed', { reference: r.reference }), 'success') : null,
        body: html`<h1>${title}</h1>
${requestSummary(lang, req.tenant.time_zone, r)}
${r.status === 'open' ? html`<p>${t(lang, 'pdp.correct.next')}</p>` : ''}
${r.outcome ? outcomeHtml(lang, r.outcome) : ''}`,
      });
    },
  );

  const erasurePage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const title = t(lang, 'pdp.erase.form.title');
    const keptItems = ['applications', 'permits', 'bills', 'payments', 'help_requests', 'audit_trail'] as const;
    return sendPage(req, reply, {
      title,
      errors,
      back: '/akun/data-pribadi',
      status: errors.length ? 400 : 200,
      body: html`<h1>${title}</h1>
<p>${t(lang, 'pdp.erase.form.lead')}</p>
<h2>${t(lang, 'pdp.erase.form.erased')}</h2>
<ul>
  <li>${t(lang, 'pdp.erase.form.erased.drafts')}</li>
  <li>${t(lang, 'pdp.erase.form.erased.profile')}</li>
  <li>${t(lang, 'pdp.erase.form.erased.sessions')}</li>
</ul>
<h2>${t(lang, 'pdp.erase.form.kept')}</h2>
<dl class="summary-list">${keptItems.map(
        (k) =>
          html`<div class="summary-list__row"><dt class="summary-list__key">${t(lang, `pdp.kept.${k}`)}</dt><dd class="summary-list__value">${KEPT_REASONS[k][lang]}</dd></div>`,
      )}</dl>
<p><strong>${t(lang, 'pdp.erase.form.warning')}</strong></p>
<form method="post" action="/akun/data-pribadi/hapus" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'currentPassword', label: t(lang, 'profile.password'), error: errorFor(errors, 'currentPassword'), type: 'password', autocomplete: 'current-password', maxlength: MAX_PASSWORD_LENGTH })}
  ${checkbox({ lang, name: 'confirm', label: t(lang, 'pdp.erase.form.confirm'), checked: values.confirm === 'yes', error: errorFor(errors, 'confirm') })}
  ${button(t(lang, 'pdp.erase.form.submit'), { warning: true })}
</form>`,
    });
  };

  page.get('/akun/data-pribadi/hapus', { access: 'signed-in', permission: 'personalData.own' }, ({ req, reply }) => erasurePage(req, reply));

  page.post(
    '/akun/data-pribadi/hapus',
    { access: 'signed-in', permission: 'personalData.own', form: erasureForm, rateLimit: { max: 5, timeWindow: '1 minute' } },
    async ({ req, reply, lang, actor, form }) => {
      if (!form.ok) return erasurePage(req, reply, form.values, form.errors);
      let done: DataRequestView;
      try {
        done = await services.dataRights.eraseMyAccount({
          actor,
          password: form.data.currentPassword,
          confirm: form.data.confirm === 'yes',
          clientIp: req.ip,
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'currentPassword', message: errorMessage(req, err) }];
        return erasurePage(req, reply, { confirm: form.data.confirm }, errors);
      }
      // The session is gone with the account: the page says what happened to a visitor now signed out.
      clearSessionCookie(reply);
      req.actor = null;
      const title = t(lang, 'pdp.erased.title');
      return sendPage(req, reply, {
        title,
        body: html`<div class="panel"><h1>${title}</h1><div class="panel__body">${t(lang, 'pdp.erased.reference')}<br><strong data-reference>${done.reference}</strong></div></div>
<p>${t(lang, 'pdp.erased.lead')}</p>
${done.outcome ? outcomeHtml(lang, done.outcome) : ''}`,
      });
    },
  );

  // ---- The office ----

  page.get('/kantor/data-pribadi', { ...office, query: statusQuery }, async ({ req, reply, lang, actor, query }) => {
    const rows = await services.dataRights.listCorrectionRequests({ actor, status: query.status });
    const title = t(lang, 'pdp.office.title');
    return sendPage(req, reply, {
      title,
      back: '/kantor',
      body: html`<h1>${title}</h1>
<p>${t(lang, 'pdp.office.lead')}</p>
<p>${
        query.status === 'open'
          ? html`<a href="/kantor/data-pribadi?status=closed">${t(lang, 'pdp.office.closed')}</a>`
          : html`<a href="/kantor/data-pribadi">${t(lang, 'pdp.office.open')}</a>`
      }</p>
<h2>${t(lang, query.status === 'open' ? 'pdp.office.open' : 'pdp.office.closed')}</h2>
${requestsTable(lang, req.tenant.time_zone, rows, (r) => `/kantor/data-pribadi/${r.id}`, true)}`,
    });
  });

  const officeRequestPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    values: Record<string, string> = {},
    errors: FieldError[] = [],
    notice?: string,
  ) => {
    const lang = req.lang;
    const r = await services.dataRights.getCorrectionRequest({ actor, requestId: id });
    const title = `${t(lang, 'pdp.kind.correction')} ${r.reference}`;
    return sendPage(req, reply, {
      title,
      errors,
      back: '/kantor/data-pribadi',
      status: errors.length ? 400 : 200,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<p class="caption">${t(lang, 'pdp.office.title')}</p><h1>${title}</h1>
${summaryList([{ key: t(lang, 'pdp.col.requester'), value: r.requester.name }])}
${requestSummary(lang, req.tenant.time_zone, r)}
${
  r.status === 'open'
    ? html`<h2>${t(lang, 'pdp.office.answer')}</h2>
<p>${t(lang, 'pdp.office.answer.lead')}</p>
<form method="post" action="/kantor/data-pribadi/${r.id}" novalidate>${csrfField(req)}
  ${radios({
    lang,
    name: 'outcome',
    label: t(lang, 'pdp.office.outcome'),
    value: values.outcome,
    error: errorFor(errors, 'outcome'),
    options: [
      { value: 'corrected', label: t(lang, 'pdp.status.corrected') },
      { value: 'refused', label: t(lang, 'pdp.status.refused') },
    ],
  })}
  ${textarea({ lang, name: 'resolution', label: t(lang, 'pdp.field.resolution'), hint: t(lang, 'pdp.office.resolution.hint'), value: values.resolution, error: errorFor(errors, 'resolution'), maxlength: CORRECTION_LIMITS.resolution })}
  ${button(t(lang, 'pdp.office.submit'))}
</form>`
    : ''
}`,
    });
  };

  page.get('/kantor/data-pribadi/:id', { ...office, params: idParams }, ({ req, reply, actor, params }) => officeRequestPage(req, reply, actor, params.id));

  page.post('/kantor/data-pribadi/:id', { ...office, params: idParams, form: resolveForm }, async ({ req, reply, lang, actor, params, form }) => {
    if (!form.ok) return officeRequestPage(req, reply, actor, params.id, form.values, form.errors);
    try {
      await services.dataRights.resolveCorrection({ actor, requestId: params.id, ...form.data });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'invalid_input' && err.code !== 'invalid_state')) throw err;
      const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'outcome', message: errorMessage(req, err) }];
      return officeRequestPage(req, reply, actor, params.id, form.data, errors);
    }
    return officeRequestPage(req, reply, actor, params.id, {}, [], t(lang, 'pdp.office.done'));
  });
}
