import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import { actsForApplicant, isEditableState } from '../../applications/applications.access.js';
import type { Answers } from '../../catalogue/answers.js';
import type { FieldDefinition, PermitTypeDefinition } from '../../catalogue/catalogue.schema.js';
import type { Application } from '../../db/schema.js';
import { describeKinds } from '../../documents/file-kinds.js';
import { formatVerificationCode } from '../../permits/permit.document.js';
import { AppError } from '../../shared/errors.js';
import { maskNik } from '../../shared/identifiers.js';
import type { Lang } from '../../shared/messages.js';
import type { SlaResult } from '../../sla/sla.js';
import type { Services } from '../../services.js';
import { stateOf } from '../../workflow/workflow.engine.js';
import {
  banner,
  button,
  checkbox,
  csrfField,
  errorFor,
  type FieldError,
  fileUpload,
  linkButton,
  radios,
  summaryList,
  textarea,
  textInput,
} from '../components.js';
import { html, type SafeHtml } from '../html.js';
import { formatDate, formatDateTime, formatRupiah, loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { checkCsrf, errorMessage, field, fieldErrors, requiredMessage, signedIn } from './helpers.js';
import { acceptList, stateTag } from './public.routes.js';
import { permitStatusTag, validityText } from './verify.routes.js';
import { officeBaseUrl } from '../../tenants/office-url.js';
import { sendPermitPdf } from '../../permits/permits.routes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How an answer reads back on "check your answers" and the detail page. */
export function displayAnswer(lang: Lang, f: FieldDefinition, value: Answers[string] | undefined): string {
  if (value === undefined || value === '') return t(lang, 'check.notanswered');
  switch (f.type) {
    case 'select':
      return loc(lang, f.options.find((o) => o.value === value)?.label ?? { id: String(value), en: String(value) });
    case 'yes_no':
      return value ? t(lang, 'yes') : t(lang, 'no');
    case 'area_m2':
      return `${String(value).replace('.', lang === 'id' ? ',' : '.')} m²`;
    case 'date':
      return formatDate(lang, `${String(value)}T12:00:00Z`, 'UTC');
    case 'nik':
      // UU PDP: a NIK is never shown in full once entered, not even to its owner.
      return maskNik(String(value));
    default:
      return String(value);
  }
}

/** The input for one form field; on question pages its label is the page heading. */
export function fieldInput(lang: Lang, f: FieldDefinition, value: string | undefined, error: string | undefined, asHeading = true): SafeHtml {
  const common = {
    lang,
    name: f.name,
    label: loc(lang, f.label),
    hint: f.hint ? loc(lang, f.hint) : undefined,
    error,
    isPageHeading: asHeading,
    optional: !f.required,
  };
  switch (f.type) {
    case 'select':
      return radios({ ...common, value, options: f.options.map((o) => ({ value: o.value, label: loc(lang, o.label) })) });
    case 'yes_no':
      return radios({
        ...common,
        value,
        options: [
          { value: 'yes', label: t(lang, 'yes') },
          { value: 'no', label: t(lang, 'no') },
        ],
      });
    case 'textarea':
      return textarea({ ...common, value, maxlength: f.maxLength });
    case 'date':
      return textInput({ ...common, value, type: 'date', width: 'medium' });
    case 'number':
    case 'area_m2':
    case 'floor_count':
      return textInput({ ...common, value, inputmode: f.type === 'floor_count' ? 'numeric' : 'decimal', width: 'short', maxlength: 20 });
    case 'nik':
    case 'nib':
    case 'npwp':
    case 'kbli':
      return textInput({ ...common, value, inputmode: 'numeric', width: 'medium', maxlength: 25, spellcheck: false, autocomplete: 'off' });
    case 'email':
      return textInput({ ...common, value, type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false });
    case 'phone':
      return textInput({ ...common, value, type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20 });
    case 'vehicle_plate':
      return textInput({ ...common, value, width: 'short', maxlength: 12, spellcheck: false });
    case 'text':
      return textInput({ ...common, value, maxlength: f.maxLength });
    case 'address':
      return textInput({ ...common, value, autocomplete: 'street-address', maxlength: 300 });
    default: {
      const unreachable: never = f;
      return unreachable;
    }
  }
}

export function applyPages(app: FastifyInstance, services: Services): void {
  const officeAddress = { baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant };
  /** The SLA due date in words (working days, paused while the file is with the applicant). */
  const expectedBy = (req: FastifyRequest, sla: SlaResult) => (sla.dueDate ? formatDate(req.lang, `${sla.dueDate}T12:00:00Z`, 'UTC') : '–');

  /** Loads the application for the applicant's side, or answers (sign-in redirect / 404) and returns null. */
  async function loadOwn(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
  ): Promise<{ actor: Actor; view: Awaited<ReturnType<Services['applications']['getApplication']>> } | null> {
    const actor = signedIn(req, reply);
    if (!actor) return null;
    if (!UUID.test(id)) throw new AppError('not_found', 'bad id');
    const view = await services.applications.getApplication({ actor, applicationId: id });
    return { actor, view };
  }

  const editable = (actor: Actor, app: Application, wf: Parameters<typeof isEditableState>[0]) =>
    actsForApplicant(actor, app) && isEditableState(wf, app.state);

  /** loadOwn for the pages that change a file: one no longer open to changes sends the visitor to its detail page. */
  async function loadEditable(req: FastifyRequest, reply: FastifyReply, id: string): ReturnType<typeof loadOwn> {
    const own = await loadOwn(req, reply, id);
    if (own && !editable(own.actor, own.view.app, own.view.workflow)) {
      void reply.redirect(`/permohonan/${own.view.app.id}`, 303);
      return null;
    }
    return own;
  }

  // ---- Start ----
  app.get<{ Params: { code: string } }>('/izin/:code/mulai', { schema: { hide: true } }, async (req, reply) => {
    const lang = req.lang;
    const pt = await services.catalogue.getPermitType({ tenantId: req.tenant.id, code: String(req.params.code).toUpperCase().slice(0, 12) });
    const def = pt.definition;
    return sendPage(req, reply, {
      title: t(lang, 'start.title', { name: loc(lang, def.name) }),
      back: `/izin/${def.code}`,
      body: html`<h1>${t(lang, 'start.title', { name: loc(lang, def.name) })}</h1>
<p>${t(lang, 'start.lead', { fields: def.fields.length })}</p>
<h2>${t(lang, 'start.need')}</h2>
<ul>${def.requirements.filter((r) => r.required).map((r) => html`<li>${loc(lang, r.name)}</li>`)}</ul>
${
  req.actor
    ? html`<form method="post" action="/izin/${def.code}/mulai">${csrfField(req)}${button(t(lang, 'start.button'))}</form>`
    : linkButton(`/akun/masuk?kembali=${encodeURIComponent(`/izin/${def.code}/mulai`)}`, t(lang, 'start.signin'), true)
}`,
    });
  });

  app.post<{ Params: { code: string } }>('/izin/:code/mulai', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const { application } = await services.applications.createApplication({ actor, permitTypeCode: String(req.params.code).toUpperCase().slice(0, 12) });
    const { definition } = await services.catalogue.getVersion(application.permit_type_version_id);
    return reply.redirect(`/permohonan/${application.id}/isian/${definition.fields[0]!.name}`, 303);
  });

  // ---- Question pages: one field per page ----
  const questionPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    app: Application,
    def: PermitTypeDefinition,
    f: FieldDefinition,
    value: string | undefined,
    errors: FieldError[],
    change: boolean,
  ) => {
    const lang = req.lang;
    const index = def.fields.indexOf(f);
    const prev = index > 0 ? `/permohonan/${app.id}/isian/${def.fields[index - 1]!.name}` : `/izin/${def.code}/mulai`;
    return sendPage(req, reply, {
      title: loc(lang, f.label),
      errors,
      back: change ? `/permohonan/${app.id}/periksa` : prev,
      body: html`<p class="muted">${loc(lang, def.name)} · ${t(lang, 'question.step', { n: index + 1, total: def.fields.length })}</p>
<form method="post" action="/permohonan/${app.id}/isian/${f.name}${change ? '?ubah=1' : ''}" novalidate>
  ${csrfField(req)}
  ${fieldInput(lang, f, value, errorFor(errors, f.name))}
  ${button(t(lang, 'save.continue'))}
</form>`,
    });
  };

  app.get<{ Params: { id: string; field: string }; Querystring: { ubah?: string } }>(
    '/permohonan/:id/isian/:field',
    { schema: { hide: true } },
    async (req, reply) => {
      const own = await loadEditable(req, reply, req.params.id);
      if (!own) return reply;
      const { app, definition } = own.view;
      const f = definition.fields.find((x) => x.name === req.params.field);
      if (!f) throw new AppError('not_found', 'no such field');
      const answers = JSON.parse(app.answers) as Answers;
      const current = answers[f.name];
      const value = current === undefined ? undefined : f.type === 'yes_no' ? (current ? 'yes' : 'no') : String(current);
      return questionPage(req, reply, app, definition, f, value, [], req.query.ubah === '1');
    },
  );

  app.post<{ Params: { id: string; field: string }; Querystring: { ubah?: string } }>(
    '/permohonan/:id/isian/:field',
    { schema: { hide: true } },
    async (req, reply) => {
      checkCsrf(req, req.body);
      const own = await loadEditable(req, reply, req.params.id);
      if (!own) return reply;
      const { app, definition } = own.view;
      const f = definition.fields.find((x) => x.name === req.params.field);
      if (!f) throw new AppError('not_found', 'no such field');
      const change = req.query.ubah === '1';
      const value = field(req.body, f.name, 6000);
      if (f.required && !value.trim()) {
        return questionPage(req, reply, app, definition, f, value, [{ field: f.name, message: requiredMessage(req.lang, loc(req.lang, f.label)) }], change);
      }
      try {
        await services.applications.updateApplication({ actor: own.actor, applicationId: app.id, answers: { [f.name]: value.trim() === '' ? null : value } });
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        return questionPage(
          req,
          reply,
          app,
          definition,
          f,
          value,
          fieldErrors(req, err.details.fields, (p) => p.replace(/^answers\./, '')).map((e) => ({ ...e, message: `${loc(req.lang, f.label)}: ${e.message}` })),
          change,
        );
      }
      const next = definition.fields[definition.fields.indexOf(f) + 1];
      return reply.redirect(
        change ? `/permohonan/${app.id}/periksa` : next ? `/permohonan/${app.id}/isian/${next.name}` : `/permohonan/${app.id}/dokumen`,
        303,
      );
    },
  );

  // ---- Documents ----
  app.get<{ Params: { id: string } }>('/permohonan/:id/dokumen', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadEditable(req, reply, req.params.id);
    if (!own) return reply;
    const { app, definition, docs } = own.view;
    const lang = req.lang;
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
    return {
      key: loc(lang, r.name),
      value: status,
      change: { href: `/permohonan/${app.id}/dokumen/${r.code}`, label: d ? t(lang, 'docs.replace') : t(lang, 'docs.upload') },
    };
  }),
)}
${linkButton(`/permohonan/${app.id}/periksa`, t(lang, 'docs.done'))}`,
    });
  });

  const uploadPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    app: Application,
    def: PermitTypeDefinition,
    code: string,
    errors: FieldError[] = [],
    status?: number,
  ) => {
    const lang = req.lang;
    const r = def.requirements.find((x) => x.code === code)!;
    const maxBytes = Math.min(r.maxSizeMb * 1048576, services.config.maxUploadBytes);
    const kinds = describeKinds(r.acceptedTypes);
    const messages = JSON.stringify({
      type: t(lang, 'upload.client.type', { kinds }),
      size: t(lang, 'upload.client.size', { mb: r.maxSizeMb }),
    });
    return sendPage(req, reply, {
      title: loc(lang, r.name),
      errors,
      back: `/permohonan/${app.id}/dokumen`,
      ...(status ? { status } : {}),
      body: html`<form method="post" action="/permohonan/${app.id}/dokumen/${r.code}" enctype="multipart/form-data" novalidate data-upload data-messages="${messages}">
  ${csrfField(req)}
  ${fileUpload({ lang, name: 'file', label: loc(lang, r.name), hint: `${r.description ? `${loc(lang, r.description)} ` : ''}${t(lang, 'guide.types', { types: kinds, mb: r.maxSizeMb })}`, error: errorFor(errors, 'file'), isPageHeading: true, accept: acceptList(r.acceptedTypes), maxBytes })}
  ${button(t(lang, 'docs.upload'))}
</form>`,
    });
  };

  app.get<{ Params: { id: string; req: string } }>('/permohonan/:id/dokumen/:req', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadEditable(req, reply, req.params.id);
    if (!own) return reply;
    const { app, definition } = own.view;
    if (!definition.requirements.some((r) => r.code === req.params.req)) throw new AppError('not_found', 'no such requirement');
    return uploadPage(req, reply, app, definition, req.params.req);
  });

  app.post<{ Params: { id: string; req: string } }>('/permohonan/:id/dokumen/:req', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const { app, definition } = own.view;
    if (!definition.requirements.some((r) => r.code === req.params.req)) throw new AppError('not_found', 'no such requirement');
    const fileMissing = [{ field: 'file', message: t(req.lang, 'docs.required.missing') }];
    if (!req.isMultipart()) return uploadPage(req, reply, app, definition, req.params.req, fileMissing);
    const part = await req.file({ limits: { fileSize: services.config.maxUploadBytes, files: 1 } });
    // The anti-forgery field comes before the file in the form, so it has been read by now.
    const csrf = part?.fields._csrf;
    const token = csrf && !Array.isArray(csrf) && 'value' in csrf ? csrf.value : undefined;
    checkCsrf(req, { _csrf: token });
    if (!part || !part.filename) {
      part?.file.resume();
      return uploadPage(req, reply, app, definition, req.params.req, fileMissing);
    }
    try {
      await services.documents.uploadDocument({
        actor: own.actor,
        applicationId: app.id,
        requirementCode: req.params.req,
        fileName: part.filename,
        claimedType: part.mimetype,
        source: part.file,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      part.file.resume();
      return uploadPage(req, reply, app, definition, req.params.req, [{ field: 'file', message: errorMessage(req, err) }], err.status);
    }
    return reply.redirect(own.view.app.state === 'draft' ? `/permohonan/${app.id}/dokumen` : `/permohonan/${app.id}`, 303);
  });

  // ---- Check your answers, declaration, submit ----
  const checkPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    view: Awaited<ReturnType<Services['applications']['getApplication']>>,
    errors: FieldError[] = [],
  ) => {
    const lang = req.lang;
    const { app, definition, docs } = view;
    const answers = JSON.parse(app.answers) as Answers;
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    const resubmit = app.state !== 'draft';
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
<h2>${t(lang, 'check.declaration')}</h2>
<form method="post" action="/permohonan/${app.id}/ajukan" novalidate>
  ${csrfField(req)}
  ${checkbox({ lang, name: 'declaration', label: t(lang, 'check.declare'), error: errorFor(errors, 'declaration') })}
  ${button(resubmit ? t(lang, 'check.resubmit') : t(lang, 'check.submit'))}
</form>`,
    });
  };

  app.get<{ Params: { id: string } }>('/permohonan/:id/periksa', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadEditable(req, reply, req.params.id);
    if (!own) return reply;
    return checkPage(req, reply, own.view);
  });

  app.post<{ Params: { id: string } }>('/permohonan/:id/ajukan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const { app, definition } = own.view;
    if (field(req.body, 'declaration', 5) !== 'yes')
      return checkPage(req, reply, own.view, [{ field: 'declaration', message: t(req.lang, 'check.declare.required') }]);
    try {
      await services.applications.performAction({ actor: own.actor, applicationId: app.id, action: app.state === 'draft' ? 'submit' : 'resubmit' });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'invalid_answers' && err.code !== 'precondition_failed')) throw err;
      const errors: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, (p) => p.replace(/^answers\./, '')).map((e) => {
            const f = definition.fields.find((x) => x.name === e.field);
            return { ...e, message: f ? `${loc(req.lang, f.label)}: ${e.message}` : e.message, href: `/permohonan/${app.id}/isian/${e.field}?ubah=1` };
          })
        : [{ field: 'documents', message: errorMessage(req, err), href: `/permohonan/${app.id}/dokumen` }];
      return checkPage(req, reply, own.view, errors);
    }
    return reply.redirect(`/permohonan/${app.id}/terkirim`, 303);
  });

  app.get<{ Params: { id: string } }>('/permohonan/:id/terkirim', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const { app, sla } = own.view;
    if (!app.number || !app.submitted_at) return reply.redirect(`/permohonan/${app.id}`, 303);
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'done.title'),
      body: html`<div class="panel"><h1>${t(lang, 'done.title')}</h1>
  <div class="panel__body">${t(lang, 'done.number')}<strong data-number>${app.number}</strong>${t(lang, 'done.code')}<strong data-tracking-code>${app.tracking_code}</strong></div></div>
<h2>${t(lang, 'done.next')}</h2>
<p>${t(lang, 'done.next.text', { date: expectedBy(req, sla) })}</p>
<p><a href="/permohonan/${app.id}/tanda-terima">${t(lang, 'done.receipt')}</a></p>
<p><a href="/permohonan">${t(lang, 'done.mine')}</a></p>`,
    });
  });

  app.get<{ Params: { id: string } }>('/permohonan/:id/tanda-terima', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const { app, definition, sla } = own.view;
    if (!app.number || !app.submitted_at) return reply.redirect(`/permohonan/${app.id}`, 303);
    const lang = req.lang;
    const signed = (await services.permits.receiptsForApplication({ actor: own.actor, applicationId: app.id })).find((r) => r.kind === 'filing');
    return sendPage(req, reply, {
      title: `${t(lang, 'receipt.title')} ${app.number}`,
      back: `/permohonan/${app.id}`,
      body: html`<h1>${t(lang, 'receipt.title')}</h1>
<p>${req.tenant.name}</p>
${summaryList([
  { key: t(lang, 'done.number'), value: app.number },
  { key: t(lang, 'done.code'), value: app.tracking_code ?? '' },
  { key: t(lang, 'guide.what'), value: loc(lang, definition.name) },
  { key: t(lang, 'detail.submitted'), value: formatDateTime(lang, app.submitted_at, req.tenant.time_zone) },
  { key: t(lang, 'detail.expected'), value: expectedBy(req, sla) },
  { key: t(lang, 'detail.channel'), value: t(lang, `channel.${app.channel}`) },
  ...(signed ? [{ key: t(lang, 'permit.code'), value: html`<span data-receipt-code>${formatVerificationCode(signed.verificationCode)}</span>` }] : []),
])}
<p class="url">${t(lang, 'receipt.keep', { url: `${officeBaseUrl(officeAddress, req.tenant)}/lacak` })}</p>
${signed ? html`<p class="url">${t(lang, 'receipt.signed', { url: `${officeBaseUrl(officeAddress, req.tenant)}/v/${signed.verificationCode}` })}</p>` : ''}
<button type="button" class="button no-print" data-print hidden>${t(lang, 'print')}</button>`,
    });
  });

  // ---- My applications ----
  app.get('/permohonan', { schema: { hide: true } }, async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const { rows } = await services.applications.listApplications({ actor, filters: { limit: 100, offset: 0 } });
    const items = await Promise.all(
      rows.map(async (a) => {
        const { definition, workflow, sla } = await services.applications.getApplication({ actor, applicationId: a.id });
        const state = stateOf(workflow, a.state);
        return html`<li><h2><a href="/permohonan/${a.id}">${loc(lang, definition.name)}</a></h2>
  <p>${a.number ?? t(lang, 'mine.draft')} · ${stateTag(state.kind, state.code, loc(lang, state.label))}</p>
  <p>${loc(lang, state.nextStep)}${sla.dueDate ? html`<br><span class="muted">${t(lang, 'mine.expected', { date: expectedBy(req, sla) })}</span>` : ''}</p></li>`;
      }),
    );
    return sendPage(req, reply, {
      title: t(lang, 'mine.title'),
      body: html`<h1>${t(lang, 'mine.title')}</h1>
${linkButton('/izin', t(lang, 'mine.apply'))}
<p><a href="/permohonan/klaim">${t(lang, 'mine.claim')}</a></p>
${items.length ? html`<ul class="card-list">${items}</ul>` : html`<p>${t(lang, 'mine.none')}</p>`}`,
    });
  });

  type Own = NonNullable<Awaited<ReturnType<typeof loadOwn>>>;
  type PermitView = Awaited<ReturnType<Services['permits']['permitsForApplication']>>[number];

  /** A permit of this application (its holder's own), or not found: the id in the address is checked against the file. */
  async function permitOf(own: Own, permitId: string): Promise<PermitView> {
    if (!UUID.test(permitId)) throw new AppError('not_found', 'bad id');
    const permit = (await services.permits.permitsForApplication({ actor: own.actor, applicationId: own.view.app.id })).find((p) => p.id === permitId);
    if (!permit) throw new AppError('not_found', 'no such permit on this application');
    return permit;
  }

  /** The issued permits (newest first) and the signed receipts of a file, with download, verification and renewal. */
  function permitsSection(
    req: FastifyRequest,
    own: Own,
    permits: PermitView[],
    receipts: Awaited<ReturnType<Services['permits']['receiptsForApplication']>>,
  ): SafeHtml {
    const lang = req.lang;
    const zone = req.tenant.time_zone;
    const { app, definition } = own.view;
    const canRenew = own.actor.role === 'applicant' && definition.renewable;
    return html`${
      permits.length
        ? html`<h2 id="izin">${t(lang, 'mine.permits')}</h2>
<ul class="card-list">${permits.map(
            (p) => html`<li id="izin-${p.id}"><h3>${loc(lang, p.title)} ${permitStatusTag(lang, p.status)}</h3>
  ${summaryList([
    { key: t(lang, 'permit.number'), value: p.number },
    { key: t(lang, 'permit.holder'), value: p.holderName },
    { key: t(lang, 'permit.validity'), value: validityText(lang, p.validFrom, p.validUntil) },
    { key: t(lang, 'permit.code'), value: html`<span data-verification-code>${formatVerificationCode(p.verificationCode)}</span>` },
    ...(p.status === 'revoked' && p.revokedAt
      ? [
          {
            key: t(lang, 'permit.status'),
            value: t(lang, 'permit.revoked.detail', { date: formatDateTime(lang, p.revokedAt, zone), reason: p.revocationReason ?? '' }),
          },
        ]
      : []),
  ])}
  <p><a href="/permohonan/${app.id}/izin/${p.id}.pdf" download>${t(lang, 'permit.download')}<span class="visually-hidden">: ${p.number}</span></a></p>
  <p><a href="/v/${p.verificationCode}">${t(lang, 'permit.verify.link')}<span class="visually-hidden">: ${p.number}</span></a></p>
  ${
    canRenew && (p.status === 'valid' || p.status === 'expired')
      ? html`<form method="post" action="/permohonan/${app.id}/izin/${p.id}/perpanjang" novalidate>
    ${csrfField(req)}
    <p class="hint">${t(lang, 'mine.permit.renew.hint')}</p>
    ${button(t(lang, 'mine.permit.renew'), { secondary: true })}
  </form>`
      : ''
  }
</li>`,
          )}</ul>`
        : ''
    }
${
  receipts.length
    ? html`<h2 id="tanda-terima-bertanda-tangan">${t(lang, 'mine.receipts')}</h2>
<p>${t(lang, 'mine.receipts.lead')}</p>
<ul class="card-list">${receipts.map(
        (r) => html`<li><h3>${t(lang, r.kind === 'payment' ? 'mine.receipt.payment' : 'mine.receipt.filing')}</h3>
  <p class="muted">${formatDateTime(lang, r.createdAt, zone)}</p>
  <p>${t(lang, 'permit.code')}: <a href="/v/${r.verificationCode}">${formatVerificationCode(r.verificationCode)}</a></p></li>`,
      )}</ul>`
    : ''
}`;
  }

  async function detailPage(
    req: FastifyRequest,
    reply: FastifyReply,
    own: Own,
    opts: { notice?: SafeHtml | null; errors?: FieldError[]; status?: number } = {},
  ): Promise<FastifyReply> {
    const lang = req.lang;
    const { app, definition, workflow, docs, events, sla } = own.view;
    const state = stateOf(workflow, app.state);
    const canEdit = editable(own.actor, app, workflow);
    const refused = docs.filter((d) => d.review_status === 'refused');
    const lastReturn = [...events].reverse().find((e) => e.to_state === app.state && e.reason);
    const canWithdraw = workflow.actions.some((a) => a.code === 'withdraw' && a.from.includes(app.state) && a.roles.includes(own.actor.role));
    const answers = JSON.parse(app.answers) as Answers;
    const [messages, permits, receipts] = await Promise.all([
      services.casework.listNotes({ actor: own.actor, applicationId: app.id }),
      services.permits.permitsForApplication({ actor: own.actor, applicationId: app.id }),
      services.permits.receiptsForApplication({ actor: own.actor, applicationId: app.id }),
    ]);
    return sendPage(req, reply, {
      title: app.number ?? loc(lang, definition.name),
      back: '/permohonan',
      notice: opts.notice ?? null,
      errors: opts.errors,
      ...(opts.status ? { status: opts.status } : {}),
      body: html`<h1>${loc(lang, definition.name)}</h1>
<p class="lead">${app.number ?? t(lang, 'mine.draft')}</p>
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(state.kind, state.code, loc(lang, state.label)) },
  { key: t(lang, 'detail.next'), value: loc(lang, state.nextStep) },
  ...(app.submitted_at ? [{ key: t(lang, 'detail.submitted'), value: formatDateTime(lang, app.submitted_at, req.tenant.time_zone) }] : []),
  ...(sla.dueDate ? [{ key: t(lang, 'detail.expected'), value: expectedBy(req, sla) }] : []),
  { key: t(lang, 'detail.channel'), value: t(lang, `channel.${app.channel}`) },
  ...(app.fee_amount !== null && !app.fee_paid_at
    ? [{ key: t(lang, 'guide.fee'), value: t(lang, 'detail.fee', { amount: formatRupiah(app.fee_amount) }) }]
    : []),
])}
${permitsSection(req, own, permits, receipts)}
${
  app.state === 'returned_to_applicant'
    ? html`<div class="banner" role="status"><h2>${t(lang, 'detail.returned')}</h2>
  ${lastReturn?.reason ? html`<p>${t(lang, 'detail.reason', { reason: lastReturn.reason })}</p>` : ''}
  ${
    refused.length
      ? html`<ul>${refused.map((d) => {
          const r = definition.requirements.find((x) => x.code === d.requirement_code);
          return html`<li><a href="/permohonan/${app.id}/dokumen/${d.requirement_code}">${r ? loc(lang, r.name) : d.requirement_code}</a>: ${d.review_reason ?? ''}</li>`;
        })}</ul>`
      : ''
  }
  ${linkButton(`/permohonan/${app.id}/periksa`, t(lang, 'check.resubmit'))}</div>`
    : ''
}
${canEdit && app.state === 'draft' ? linkButton(`/permohonan/${app.id}/isian/${definition.fields[0]!.name}`, t(lang, 'mine.continue')) : ''}
${
  messages.length
    ? html`<h2>${t(lang, 'detail.messages')}</h2><ul class="card-list">${messages.map((n) => html`<li><p class="muted">${formatDateTime(lang, n.created_at, req.tenant.time_zone)}</p><p>${n.body}</p></li>`)}</ul>`
    : ''
}
<h2>${t(lang, 'check.answers')}</h2>
${summaryList(definition.fields.map((f) => ({ key: loc(lang, f.label), value: displayAnswer(lang, f, answers[f.name]) })))}
<h2>${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${events.map(
        (e) =>
          html`<li><strong>${loc(lang, stateOf(workflow, e.to_state).label)}</strong><br><span class="muted">${formatDateTime(lang, e.created_at, req.tenant.time_zone)}</span>${
            e.reason ? html`<br>${t(lang, 'detail.reason', { reason: e.reason })}` : ''
          }</li>`,
      )}</ol>
${canWithdraw ? html`<p><a href="/permohonan/${app.id}/tarik">${t(lang, 'detail.withdraw')}</a></p>` : ''}`,
    });
  }

  app.get<{ Params: { id: string }; Querystring: { ditarik?: string; perpanjangan?: string } }>(
    '/permohonan/:id',
    { schema: { hide: true } },
    async (req, reply) => {
      const own = await loadOwn(req, reply, req.params.id);
      if (!own) return reply;
      const lang = req.lang;
      const notice = req.query.ditarik
        ? banner(t(lang, 'withdraw.done'), 'success')
        : req.query.perpanjangan
          ? banner(t(lang, 'mine.permit.renewed'), 'success')
          : null;
      return detailPage(req, reply, own, { notice });
    },
  );

  // ---- The issued permit: download and renewal ----
  app.get<{ Params: { id: string; permitId: string } }>('/permohonan/:id/izin/:permitId.pdf', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const permit = await permitOf(own, req.params.permitId);
    const { stream } = await services.permits.openPdf({ actor: own.actor, permitId: permit.id });
    return sendPermitPdf(reply, permit, stream);
  });

  app.post<{ Params: { id: string; permitId: string } }>('/permohonan/:id/izin/:permitId/perpanjang', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const permit = await permitOf(own, req.params.permitId);
    try {
      const { applicationId } = await services.permits.renew({ actor: own.actor, permitId: permit.id });
      return reply.redirect(`/permohonan/${applicationId}?perpanjangan=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'forbidden' || err.code === 'not_found' || err.code === 'unauthenticated') throw err;
      const message = err.code === 'invalid_state' ? t(req.lang, 'mine.permit.renew.refused') : errorMessage(req, err);
      return detailPage(req, reply, own, { errors: [{ field: 'permit', message, href: `#izin-${permit.id}` }], status: err.status });
    }
  });

  app.get<{ Params: { id: string } }>('/permohonan/:id/tarik', { schema: { hide: true } }, async (req, reply) => {
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    const lang = req.lang;
    const { app } = own.view;
    return sendPage(req, reply, {
      title: t(lang, 'withdraw.title', { number: app.number ?? '' }),
      back: `/permohonan/${app.id}`,
      body: html`<h1>${t(lang, 'withdraw.title', { number: app.number ?? '' })}</h1><p>${t(lang, 'withdraw.lead')}</p>
<form method="post" action="/permohonan/${app.id}/tarik">${csrfField(req)}${button(t(lang, 'withdraw.confirm'), { warning: true })}</form>`,
    });
  });

  app.post<{ Params: { id: string } }>('/permohonan/:id/tarik', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const own = await loadOwn(req, reply, req.params.id);
    if (!own) return reply;
    await services.applications.performAction({ actor: own.actor, applicationId: own.view.app.id, action: 'withdraw' });
    return reply.redirect(`/permohonan/${own.view.app.id}?ditarik=1`, 303);
  });
}
