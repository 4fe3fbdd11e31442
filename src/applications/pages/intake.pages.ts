import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../access/actor.js';
import { describeKinds } from '../../documents/file-kinds.js';
import { uuidParam } from '../../http/common.schemas.js';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/messages.js';
import { banner, button, csrfField, errorFor, type FieldError, fieldId, fileUpload, radios, summaryList, textInput } from '../../web/components.js';
import { html } from '../../web/html.js';
import { loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit, parseForm } from '../../web/page-route.js';
import { acceptList, errorMessage, fieldErrors, fieldInput, requiredMessage } from '../../web/views.js';
import { INTAKE_CHANNELS } from '../intake.service.js';

/** A text field: missing reads as empty, cut at `max` (the input's maxlength). */
const text = (max: number) =>
  z
    .string()
    .default('')
    .transform((s) => s.slice(0, max));

const startForm = (lang: Lang) =>
  z.object({
    permitTypeCode: text(12),
    channel: z.enum(INTAKE_CHANNELS, { error: `${t(lang, 'intake.channel')}: ${t(lang, 'intake.choose')}` }),
    channelDetail: text(40),
    applicantName: text(120).refine((s) => s.trim() !== '', requiredMessage(lang, t(lang, 'intake.name'))),
    applicantContact: text(254),
  });

const idParams = z.object({ id: uuidParam });
const scanParams = z.object({ id: uuidParam, req: z.string().max(60) });
/** Service problems on answers name them `answers.<field>`; the form's inputs are named by the field. */
const answerField = (p: string) => p.replace(/^answers\./, '');

/** Front-desk intake: create a file on a citizen's behalf, fill it from the papers, upload scans, submit. */
export function intakePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  const startPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const { permitTypes } = await services.intake.intakeOptions({ actor });
    const typeError = errorFor(errors, 'permitTypeCode');
    return sendPage(req, reply, {
      title: t(lang, 'intake.title'),
      errors,
      back: '/kantor',
      body: html`<h1>${t(lang, 'intake.title')}</h1><p>${t(lang, 'intake.lead')}</p>
<form method="post" action="/kantor/loket" novalidate>${csrfField(req)}
  <div class="form-group${typeError ? ' form-group--error' : ''}">
    <label class="label" for="${fieldId('permitTypeCode')}">${t(lang, 'intake.type')}</label>
    ${typeError ? html`<p class="error-message" id="${fieldId('permitTypeCode')}-error">${typeError}</p>` : ''}
    <select class="input" id="${fieldId('permitTypeCode')}" name="permitTypeCode">${permitTypes.map(
      (pt) =>
        html`<option value="${pt.definition.code}"${values.permitTypeCode === pt.definition.code ? html` selected` : ''}>${loc(lang, pt.definition.name)}</option>`,
    )}</select>
  </div>
  ${radios({ lang, name: 'channel', label: t(lang, 'intake.channel'), value: values.channel, error: errorFor(errors, 'channel'), options: INTAKE_CHANNELS.map((c) => ({ value: c, label: t(lang, `intake.channel.${c}`) })) })}
  ${textInput({ lang, name: 'channelDetail', label: t(lang, 'intake.detail'), hint: t(lang, 'intake.detail.hint'), value: values.channelDetail, error: errorFor(errors, 'channelDetail'), optional: true, maxlength: 40, width: 'medium' })}
  ${textInput({ lang, name: 'applicantName', label: t(lang, 'intake.name'), value: values.applicantName, error: errorFor(errors, 'applicantName'), maxlength: 120, spellcheck: false })}
  ${textInput({ lang, name: 'applicantContact', label: t(lang, 'intake.contact'), hint: t(lang, 'intake.contact.hint'), value: values.applicantContact, error: errorFor(errors, 'applicantContact'), optional: true, maxlength: 254, spellcheck: false })}
  ${button(t(lang, 'intake.start'))}
</form>`,
    });
  };

  page.get('/kantor/loket', { access: 'office' }, async ({ req, reply, actor }) => startPage(req, reply, actor));

  page.post('/kantor/loket', { access: 'office', form: startForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return startPage(req, reply, actor, form.values, form.errors);
    const { permitTypeCode, channel, channelDetail, applicantName, applicantContact } = form.data;
    try {
      const application = await services.intake.startIntake({
        actor,
        permitTypeCode,
        channel,
        channelDetail: channelDetail || undefined,
        applicantName,
        applicantContact: applicantContact || undefined,
      });
      return reply.redirect(`/kantor/loket/${application.id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'permitTypeCode', message: errorMessage(req, err) }];
      return startPage(req, reply, actor, form.values, errors);
    }
  });

  const filePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    opts: { errors?: FieldError[]; typed?: Record<string, string>; notice?: string } = {},
  ) => {
    const lang = req.lang;
    const { errors = [], typed, notice } = opts;
    const { app, definition, docs, answers, can } = await services.intake.getIntakeFile({ actor, applicationId: id });
    const valueOf = (name: string) =>
      typed?.[name] ?? (answers[name] === undefined ? undefined : typeof answers[name] === 'boolean' ? (answers[name] ? 'yes' : 'no') : String(answers[name]));
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    const channel = (INTAKE_CHANNELS as readonly string[]).includes(app.channel)
      ? t(lang, `intake.channel.${app.channel as (typeof INTAKE_CHANNELS)[number]}`)
      : app.channel;
    return sendPage(req, reply, {
      title: `${loc(lang, definition.name)}: ${app.applicant_name}`,
      errors,
      back: '/kantor',
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${loc(lang, definition.name)}</h1>
${summaryList([
  { key: t(lang, 'intake.name'), value: app.applicant_name },
  { key: t(lang, 'intake.channel'), value: `${channel}${app.channel_detail ? ` (${app.channel_detail})` : ''}` },
  ...(app.number
    ? [
        { key: t(lang, 'done.number'), value: app.number },
        { key: t(lang, 'done.code'), value: app.tracking_code ?? '' },
      ]
    : []),
])}
${
  can.fill
    ? html`<h2>${t(lang, 'intake.answers')}</h2>
<form method="post" action="/kantor/loket/${app.id}/isian" novalidate>${csrfField(req)}
  ${definition.fields.map((f) => fieldInput(lang, f, valueOf(f.name), errorFor(errors, f.name), false))}
  ${button(t(lang, 'intake.answers.save'), { secondary: true })}
</form>
<h2>${t(lang, 'intake.scans')}</h2>
${definition.requirements.map((r) => {
  const d = byReq.get(r.code);
  return html`<form method="post" action="/kantor/loket/${app.id}/dokumen/${r.code}" enctype="multipart/form-data" novalidate>${csrfField(req)}
  ${fileUpload({ lang, name: `file-${r.code}`, label: `${loc(lang, r.name)}${d ? ` — ${t(lang, 'docs.uploaded')}: ${d.file_name}` : ''}`, hint: t(lang, 'guide.types', { types: describeKinds(r.acceptedTypes), mb: r.maxSizeMb }), error: errorFor(errors, `file-${r.code}`), optional: !r.required, accept: acceptList(r.acceptedTypes), maxBytes: Math.min(r.maxSizeMb * 1048576, services.config.maxUploadBytes) })}
  ${button(d ? t(lang, 'docs.replace') : t(lang, 'docs.upload'), { secondary: true })}
</form>`;
})}
<form method="post" action="/kantor/loket/${app.id}/ajukan">${csrfField(req)}${button(t(lang, 'intake.submit'))}</form>`
    : ''
}`,
    });
  };

  page.get('/kantor/loket/:id', { access: 'office', params: idParams }, async ({ req, reply, actor, params }) => filePage(req, reply, actor, params.id));

  page.post('/kantor/loket/:id/isian', { access: 'office', params: idParams }, async ({ req, reply, lang, actor, params }) => {
    const { definition } = await services.intake.getIntakeFile({ actor, applicationId: params.id });
    // Every field of the paper form as typed; the service checks the answers and names the fields it refuses.
    const form = parseForm(z.object(Object.fromEntries(definition.fields.map((f) => [f.name, text(6000)]))), req.body);
    const typed = form.ok ? form.data : {};
    try {
      await services.intake.fillIntakeFile({
        actor,
        applicationId: params.id,
        answers: Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, v.trim() === '' ? null : v])),
      });
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      return filePage(req, reply, actor, params.id, { errors: fieldErrors(req, err.details.fields, answerField), typed });
    }
    return filePage(req, reply, actor, params.id, { notice: t(lang, 'intake.saved') });
  });

  page.upload(
    '/kantor/loket/:id/dokumen/:req',
    { access: 'office', params: scanParams, maxBytes: services.config.maxUploadBytes },
    async ({ req, reply, lang, actor, params, file }) => {
      const name = `file-${params.req}`;
      if (!file) return filePage(req, reply, actor, params.id, { errors: [{ field: name, message: t(lang, 'docs.required.missing') }] });
      try {
        await services.intake.addIntakeScan({
          actor,
          applicationId: params.id,
          requirementCode: params.req,
          fileName: file.filename,
          claimedType: file.mimetype,
          source: file.file,
        });
      } catch (err) {
        file.file.resume();
        if (!(err instanceof AppError)) throw err;
        return filePage(req, reply, actor, params.id, { errors: [{ field: name, message: errorMessage(req, err) }] });
      }
      return reply.redirect(`/kantor/loket/${params.id}`, 303);
    },
  );

  page.post('/kantor/loket/:id/ajukan', { access: 'office', params: idParams }, async ({ req, reply, lang, actor, params }) => {
    try {
      const filed = await services.intake.submitIntakeFile({ actor, applicationId: params.id });
      const notice = filed.applicant_contact
        ? t(lang, 'intake.submitted', { number: filed.number ?? '', code: filed.tracking_code ?? '', contact: filed.applicant_contact })
        : t(lang, 'intake.submitted.no_contact', { number: filed.number ?? '', code: filed.tracking_code ?? '' });
      return filePage(req, reply, actor, params.id, { notice });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = err.details.fields ? fieldErrors(req, err.details.fields, answerField) : [{ field: 'submit', message: errorMessage(req, err) }];
      return filePage(req, reply, actor, params.id, { errors });
    }
  });
}
