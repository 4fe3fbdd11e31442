import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import type { Answers } from '../../catalogue/answers.js';
import { describeKinds } from '../../documents/file-kinds.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/messages.js';
import { fillTemplate } from '../../shared/messages.js';
import type { Services } from '../../services.js';
import { banner, button, csrfField, errorFor, type FieldError, fieldId, fileUpload, radios, summaryList, textInput } from '../components.js';
import { html } from '../html.js';
import { loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { fieldInput } from '../pages/apply.routes.js';
import { checkCsrf, errorMessage, field, fieldErrors, redirectToSignIn, requiredMessage } from '../pages/helpers.js';
import { acceptList } from '../pages/public.routes.js';

/** The front desk's own words (a small catalogue of its own, in Indonesian and English). */
const M = {
  title: { id: 'Terima berkas di loket', en: 'Take in a file at the front desk' },
  lead: {
    id: 'Untuk warga yang datang langsung, mengirim berkas lewat kurir, atau minta bantuan lewat Instagram, Facebook, WhatsApp atau telepon. Warga menerima kode klaim untuk mengikuti berkasnya online.',
    en: 'For citizens who come in person, send papers by courier, or ask for help on Instagram, Facebook, WhatsApp or the phone. The citizen receives a claim code to follow the file online.',
  },
  type: { id: 'Jenis izin', en: 'Permit type' },
  channel: { id: 'Berkas datang lewat', en: 'The file came through' },
  walk_in: { id: 'Datang langsung ke loket', en: 'In person at the counter' },
  courier: { id: 'Kurir (berkas kertas)', en: 'Courier (paper file)' },
  assisted: { id: 'Bantuan lewat media sosial atau telepon', en: 'Help through social media or the phone' },
  detail: { id: 'Keterangan saluran', en: 'Channel detail' },
  detailHint: {
    id: 'Misalnya Instagram, Facebook, WhatsApp, telepon, JNE, Pos Indonesia',
    en: 'For example Instagram, Facebook, WhatsApp, phone, JNE, Pos Indonesia',
  },
  name: { id: 'Nama pemohon', en: 'Applicant’s name' },
  contact: { id: 'Nomor WhatsApp atau email pemohon', en: 'Applicant’s WhatsApp number or email' },
  contactHint: { id: 'Kode klaim dikirim ke sini setelah berkas diajukan.', en: 'The claim code goes here once the file is submitted.' },
  start: { id: 'Buat berkas', en: 'Create the file' },
  answers: { id: 'Isian formulir (dari berkas kertas)', en: 'Form answers (from the paper file)' },
  saveAnswers: { id: 'Simpan isian', en: 'Save answers' },
  saved: { id: 'Tersimpan.', en: 'Saved.' },
  scans: { id: 'Hasil pindaian dokumen', en: 'Document scans' },
  submit: { id: 'Ajukan atas nama pemohon', en: 'Submit for the applicant' },
  submitted: {
    id: 'Berkas {number} sudah diajukan. Kode lacak: {code}. Kode klaim dikirim ke {contact}.',
    en: 'File {number} has been submitted. Tracking code: {code}. A claim code was sent to {contact}.',
  },
  submittedNoContact: {
    id: 'Berkas {number} sudah diajukan. Kode lacak: {code}. Berikan tanda terima kepada pemohon.',
    en: 'File {number} has been submitted. Tracking code: {code}. Give the applicant the receipt.',
  },
  choose: { id: 'Pilih salah satu.', en: 'Choose one.' },
} as const;
const m = (lang: Lang, key: keyof typeof M, params?: Record<string, string | number>) => fillTemplate(M[key][lang], params);

const CHANNELS = ['walk_in', 'courier', 'assisted'] as const;

/** Front-desk intake: create a file on a citizen's behalf, fill it from the papers, upload scans, submit. */
export function intakePages(app: FastifyInstance, services: Services): void {
  function frontDesk(req: FastifyRequest, reply: FastifyReply): Actor | null {
    if (!req.actor) {
      void redirectToSignIn(req, reply);
      return null;
    }
    if (req.actor.role !== 'front_desk') throw new AppError('forbidden', 'front desk only');
    return req.actor;
  }

  const startPage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const types = await services.catalogue.listPermitTypes({ tenantId: req.tenant.id });
    return sendPage(req, reply, {
      title: m(lang, 'title'),
      errors,
      back: '/kantor',
      body: html`<h1>${m(lang, 'title')}</h1><p>${m(lang, 'lead')}</p>
<form method="post" action="/kantor/loket" novalidate>${csrfField(req)}
  <div class="form-group${errorFor(errors, 'permitTypeCode') ? ' form-group--error' : ''}">
    <label class="label" for="${fieldId('permitTypeCode')}">${m(lang, 'type')}</label>
    ${errorFor(errors, 'permitTypeCode') ? html`<p class="error-message" id="${fieldId('permitTypeCode')}-error">${errorFor(errors, 'permitTypeCode')}</p>` : ''}
    <select class="input" id="${fieldId('permitTypeCode')}" name="permitTypeCode">${types.map(
      (pt) =>
        html`<option value="${pt.definition.code}"${values.permitTypeCode === pt.definition.code ? html` selected` : ''}>${loc(lang, pt.definition.name)}</option>`,
    )}</select>
  </div>
  ${radios({ lang, name: 'channel', label: m(lang, 'channel'), value: values.channel, error: errorFor(errors, 'channel'), options: CHANNELS.map((c) => ({ value: c, label: m(lang, c) })) })}
  ${textInput({ lang, name: 'channelDetail', label: m(lang, 'detail'), hint: m(lang, 'detailHint'), value: values.channelDetail, error: errorFor(errors, 'channelDetail'), optional: true, maxlength: 40, width: 'medium' })}
  ${textInput({ lang, name: 'applicantName', label: m(lang, 'name'), value: values.applicantName, error: errorFor(errors, 'applicantName'), maxlength: 120, spellcheck: false })}
  ${textInput({ lang, name: 'applicantContact', label: m(lang, 'contact'), hint: m(lang, 'contactHint'), value: values.applicantContact, error: errorFor(errors, 'applicantContact'), optional: true, maxlength: 254, spellcheck: false })}
  ${button(m(lang, 'start'))}
</form>`,
    });
  };

  app.get('/kantor/loket', { schema: { hide: true } }, async (req, reply) => {
    if (!frontDesk(req, reply)) return reply;
    return startPage(req, reply);
  });

  app.post('/kantor/loket', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = frontDesk(req, reply);
    if (!actor) return reply;
    const values = {
      permitTypeCode: field(req.body, 'permitTypeCode', 12),
      channel: field(req.body, 'channel', 20),
      channelDetail: field(req.body, 'channelDetail', 40),
      applicantName: field(req.body, 'applicantName', 120),
      applicantContact: field(req.body, 'applicantContact', 254),
    };
    const errors: FieldError[] = [];
    if (!CHANNELS.includes(values.channel as (typeof CHANNELS)[number]))
      errors.push({ field: 'channel', message: `${m(req.lang, 'channel')}: ${m(req.lang, 'choose')}` });
    if (!values.applicantName.trim()) errors.push({ field: 'applicantName', message: requiredMessage(req.lang, m(req.lang, 'name')) });
    if (errors.length) return startPage(req, reply, values, errors);
    try {
      const { application } = await services.applications.createApplication({
        actor,
        permitTypeCode: values.permitTypeCode,
        channel: values.channel as (typeof CHANNELS)[number],
        channelDetail: values.channelDetail || undefined,
        applicantName: values.applicantName,
        applicantContact: values.applicantContact || undefined,
      });
      return reply.redirect(`/kantor/loket/${application.id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return startPage(
        req,
        reply,
        values,
        err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'permitTypeCode', message: errorMessage(req, err) }],
      );
    }
  });

  const filePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    errors: FieldError[] = [],
    typed?: Record<string, string>,
    notice?: string,
  ) => {
    const lang = req.lang;
    const { app, definition, docs } = await services.applications.getApplication({ actor, applicationId: id });
    if (app.intake_officer_id === null) throw new AppError('not_found', 'not a front-desk file');
    const answers = JSON.parse(app.answers) as Answers;
    const valueOf = (name: string) =>
      typed?.[name] ?? (answers[name] === undefined ? undefined : typeof answers[name] === 'boolean' ? (answers[name] ? 'yes' : 'no') : String(answers[name]));
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    const submitted = app.number !== null;
    return sendPage(req, reply, {
      title: `${loc(lang, definition.name)}: ${app.applicant_name}`,
      errors,
      back: '/kantor',
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${loc(lang, definition.name)}</h1>
${summaryList([
  { key: m(lang, 'name'), value: app.applicant_name },
  { key: m(lang, 'channel'), value: `${m(lang, app.channel as (typeof CHANNELS)[number])}${app.channel_detail ? ` (${app.channel_detail})` : ''}` },
  ...(app.number
    ? [
        { key: t(lang, 'done.number'), value: app.number },
        { key: t(lang, 'done.code'), value: app.tracking_code ?? '' },
      ]
    : []),
])}
${
  submitted
    ? ''
    : html`<h2>${m(lang, 'answers')}</h2>
<form method="post" action="/kantor/loket/${app.id}/isian" novalidate>${csrfField(req)}
  ${definition.fields.map((f) => fieldInput(lang, f, valueOf(f.name), errorFor(errors, f.name), false))}
  ${button(m(lang, 'saveAnswers'), { secondary: true })}
</form>
<h2>${m(lang, 'scans')}</h2>
${definition.requirements.map((r) => {
  const d = byReq.get(r.code);
  return html`<form method="post" action="/kantor/loket/${app.id}/dokumen/${r.code}" enctype="multipart/form-data" novalidate>${csrfField(req)}
  ${fileUpload({ lang, name: `file-${r.code}`, label: `${loc(lang, r.name)}${d ? ` — ${t(lang, 'docs.uploaded')}: ${d.file_name}` : ''}`, hint: t(lang, 'guide.types', { types: describeKinds(r.acceptedTypes), mb: r.maxSizeMb }), error: errorFor(errors, `file-${r.code}`), optional: !r.required, accept: acceptList(r.acceptedTypes), maxBytes: Math.min(r.maxSizeMb * 1048576, services.config.maxUploadBytes) })}
  ${button(d ? t(lang, 'docs.replace') : t(lang, 'docs.upload'), { secondary: true })}
</form>`;
})}
<form method="post" action="/kantor/loket/${app.id}/ajukan">${csrfField(req)}${button(m(lang, 'submit'))}</form>`
}`,
    });
  };

  app.get<{ Params: { id: string } }>('/kantor/loket/:id', { schema: { hide: true } }, async (req, reply) => {
    const actor = frontDesk(req, reply);
    if (!actor) return reply;
    if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError('not_found', 'bad id');
    return filePage(req, reply, actor, req.params.id);
  });

  app.post<{ Params: { id: string } }>('/kantor/loket/:id/isian', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = frontDesk(req, reply);
    if (!actor) return reply;
    const { definition } = await services.applications.getApplication({ actor, applicationId: req.params.id });
    const typed = Object.fromEntries(definition.fields.map((f) => [f.name, field(req.body, f.name, 6000)]));
    try {
      await services.applications.updateApplication({
        actor,
        applicationId: req.params.id,
        answers: Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, v.trim() === '' ? null : v])),
      });
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      return filePage(
        req,
        reply,
        actor,
        req.params.id,
        fieldErrors(req, err.details.fields, (p) => p.replace(/^answers\./, '')),
        typed,
      );
    }
    return filePage(req, reply, actor, req.params.id, [], undefined, m(req.lang, 'saved'));
  });

  app.post<{ Params: { id: string; req: string } }>('/kantor/loket/:id/dokumen/:req', { schema: { hide: true } }, async (req, reply) => {
    const actor = frontDesk(req, reply);
    if (!actor) return reply;
    const name = `file-${req.params.req}`;
    const part = req.isMultipart() ? await req.file({ limits: { fileSize: services.config.maxUploadBytes, files: 1 } }) : undefined;
    const csrf = part?.fields._csrf;
    checkCsrf(req, { _csrf: csrf && !Array.isArray(csrf) && 'value' in csrf ? csrf.value : undefined });
    if (!part || !part.filename) {
      part?.file.resume();
      return filePage(req, reply, actor, req.params.id, [{ field: name, message: t(req.lang, 'docs.required.missing') }]);
    }
    try {
      await services.documents.uploadDocument({
        actor,
        applicationId: req.params.id,
        requirementCode: req.params.req,
        fileName: part.filename,
        claimedType: part.mimetype,
        source: part.file,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      part.file.resume();
      return filePage(req, reply, actor, req.params.id, [{ field: name, message: errorMessage(req, err) }]);
    }
    return reply.redirect(`/kantor/loket/${req.params.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/kantor/loket/:id/ajukan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = frontDesk(req, reply);
    if (!actor) return reply;
    try {
      const app = await services.applications.performAction({ actor, applicationId: req.params.id, action: 'submit' });
      const notice = app.applicant_contact
        ? m(req.lang, 'submitted', { number: app.number ?? '', code: app.tracking_code ?? '', contact: app.applicant_contact })
        : m(req.lang, 'submittedNoContact', { number: app.number ?? '', code: app.tracking_code ?? '' });
      return filePage(req, reply, actor, req.params.id, [], undefined, notice);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = err.details.fields
        ? fieldErrors(req, err.details.fields, (p) => p.replace(/^answers\./, ''))
        : [{ field: 'submit', message: errorMessage(req, err) }];
      return filePage(req, reply, actor, req.params.id, errors);
    }
  });
}
