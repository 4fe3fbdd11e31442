import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import type { HelpChannel, HelpStatus } from '../db/schema.js';
import { uuidParam } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { banner, button, csrfField, errorFor, type FieldError, fieldId, radios, summaryList, tag, textarea, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { fieldErrors, formText, requiredText } from '../web/views.js';
import { HELP_STATUSES } from './helpdesk.schemas.js';
import type { HelpRequestDetail } from './helpdesk.service.js';
import { helpReference } from '../applications/citizen-path.service.js';

const idParams = z.object({ id: uuidParam });
const RECORDED_CHANNELS: readonly HelpChannel[] = ['phone', 'instagram', 'facebook', 'email'];
const REPLY_STATUSES = ['answered', 'waiting_for_citizen', 'closed'] as const;
const STATUS_COLOURS: Record<HelpStatus, 'blue' | 'green' | 'yellow' | 'grey'> = {
  new: 'blue',
  answered: 'green',
  waiting_for_citizen: 'yellow',
  closed: 'grey',
};

const askForm = (lang: Lang) =>
  z.object({
    name: formText(120),
    handle: formText(254),
    permitCode: formText(12),
    message: requiredText(lang, t(lang, 'help.ask.message'), 4000),
  });
const recordForm = (lang: Lang) =>
  z.object({
    channel: z.enum(RECORDED_CHANNELS as [HelpChannel, ...HelpChannel[]], { error: `${t(lang, 'helpdesk.channel')}: ${t(lang, 'intake.choose')}` }),
    handle: requiredText(lang, t(lang, 'helpdesk.handle'), 254),
    name: formText(120),
    message: requiredText(lang, t(lang, 'helpdesk.message'), 4000),
  });
const replyForm = (lang: Lang) =>
  z.object({ body: requiredText(lang, t(lang, 'helpdesk.reply.body'), 4000), status: z.enum(REPLY_STATUSES).catch('answered') });
const updateForm = () => z.object({ status: z.enum(HELP_STATUSES).optional().catch(undefined), assigneeId: formText(40), permitCode: formText(12) });
const assistForm = () => z.object({ permitTypeCode: formText(12), applicantName: formText(120) });
const listQuery = z.object({
  status: z.enum(HELP_STATUSES).optional().catch(undefined),
  milik: z.enum(['saya']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
const detailQuery = z.object({ jawaban: z.string().max(20).optional().catch(undefined) });

function select(name: string, label: string, value: string | undefined, options: { value: string; label: string }[], error?: string): SafeHtml {
  const id = fieldId(name);
  return html`<div class="form-group${error ? ' form-group--error' : ''}">
  <label class="label" for="${id}">${label}</label>
  ${error ? html`<p class="error-message" id="${id}-error">${error}</p>` : ''}
  <select class="input" id="${id}" name="${name}">${options.map((o) => html`<option value="${o.value}"${o.value === (value ?? '') ? html` selected` : ''}>${o.label}</option>`)}</select>
</div>`;
}

const date = (iso: string) => iso.slice(0, 10);

/**
 * The help desk's pages: the portal's "ask for help" form (anyone), and the office's list (overdue first),
 * recording a call or an Instagram, Facebook or email question, and one request with its thread, reply (with
 * what the channel allows said plainly), canned answers (a link fills the reply: no script needed), internal
 * note, status and assignee, and assist. Every check is the service's; the pages render its `can` flags.
 */
export function helpdeskPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const { helpdesk } = services;

  // ── The portal's form ─────────────────────────────────────────────────────────────────────────────
  const askPage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const types = await services.catalogue.listPermitTypes({ tenantId: req.tenant.id });
    return sendPage(req, reply, {
      title: t(lang, 'help.ask.title'),
      errors,
      ...(errors.length ? { status: 400 } : {}),
      body: html`<h1>${t(lang, 'help.ask.title')}</h1><p>${t(lang, 'help.ask.lead')}</p>
<form method="post" action="/bantuan" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'name', label: t(lang, 'help.ask.name'), value: values.name, error: errorFor(errors, 'name'), autocomplete: 'name', maxlength: 120, optional: true })}
  ${req.actor ? '' : textInput({ lang, name: 'handle', label: t(lang, 'help.ask.handle'), hint: t(lang, 'help.ask.handle.hint'), value: values.handle, error: errorFor(errors, 'handle'), maxlength: 254, spellcheck: false })}
  ${select(
    'permitCode',
    t(lang, 'help.ask.permit'),
    values.permitCode,
    [{ value: '', label: t(lang, 'help.ask.permit.none') }, ...types.map((pt) => ({ value: pt.definition.code, label: loc(lang, pt.definition.name) }))],
    errorFor(errors, 'permitCode'),
  )}
  ${textarea({ lang, name: 'message', label: t(lang, 'help.ask.message'), value: values.message, error: errorFor(errors, 'message'), maxlength: 4000 })}
  ${button(t(lang, 'help.ask.submit'))}
</form>`,
    });
  };

  page.get('/bantuan', { access: 'anyone' }, ({ req, reply }) => askPage(req, reply));

  page.post('/bantuan', { access: 'anyone', form: askForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return askPage(req, reply, form.values, form.errors);
    const { name, handle, permitCode, message } = form.data;
    try {
      const created = await helpdesk.createHelpRequest({
        tenant: req.tenant,
        actor,
        channel: 'web',
        handle: handle || undefined,
        name: name || undefined,
        message,
        permitCode: permitCode || undefined,
      });
      const lang = req.lang;
      return sendPage(req, reply, {
        title: t(lang, 'help.ask.done.title'),
        body: html`<div class="panel"><h1>${t(lang, 'help.ask.done.title')}</h1></div>
<p>${t(lang, 'help.ask.done.text', { date: created.firstResponseDueOn, handle: handle || t(lang, 'nav.profile') })}</p>`,
      });
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      return askPage(req, reply, form.values, fieldErrors(req, err.details.fields));
    }
  });

  // ── The office's help desk ────────────────────────────────────────────────────────────────────────
  page.get('/kantor/bantuan', { access: 'office', permission: 'helpdesk.manage', query: listQuery }, async ({ req, reply, actor, query }) => {
    const lang = req.lang;
    const list = await helpdesk.listHelpRequests({ actor, status: query.status, mine: query.milik === 'saya', page: query.page, pageSize: 25 });
    const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
    const link = (n: number) =>
      `/kantor/bantuan?${new URLSearchParams({ ...(query.status ? { status: query.status } : {}), ...(query.milik ? { milik: query.milik } : {}), page: String(n) }).toString()}`;
    return sendPage(req, reply, {
      title: t(lang, 'helpdesk.title'),
      back: '/kantor',
      body: html`<h1>${t(lang, 'helpdesk.title')}</h1><p>${t(lang, 'helpdesk.lead')}</p>
<p><a href="/kantor/bantuan/baru">${t(lang, 'helpdesk.record')}</a></p>
<form method="get" action="/kantor/bantuan" class="filters">
  ${select('status', t(lang, 'helpdesk.filter'), query.status, [
    { value: '', label: t(lang, 'helpdesk.filter.open') },
    ...HELP_STATUSES.map((s) => ({ value: s, label: t(lang, `helpdesk.status.${s}`) })),
  ])}
  ${select('milik', t(lang, 'helpdesk.assignee'), query.milik, [
    { value: '', label: t(lang, 'helpdesk.filter.open') },
    { value: 'saya', label: t(lang, 'helpdesk.filter.mine') },
  ])}
  ${button(t(lang, 'helpdesk.filter.apply'), { secondary: true })}
</form>
${
  list.items.length
    ? html`<ul class="card-list">${list.items.map(
        (r) => html`<li data-help-request="${r.id}"><h2><a href="/kantor/bantuan/${r.id}">${r.subject}</a></h2>
  <p>${t(lang, `helpdesk.channel.${r.channel}`)} · ${r.name ?? r.handle}</p>
  <p>${tag(t(lang, `helpdesk.status.${r.status}`), STATUS_COLOURS[r.status])} <span class="muted">${t(lang, 'helpdesk.col.due')}: ${r.firstResponse.dueOn}</span>${
    r.firstResponse.overdue ? html` ${tag(t(lang, 'helpdesk.overdue'), 'red')}` : ''
  }${r.assignee ? html` · <span class="muted">${t(lang, 'helpdesk.assignee')}: ${r.assignee.name}</span>` : ''}</p></li>`,
      )}</ul>`
    : html`<p>${t(lang, 'helpdesk.none')}</p>`
}
${
  pages > 1
    ? html`<nav class="pagination" aria-label="${t(lang, 'helpdesk.title')}"><ul class="pagination__list">
  ${list.page > 1 ? html`<li class="pagination__prev"><a href="${link(list.page - 1)}" rel="prev">${t(lang, 'helpdesk.prev')}</a></li>` : ''}
  <li class="pagination__current" aria-current="page">${t(lang, 'helpdesk.page', { page: list.page, pages })}</li>
  ${list.page < pages ? html`<li class="pagination__next"><a href="${link(list.page + 1)}" rel="next">${t(lang, 'helpdesk.next')}</a></li>` : ''}
</ul></nav>`
    : ''
}`,
    });
  });

  const recordPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'helpdesk.record'),
      errors,
      back: '/kantor/bantuan',
      ...(errors.length ? { status: 400 } : {}),
      body: html`<h1>${t(lang, 'helpdesk.record')}</h1>
<form method="post" action="/kantor/bantuan/baru" novalidate>${csrfField(req)}
  ${radios({ lang, name: 'channel', label: t(lang, 'helpdesk.channel'), value: values.channel, error: errorFor(errors, 'channel'), options: RECORDED_CHANNELS.map((c) => ({ value: c, label: t(lang, `helpdesk.channel.${c}`) })) })}
  ${textInput({ lang, name: 'handle', label: t(lang, 'helpdesk.handle'), hint: t(lang, 'helpdesk.handle.hint'), value: values.handle, error: errorFor(errors, 'handle'), maxlength: 254, spellcheck: false })}
  ${textInput({ lang, name: 'name', label: t(lang, 'helpdesk.name'), value: values.name, error: errorFor(errors, 'name'), maxlength: 120, optional: true })}
  ${textarea({ lang, name: 'message', label: t(lang, 'helpdesk.message'), value: values.message, error: errorFor(errors, 'message'), maxlength: 4000 })}
  ${button(t(lang, 'helpdesk.save'))}
</form>`,
    });
  };

  page.get('/kantor/bantuan/baru', { access: 'office', permission: 'helpdesk.manage' }, ({ req, reply }) => recordPage(req, reply));

  page.post('/kantor/bantuan/baru', { access: 'office', permission: 'helpdesk.manage', form: recordForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return recordPage(req, reply, form.values, form.errors);
    try {
      const created = await helpdesk.createHelpRequest({ tenant: req.tenant, actor, ...form.data, name: form.data.name || undefined });
      return reply.redirect(`/kantor/bantuan/${created.id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      return recordPage(req, reply, form.values, fieldErrors(req, err.details.fields));
    }
  });

  const detailPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    view: HelpRequestDetail,
    opts: { values?: Record<string, string>; errors?: FieldError[]; notice?: string | undefined; canned?: string | undefined } = {},
  ) => {
    const lang = req.lang;
    const errors = opts.errors ?? [];
    const values = opts.values ?? {};
    const types = await services.catalogue.listPermitTypes({ tenantId: actor.tenantId });
    // The SKM survey's link of a closed request, to send to the citizen in a reply (src/survey/).
    const survey = await services.survey.invitationOfHelpRequest({ actor, helpRequestId: view.id });
    const base = `/kantor/bantuan/${view.id}`;
    const replyText = values.body ?? view.cannedAnswers.find((c) => c.key === opts.canned)?.text;
    const fr = view.firstResponse;
    return sendPage(req, reply, {
      title: view.subject,
      errors,
      back: '/kantor/bantuan',
      ...(errors.length ? { status: 400 } : {}),
      notice: opts.notice ? banner(opts.notice, 'success') : null,
      body: html`<h1>${view.subject}</h1>
${summaryList([
  { key: t(lang, 'dochelp.done.ref'), value: html`<span data-help-reference>${helpReference(view.id)}</span>` },
  { key: t(lang, 'helpdesk.col.status'), value: tag(t(lang, `helpdesk.status.${view.status}`), STATUS_COLOURS[view.status]) },
  { key: t(lang, 'helpdesk.channel'), value: t(lang, `helpdesk.channel.${view.channel}`) },
  { key: t(lang, 'helpdesk.handle'), value: view.name ? `${view.name} (${view.handle})` : view.handle },
  {
    key: t(lang, 'helpdesk.due'),
    value: fr.at
      ? t(lang, fr.withinSla ? 'helpdesk.answered.in' : 'helpdesk.answered.late', { date: date(fr.at) })
      : html`${fr.dueOn}${fr.overdue ? html` ${tag(t(lang, 'helpdesk.overdue'), 'red')}` : ''}`,
  },
  { key: t(lang, 'helpdesk.assignee'), value: view.assignee?.name ?? t(lang, 'helpdesk.assignee.none') },
  ...(view.applicationId
    ? [{ key: t(lang, 'helpdesk.application'), value: html`<a href="/kantor/berkas/${view.applicationId}">${t(lang, 'helpdesk.application')}</a>` }]
    : []),
  ...(survey ? [{ key: t(lang, 'survey.invite.help'), value: html`<a href="/survei/${survey.token}" data-survey-link>/survei/${survey.token}</a>` }] : []),
])}
<h2>${t(lang, 'helpdesk.thread')}</h2>
<ol class="timeline">${view.messages.map(
        (m) =>
          html`<li class="timeline__item"><p><strong>${t(lang, `helpdesk.kind.${m.kind}`)}</strong>${m.author ? html` · ${m.author.name}` : ''} · <span class="muted">${m.at.slice(0, 16).replace('T', ' ')} UTC</span>${
            m.delivery ? html` · <span class="muted">${t(lang, `helpdesk.delivery.${m.delivery}`)}</span>` : ''
          }</p><p class="pre-wrap">${m.body}</p></li>`,
      )}</ol>
${
  view.can.reply
    ? html`<h2>${t(lang, 'helpdesk.reply')}</h2>
<p>${t(lang, `helpdesk.reply.${view.replyBy}`)}</p>
${
  view.cannedAnswers.length
    ? html`<p>${t(lang, 'helpdesk.canned')}:</p><ul class="list">${view.cannedAnswers.map(
        (c) => html`<li><a href="${base}?jawaban=${c.key}#${fieldId('body')}">${t(lang, 'helpdesk.canned.use', { label: c.label })}</a></li>`,
      )}</ul>`
    : html`<p class="hint">${t(lang, 'helpdesk.canned.none')}</p>`
}
<form method="post" action="${base}/balas" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'body', label: t(lang, 'helpdesk.reply.body'), value: replyText, error: errorFor(errors, 'body'), maxlength: 4000 })}
  ${radios({ lang, name: 'status', label: t(lang, 'helpdesk.reply.after'), value: values.status ?? 'answered', options: REPLY_STATUSES.map((s) => ({ value: s, label: t(lang, `helpdesk.status.${s}`) })) })}
  ${button(t(lang, view.replyBy === 'by_hand' ? 'helpdesk.reply.record' : 'helpdesk.reply.submit'))}
</form>`
    : ''
}
<h2>${t(lang, 'helpdesk.note')}</h2>
<form method="post" action="${base}/catatan" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'note', label: t(lang, 'helpdesk.note'), hint: t(lang, 'helpdesk.note.hint'), error: errorFor(errors, 'note'), maxlength: 4000 })}
  ${button(t(lang, 'helpdesk.note.submit'), { secondary: true })}
</form>
<h2>${t(lang, 'helpdesk.update')}</h2>
<form method="post" action="${base}/ubah" novalidate>${csrfField(req)}
  ${select(
    'status',
    t(lang, 'helpdesk.col.status'),
    view.status,
    HELP_STATUSES.map((s) => ({ value: s, label: t(lang, `helpdesk.status.${s}`) })),
  )}
  ${select('assigneeId', t(lang, 'helpdesk.assignee'), view.assignee?.id ?? '', [
    { value: '', label: t(lang, 'helpdesk.assignee.none') },
    ...view.assignees.map((a) => ({ value: a.id, label: a.name })),
  ])}
  ${select('permitCode', t(lang, 'help.ask.permit'), view.permitCode ?? '', [
    { value: '', label: t(lang, 'help.ask.permit.none') },
    ...types.map((pt) => ({ value: pt.definition.code, label: loc(lang, pt.definition.name) })),
  ])}
  ${button(t(lang, 'helpdesk.update.submit'), { secondary: true })}
</form>
${
  view.can.assist
    ? html`<h2>${t(lang, 'helpdesk.assist')}</h2><p>${t(lang, 'helpdesk.assist.lead')}</p>
<form method="post" action="${base}/bantu" novalidate>${csrfField(req)}
  ${select(
    'permitTypeCode',
    t(lang, 'helpdesk.assist.permit'),
    view.permitCode ?? undefined,
    types.map((pt) => ({ value: pt.definition.code, label: loc(lang, pt.definition.name) })),
    errorFor(errors, 'permitTypeCode'),
  )}
  ${textInput({ lang, name: 'applicantName', label: t(lang, 'helpdesk.assist.name'), value: values.applicantName ?? view.name ?? '', error: errorFor(errors, 'applicantName'), maxlength: 120 })}
  ${button(t(lang, 'helpdesk.assist.submit'))}
</form>`
    : ''
}
${
  view.claimLinks.length
    ? html`<h2>${t(lang, 'helpdesk.claimlinks')}</h2><ul class="list">${view.claimLinks.map(
        (l) =>
          html`<li><a href="/kantor/berkas/${l.applicationId}">${t(lang, 'helpdesk.application')}</a>: ${
            l.usedAt ? t(lang, 'helpdesk.claimlink.used', { date: date(l.usedAt) }) : t(lang, 'helpdesk.claimlink.open', { date: date(l.expiresAt) })
          }</li>`,
      )}</ul>`
    : ''
}`,
    });
  };

  page.get(
    '/kantor/bantuan/:id',
    { access: 'office', permission: 'helpdesk.manage', params: idParams, query: detailQuery },
    async ({ req, reply, actor, params, query }) => {
      const view = await helpdesk.getHelpRequest({ actor, id: params.id, lang: req.lang });
      return detailPage(req, reply, actor, view, { canned: query.jawaban });
    },
  );

  page.post(
    '/kantor/bantuan/:id/balas',
    { access: 'office', permission: 'helpdesk.manage', params: idParams, form: replyForm },
    async ({ req, reply, actor, params, form }) => {
      if (!form.ok)
        return detailPage(req, reply, actor, await helpdesk.getHelpRequest({ actor, id: params.id, lang: req.lang }), {
          values: form.values,
          errors: form.errors,
        });
      await helpdesk.replyToHelpRequest({ actor, id: params.id, body: form.data.body, status: form.data.status, lang: req.lang });
      return reply.redirect(`/kantor/bantuan/${params.id}`, 303);
    },
  );

  page.post(
    '/kantor/bantuan/:id/catatan',
    {
      access: 'office',
      permission: 'helpdesk.manage',
      params: idParams,
      form: (lang) => z.object({ note: requiredText(lang, t(lang, 'helpdesk.note'), 4000) }),
    },
    async ({ req, reply, actor, params, form }) => {
      if (!form.ok)
        return detailPage(req, reply, actor, await helpdesk.getHelpRequest({ actor, id: params.id, lang: req.lang }), {
          values: form.values,
          errors: form.errors,
        });
      await helpdesk.addHelpRequestNote({ actor, id: params.id, body: form.data.note, lang: req.lang });
      return reply.redirect(`/kantor/bantuan/${params.id}`, 303);
    },
  );

  page.post(
    '/kantor/bantuan/:id/ubah',
    { access: 'office', permission: 'helpdesk.manage', params: idParams, form: updateForm },
    async ({ req, reply, actor, params, form }) => {
      if (!form.ok) return reply.redirect(`/kantor/bantuan/${params.id}`, 303);
      try {
        await helpdesk.updateHelpRequest({
          actor,
          id: params.id,
          status: form.data.status,
          assigneeId: form.data.assigneeId || null,
          permitCode: form.data.permitCode || null,
          lang: req.lang,
        });
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        const view = await helpdesk.getHelpRequest({ actor, id: params.id, lang: req.lang });
        return detailPage(req, reply, actor, view, { errors: fieldErrors(req, err.details.fields) });
      }
      return reply.redirect(`/kantor/bantuan/${params.id}`, 303);
    },
  );

  page.post(
    '/kantor/bantuan/:id/bantu',
    { access: 'office', permission: 'helpdesk.manage', params: idParams, form: assistForm },
    async ({ req, reply, actor, params, form }) => {
      const lang = req.lang;
      const data = form.ok ? form.data : { permitTypeCode: '', applicantName: '' };
      try {
        const result = await helpdesk.assistHelpRequest({
          actor,
          id: params.id,
          permitTypeCode: data.permitTypeCode,
          applicantName: data.applicantName || undefined,
          lang,
        });
        const notice = result.claimLink
          ? t(lang, 'helpdesk.assist.byhand', { channel: t(lang, `helpdesk.channel.${result.request.channel}`), link: result.claimLink })
          : t(lang, 'helpdesk.assist.sent');
        return detailPage(req, reply, actor, result.request, { notice });
      } catch (err) {
        if (!(err instanceof AppError) || (!err.details.fields && err.code !== 'not_found')) throw err;
        const view = await helpdesk.getHelpRequest({ actor, id: params.id, lang });
        const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'permitTypeCode', message: t(lang, 'helpdesk.assist.permit') }];
        return detailPage(req, reply, actor, view, { values: form.values, errors });
      }
    },
  );
}
