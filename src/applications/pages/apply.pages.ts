import { answersOf } from '../../catalogue/answers.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../access/actor.js';
import type { FieldDefinition } from '../../catalogue/catalogue.schema.js';
import { describeKinds } from '../../documents/file-kinds.js';
import { photoMaxBytes } from '../../documents/photos.js';
import { fileTooLargeMessage } from '../../http/multipart.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { button, checkbox, csrfField, errorFor, type FieldError, fileUpload, linkButton, summaryList } from '../../web/components.js';
import { html } from '../../web/html.js';
import { formatRupiah, loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit, parseForm } from '../../web/page-route.js';
import { acceptList, answerInputValue, displayAnswer, errorMessage, fieldErrors, fieldInput, formText, requiredText } from '../../web/views.js';
import { type LinkedTypes, obtainedByLink, requirementHelp } from '../../catalogue/requirement.views.js';
import { feeBreakdownRows } from '../../fees/fees.views.js';
import type { CostOutlook } from '../citizen-path.service.js';
import { applicantView, applicationParams, type ApplicationView, expectedBy } from './applicant.views.js';
import { documentHelpPages } from './document-help.pages.js';

const permitTypeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z0-9]{2,12}$/)
    .transform((s) => s.toUpperCase()),
});
const fieldParams = applicationParams.extend({ field: z.string().max(100) });
const requirementParams = applicationParams.extend({ req: z.string().max(100) });
/** `?ubah=1` (or the form's `ubah` field): changing one answer from the check page, which it returns to. */
const changeQuery = z.object({ ubah: z.string().optional() });

/** Problems with answers, named by their question and linking to it where asked. */
const answerErrors = (req: FastifyRequest, view: ApplicationView, problems: AppError['details']['fields'], link: boolean): FieldError[] =>
  fieldErrors(req, problems, (p) => p.replace(/^answers\./, '')).map((e) => {
    const f = view.definition.fields.find((x) => x.name === e.field);
    return {
      ...e,
      message: f ? `${loc(req.lang, f.label)}: ${e.message}` : e.message,
      ...(link ? { href: `/permohonan/${view.app.id}/isian/${e.field}?ubah=1` } : {}),
    };
  });

/**
 * Applying: start, one question per page, documents, check your answers with the declaration, and
 * the confirmation with the number and tracking code (GOV.UK "question pages" pattern).
 */
export function applyPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  /** The file for the pages that change it; one no longer open to changes sends the visitor to its detail page. */
  async function loadEditable(reply: FastifyReply, actor: Actor, id: string): Promise<ApplicationView | null> {
    const view = await services.applications.getApplication({ actor, applicationId: id });
    if (!applicantView(view).edit) {
      void reply.redirect(`/permohonan/${view.app.id}`, 303);
      return null;
    }
    return view;
  }

  // ---- Start ----
  page.get('/izin/:code/mulai', { access: 'anyone', params: permitTypeParams }, async ({ req, reply, lang, actor, params }) => {
    const def = (await services.catalogue.getPermitType({ tenantId: req.tenant.id, code: params.code })).definition;
    return sendPage(req, reply, {
      title: t(lang, 'start.title', { name: loc(lang, def.name) }),
      back: `/izin/${def.code}`,
      body: html`<h1>${t(lang, 'start.title', { name: loc(lang, def.name) })}</h1>
<p>${t(lang, 'start.lead', { fields: def.fields.length })}</p>
<p>${t(lang, def.foreignResidents ? 'foreign.accepted' : 'foreign.not.accepted.short')}</p>
<h2>${t(lang, 'start.need')}</h2>
<ul>${def.requirements.filter((r) => r.required).map((r) => html`<li>${loc(lang, r.name)}</li>`)}</ul>
<h2>${t(lang, 'start.fee')}</h2>
${
  def.feeRule.kind === 'free'
    ? html`<p data-fee-free>${t(lang, 'start.fee.free')}</p>`
    : html`<p>${t(lang, 'start.fee.paid')} <a href="/izin/${def.code}/perkiraan">${t(lang, 'fees.estimate.link')}</a></p>`
}
${
  actor
    ? html`<form method="post" action="/izin/${def.code}/mulai">${csrfField(req)}${button(t(lang, 'start.button'))}</form>`
    : linkButton(`/akun/masuk?kembali=${encodeURIComponent(`/izin/${def.code}/mulai`)}`, t(lang, 'start.signin'), true)
}`,
    });
  });

  page.post('/izin/:code/mulai', { access: 'signed-in', params: permitTypeParams }, async ({ reply, actor, params }) => {
    const { application } = await services.applications.createApplication({ actor, permitTypeCode: params.code });
    const { definition } = await services.catalogue.getVersion(application.permit_type_version_id);
    return reply.redirect(`/permohonan/${application.id}/isian/${definition.fields[0]!.name}`, 303);
  });

  // ---- Question pages: one field per page ----
  const questionPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    view: ApplicationView,
    f: FieldDefinition,
    value: string | undefined,
    errors: FieldError[],
    change: boolean,
  ) => {
    const lang = req.lang;
    const { app, definition: def } = view;
    const index = def.fields.indexOf(f);
    const prev = index > 0 ? `/permohonan/${app.id}/isian/${def.fields[index - 1]!.name}` : `/izin/${def.code}/mulai`;
    return sendPage(req, reply, {
      title: loc(lang, f.label),
      errors,
      back: change ? `/permohonan/${app.id}/periksa` : prev,
      body: html`<p class="muted">${loc(lang, def.name)} · ${t(lang, 'question.step', { n: index + 1, total: def.fields.length })}</p>
<form method="post" action="/permohonan/${app.id}/isian/${f.name}" novalidate>
  ${csrfField(req)}${change ? html`<input type="hidden" name="ubah" value="1">` : ''}
  ${fieldInput(lang, f, value, errorFor(errors, f.name))}
  ${button(t(lang, 'save.continue'))}
</form>`,
    });
  };

  const fieldOf = (view: ApplicationView, name: string): FieldDefinition => {
    const f = view.definition.fields.find((x) => x.name === name);
    if (!f) throw new AppError('not_found', 'no such field');
    return f;
  };

  page.get('/permohonan/:id/isian/:field', { access: 'signed-in', params: fieldParams, query: changeQuery }, async ({ req, reply, actor, params, query }) => {
    const view = await loadEditable(reply, actor, params.id);
    if (!view) return reply;
    const f = fieldOf(view, params.field);
    const answers = answersOf(view.app);
    return questionPage(req, reply, view, f, answerInputValue(f, answers[f.name]), [], query.ubah === '1');
  });

  page.post(
    '/permohonan/:id/isian/:field',
    { access: 'signed-in', params: fieldParams, form: () => changeQuery },
    async ({ req, reply, lang, actor, params, form }) => {
      const view = await loadEditable(reply, actor, params.id);
      if (!view) return reply;
      const { app, definition } = view;
      const f = fieldOf(view, params.field);
      const change = form.ok && form.data.ubah === '1';
      const answer = parseForm(z.object({ [f.name]: f.required ? requiredText(lang, loc(lang, f.label), 6000) : formText(6000) }), form.values);
      const typed = form.values[f.name];
      if (!answer.ok) return questionPage(req, reply, view, f, typed, answer.errors, change);
      const value = answer.data[f.name]!;
      try {
        await services.applications.updateApplication({ actor, applicationId: app.id, answers: { [f.name]: value === '' ? null : value } });
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        return questionPage(req, reply, view, f, typed, answerErrors(req, view, err.details.fields, false), change);
      }
      const next = definition.fields[definition.fields.indexOf(f) + 1];
      return reply.redirect(
        change ? `/permohonan/${app.id}/periksa` : next ? `/permohonan/${app.id}/isian/${next.name}` : `/permohonan/${app.id}/dokumen`,
        303,
      );
    },
  );

  // ---- Documents ----
  page.get('/permohonan/:id/dokumen', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const { view, linkedTypes } = await services.citizenPath.documents({ actor, applicationId: params.id });
    if (!applicantView(view).edit) return reply.redirect(`/permohonan/${view.app.id}`, 303);
    const { app, definition, docs } = view;
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    return sendPage(req, reply, {
      title: t(lang, 'docs.title'),
      back: `/permohonan/${app.id}/isian/${definition.fields[definition.fields.length - 1]!.name}`,
      body: html`<h1>${t(lang, 'docs.title')}</h1><p>${t(lang, 'docs.lead')}</p>
${summaryList(
  definition.requirements.map((r) => {
    const d = byReq.get(r.code);
    const status = !d
      ? html`<span class="muted">${t(lang, 'docs.missing')}</span>${r.required ? '' : html` ${t(lang, 'optional')}`}`
      : d.review_status === 'refused'
        ? html`<span class="error-message">${t(lang, 'docs.refused', { reason: d.review_reason ?? '' })}</span>`
        : html`${t(lang, 'docs.uploaded')}: ${d.file_name}`;
    const help = requirementHelp(lang, r, linkedTypes);
    return {
      key: loc(lang, r.name),
      value: help ? html`${status}<br>${help}` : status,
      change: { href: `/permohonan/${app.id}/dokumen/${r.code}`, label: d ? t(lang, 'docs.replace') : t(lang, 'docs.upload') },
    };
  }),
)}
${linkButton(`/permohonan/${app.id}/periksa`, t(lang, 'docs.done'))}`,
    });
  });

  const requirementOf = (view: ApplicationView, code: string) => {
    const r = view.definition.requirements.find((x) => x.code === code);
    if (!r) throw new AppError('not_found', 'no such requirement');
    return r;
  };

  const uploadPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    view: ApplicationView,
    code: string,
    errors: FieldError[] = [],
    status?: number,
    linkedTypes: LinkedTypes = {},
  ) => {
    const lang = req.lang;
    const r = requirementOf(view, code);
    const maxBytes = Math.min(r.maxSizeMb * 1048576, services.config.maxUploadBytes);
    const kinds = describeKinds(r.acceptedTypes);
    const obtained = obtainedByLink(lang, r, linkedTypes);
    const messages = JSON.stringify({
      type: t(lang, 'upload.client.type', { kinds }),
      size: t(lang, 'upload.client.size', { mb: r.maxSizeMb }),
      reducing: t(lang, 'upload.client.reducing'),
      sending: t(lang, 'upload.client.sending', { pct: '{pct}' }),
    });
    // A camera photo over maxBytes, up to this, is reduced (in the browser, or by the server without JavaScript).
    const photoMax = photoMaxBytes(r, services.config.maxUploadBytes);
    return sendPage(req, reply, {
      title: loc(lang, r.name),
      errors,
      back: `/permohonan/${view.app.id}/dokumen`,
      ...(status ? { status } : {}),
      body: html`<form method="post" action="/permohonan/${view.app.id}/dokumen/${r.code}" enctype="multipart/form-data" novalidate data-upload data-messages="${messages}"${photoMax ? html` data-photo-max-bytes="${photoMax}"` : ''}>
  ${csrfField(req)}
  ${fileUpload({
    lang,
    name: 'file',
    label: loc(lang, r.name),
    hint:
      [r.explanation, r.description]
        .filter((x) => x !== undefined)
        .map((x) => `${loc(lang, x)} `)
        .join('') +
      t(lang, 'guide.types', { types: kinds, mb: r.maxSizeMb }) +
      (photoMax && photoMax > maxBytes ? `. ${t(lang, 'upload.photo.reduced', { mb: Math.floor(photoMax / 1048576) })}` : ''),
    error: errorFor(errors, 'file'),
    isPageHeading: true,
    accept: acceptList(r.acceptedTypes),
    maxBytes,
  })}
  ${obtained ? html`<p>${obtained}</p>` : ''}
  ${button(t(lang, 'docs.upload'))}
</form>
<p><a href="/permohonan/${view.app.id}/dokumen/${r.code}/bantuan" data-document-help>${t(lang, 'docs.help.link')}</a></p>
<p><a href="/permohonan/${view.app.id}/dokumen">${t(lang, 'docs.others')}</a></p>`,
    });
  };

  page.get('/permohonan/:id/dokumen/:req', { access: 'signed-in', params: requirementParams }, async ({ req, reply, actor, params }) => {
    const { view, linkedTypes } = await services.citizenPath.documents({ actor, applicationId: params.id });
    if (!applicantView(view).edit) return reply.redirect(`/permohonan/${view.app.id}`, 303);
    return uploadPage(req, reply, view, requirementOf(view, params.req).code, [], undefined, linkedTypes);
  });

  page.upload(
    '/permohonan/:id/dokumen/:req',
    { access: 'signed-in', params: requirementParams, maxBytes: services.config.maxUploadBytes },
    async ({ req, reply, actor, params, file }) => {
      let view: ApplicationView;
      try {
        view = await services.applications.getApplication({ actor, applicationId: params.id });
        requirementOf(view, params.req);
      } catch (err) {
        file?.file.resume();
        throw err;
      }
      if (!file) return uploadPage(req, reply, view, params.req, [{ field: 'file', message: t(req.lang, 'docs.required.missing') }]);
      try {
        await services.documents.uploadDocument({
          actor,
          applicationId: view.app.id,
          requirementCode: params.req,
          fileName: file.filename,
          claimedType: file.mimetype,
          source: file.file,
        });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        file.file.resume();
        // Too large: the file's size, the limit and how to make it smaller (the rest of the body is drained, http/problem.ts).
        const maxMb = err.code === 'file_too_large' ? err.details.params?.maxMb : undefined;
        const message = typeof maxMb === 'number' ? fileTooLargeMessage(req, req.lang, maxMb) : errorMessage(req, err);
        return uploadPage(req, reply, view, params.req, [{ field: 'file', message }], err.status);
      }
      // A draft goes on through its documents; a returned file goes back to its page, where the reasons are.
      return reply.redirect(applicantView(view).draft ? `/permohonan/${view.app.id}/dokumen` : `/permohonan/${view.app.id}`, 303);
    },
  );

  // ---- Check your answers, declaration, submit ----
  /** What it will cost, from her own answers: free, the estimate with its steps, or what is still to answer. */
  const costSection = (req: FastifyRequest, view: ApplicationView, cost: CostOutlook) => {
    const lang = req.lang;
    const body =
      cost.kind === 'free'
        ? html`<p data-fee-free>${t(lang, 'check.cost.free')}</p>`
        : cost.kind === 'estimate'
          ? html`<p class="lead"><strong data-estimate-amount>${t(lang, 'check.cost.amount', { amount: formatRupiah(cost.estimate.amount) })}</strong></p>
<p>${t(lang, 'check.cost.caveat')}</p>
<details class="details" data-cost-breakdown><summary>${t(lang, 'check.cost.breakdown')}</summary>
${summaryList([...feeBreakdownRows(lang, cost.estimate, view.definition.fields), { key: t(lang, 'fees.estimate.result'), value: html`<strong>${formatRupiah(cost.estimate.amount)}</strong>` }])}
</details>`
          : cost.kind === 'incomplete'
            ? html`<p>${t(lang, 'check.cost.missing')}</p>
<ul data-cost-missing>${cost.missing.map((f) => html`<li><a href="/permohonan/${view.app.id}/isian/${f.name}?ubah=1">${loc(lang, f.label)}</a></li>`)}</ul>`
            : html`<p>${t(lang, 'fees.estimate.unavailable', { reason: errorMessage(req, cost.problem) })}</p>`;
    return html`<section aria-labelledby="cost-title" data-cost="${cost.kind}"><h2 id="cost-title">${t(lang, 'check.cost')}</h2>${body}</section>`;
  };

  type CheckData = Awaited<ReturnType<Services['citizenPath']['checkAnswers']>>;
  const checkPage = (req: FastifyRequest, reply: FastifyReply, data: CheckData, errors: FieldError[] = [], declared = false) => {
    const lang = req.lang;
    const { view, cost } = data;
    const { app, definition, docs } = view;
    const answers = answersOf(app);
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    return sendPage(req, reply, {
      title: t(lang, 'check.title'),
      errors,
      back: `/permohonan/${app.id}/dokumen`,
      body: html`<h1>${t(lang, 'check.title')}</h1>
<p class="lead">${loc(lang, definition.name)}</p>
<h2>${t(lang, 'check.answers')}</h2>
${summaryList(definition.fields.map((f) => ({ key: loc(lang, f.label), value: displayAnswer(lang, f, answers[f.name]), change: { href: `/permohonan/${app.id}/isian/${f.name}?ubah=1`, label: t(lang, 'change') } })))}
<h2>${t(lang, 'check.documents')}</h2>
${summaryList(
  definition.requirements.map((r) => ({
    key: loc(lang, r.name),
    value: byReq.get(r.code)?.file_name ?? (r.required ? t(lang, 'docs.missing') : `${t(lang, 'docs.missing')} ${t(lang, 'optional')}`),
    change: { href: `/permohonan/${app.id}/dokumen/${r.code}`, label: t(lang, 'change') },
  })),
)}
${costSection(req, view, cost)}
<h2>${t(lang, 'check.declaration')}</h2>
<form method="post" action="/permohonan/${app.id}/ajukan" novalidate>
  ${csrfField(req)}
  ${checkbox({ lang, name: 'declaration', label: t(lang, 'check.declare'), checked: declared, error: errorFor(errors, 'declaration') })}
  ${button(applicantView(view).draft ? t(lang, 'check.submit') : t(lang, 'check.resubmit'))}
</form>`,
    });
  };

  /** Each required document still missing (or refused), as its own error linking to its upload page. */
  const missingErrors = (lang: FastifyRequest['lang'], data: CheckData): FieldError[] =>
    data.missing.map((r) => ({
      field: `document-${r.code}`,
      message: t(lang, data.view.docs.some((d) => d.requirement_code === r.code) ? 'check.missing.replace' : 'check.missing.upload', {
        name: loc(lang, r.name),
      }),
      href: `/permohonan/${data.view.app.id}/dokumen/${r.code}`,
    }));

  page.get('/permohonan/:id/periksa', { access: 'signed-in', params: applicationParams }, async ({ req, reply, actor, params }) => {
    const data = await services.citizenPath.checkAnswers({ actor, applicationId: params.id });
    if (!applicantView(data.view).edit) return reply.redirect(`/permohonan/${data.view.app.id}`, 303);
    return checkPage(req, reply, data);
  });

  page.post(
    '/permohonan/:id/ajukan',
    {
      access: 'signed-in',
      params: applicationParams,
      form: (lang) => z.object({ declaration: z.literal('yes', { error: t(lang, 'check.declare.required') }) }),
    },
    async ({ req, reply, actor, params, form }) => {
      const data = await services.citizenPath.checkAnswers({ actor, applicationId: params.id });
      const { view } = data;
      const declared = form.values.declaration === 'yes';
      if (!form.ok) return checkPage(req, reply, data, [...form.errors, ...missingErrors(req.lang, data)], declared);
      const action = applicantView(view).sendAction;
      if (!action) throw new AppError('invalid_state', 'this file cannot be sent to the office from its current state');
      try {
        await services.applications.performAction({ actor, applicationId: view.app.id, action });
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'invalid_answers' && err.code !== 'precondition_failed')) throw err;
        const missing = missingErrors(req.lang, data);
        const errors: FieldError[] = err.details.fields
          ? answerErrors(req, view, err.details.fields, true)
          : missing.length
            ? missing
            : [{ field: 'documents', message: errorMessage(req, err), href: `/permohonan/${view.app.id}/dokumen` }];
        return checkPage(req, reply, data, errors, declared);
      }
      return reply.redirect(`/permohonan/${view.app.id}/terkirim`, 303);
    },
  );

  page.get('/permohonan/:id/terkirim', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const { view, billFollows } = await services.citizenPath.confirmation({ actor, applicationId: params.id });
    const { app, sla, definition } = view;
    if (!app.number || !app.submitted_at) return reply.redirect(`/permohonan/${app.id}`, 303);
    return sendPage(req, reply, {
      title: t(lang, 'done.title'),
      body: html`<div class="panel"><h1>${t(lang, 'done.title')}</h1>
  <div class="panel__body">${t(lang, 'done.number')}<strong data-number>${app.number}</strong>${t(lang, 'done.code')}<strong data-tracking-code>${app.tracking_code}</strong></div></div>
<h2>${t(lang, 'done.next')}</h2>
<p>${t(lang, 'done.next.text', { date: expectedBy(lang, sla) })}</p>
${
  billFollows
    ? html`<p data-bill-follows>${t(lang, definition.feeRule.kind === 'pbg_retribution' ? 'done.bill.review' : 'done.bill.check')}</p><p>${t(lang, 'done.bill.pay')}</p>`
    : html`<p data-fee-free>${t(lang, 'done.free')}</p>`
}
<p><a href="/permohonan/${app.id}/tanda-terima">${t(lang, 'done.receipt')}</a></p>
<p><a href="/permohonan">${t(lang, 'done.mine')}</a></p>`,
    });
  });

  documentHelpPages(app, services);
}
