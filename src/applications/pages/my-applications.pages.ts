import { WITHDRAW_ACTION } from '../applications.service.js';
import { parcelsSection } from '../../parcels/parcels.views.js';
import { applicantBillSection, billQrs } from '../../payments/bills.views.js';
import { answersOf } from '../../catalogue/answers.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../access/actor.js';
import { stateSummary } from '../../catalogue/journey.js';
import { formatVerificationCode } from '../../permits/permit.document.js';
import { sendPermitPdf } from '../../permits/permits.routes.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { officeBaseUrl } from '../../tenants/office-url.js';
import { banner, button, csrfField, type FieldError, linkButton, summaryList } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { formatDateTime, formatRupiah, loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { permitStatusTag, validityText } from '../../permits/permits.views.js';
import { displayAnswer, errorMessage, stateTag } from '../../web/views.js';
import { surveyInvite } from '../../survey/survey.views.js';
import { applicantView, applicationParams, type ApplicationView, deliveriesSection, expectedBy, type PermitView, uuidParam } from './applicant.views.js';

const permitParams = applicationParams.extend({ permitId: uuidParam });
const detailQuery = z.object({ ditarik: z.string().optional(), perpanjangan: z.string().optional() });
const listQuery = z.object({ dihapus: z.string().optional() });

/** The applicant's own files: the list, each file's page with its permits and receipts, the receipt, withdrawing. */
export function myApplicationsPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const officeAddress = { baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant };
  const load = (actor: Actor, id: string) => services.applications.getApplication({ actor, applicationId: id });

  page.get('/permohonan', { access: 'signed-in', query: listQuery }, async ({ req, reply, lang, actor, query }) => {
    // One summary query for the whole list (no read per file).
    const { items: files } = await services.applications.listApplicationSummaries({ actor, filters: { limit: 100, offset: 0 } });
    const items = files.map(
      (a) => html`<li><h2><a href="/permohonan/${a.id}">${loc(lang, a.permitType.name)}</a></h2>
  <p>${a.number ? html`${a.number} · ${stateTag(lang, a.state)}` : html`${stateTag(lang, a.state)} <span class="muted">${t(lang, 'mine.draft.unnumbered')}</span>`}</p>
  <p>${loc(lang, a.state.nextStep)}${a.sla.dueDate ? html`<br><span class="muted">${t(lang, 'mine.expected', { date: expectedBy(lang, a.sla) })}</span>` : ''}</p></li>`,
    );
    return sendPage(req, reply, {
      title: t(lang, 'mine.title'),
      notice: query.dihapus ? banner(t(lang, 'mine.draft.deleted'), 'success') : null,
      body: html`<h1>${t(lang, 'mine.title')}</h1>
${linkButton('/izin', t(lang, 'mine.apply'))}
<p><a href="/permohonan/klaim">${t(lang, 'mine.claim')}</a></p>
${items.length ? html`<ul class="card-list">${items}</ul>` : html`<p>${t(lang, 'mine.none')}</p>`}`,
    });
  });

  /** A permit of this application (its holder's own), or not found: the id in the address is checked against the file. */
  async function permitOf(actor: Actor, view: ApplicationView, permitId: string): Promise<PermitView> {
    const permit = (await services.permits.permitsForApplication({ actor, applicationId: view.app.id })).find((p) => p.id === permitId);
    if (!permit) throw new AppError('not_found', 'no such permit on this application');
    return permit;
  }

  /** The issued permits (newest first) and the signed receipts of a file, with download, verification and renewal. */
  function permitsSection(
    req: FastifyRequest,
    actor: Actor,
    view: ApplicationView,
    permits: PermitView[],
    receipts: Awaited<ReturnType<Services['permits']['receiptsForApplication']>>,
  ): SafeHtml {
    const lang = req.lang;
    const zone = req.tenant.time_zone;
    const { app } = view;
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
    p.can.renew
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
    actor: Actor,
    view: ApplicationView,
    opts: { notice?: SafeHtml | null; errors?: FieldError[]; status?: number } = {},
  ): Promise<FastifyReply> {
    const lang = req.lang;
    const { app, definition, workflow, docs, events, sla, slaProvisional } = view;
    const state = stateSummary(workflow, app.state);
    const offers = applicantView(view);
    const refused = docs.filter((d) => d.review_status === 'refused');
    const lastReturn = [...events].reverse().find((e) => e.to_state === app.state && e.reason);
    const answers = answersOf(app);
    const [messages, permits, receipts, deliveries, parcels, bills, survey] = await Promise.all([
      services.notes.listNotes({ actor, applicationId: app.id }),
      services.permits.permitsForApplication({ actor, applicationId: app.id }),
      services.permits.receiptsForApplication({ actor, applicationId: app.id }),
      services.notifications.messagesAboutApplication({ actor, applicationId: app.id }),
      // Courier parcels of the file (src/parcels/): the view above was loaded through the access policy.
      services.parcels.parcelsOfApplication({ tenantId: app.tenant_id, applicationId: app.id }),
      // The bill (SKRD) and how to pay it (src/payments/bills.views.ts).
      services.bills.listForApplication({ actor, applicationId: app.id }),
      // The SKM survey's link once the permit is issued (src/survey/), for the applicant only.
      services.survey.invitationOfApplication({ actor, application: app }),
    ]);
    const billQr = await billQrs(lang, bills.bills[0], { verify: false });
    return sendPage(req, reply, {
      title: app.number ?? loc(lang, definition.name),
      back: '/permohonan',
      notice: opts.notice ?? null,
      errors: opts.errors,
      ...(opts.status ? { status: opts.status } : {}),
      body: html`<h1>${loc(lang, definition.name)}</h1>
<p class="lead">${app.number ?? t(lang, 'mine.draft')}</p>
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(lang, state) },
  { key: t(lang, 'detail.next'), value: loc(lang, state.nextStep) },
  ...(app.submitted_at ? [{ key: t(lang, 'detail.submitted'), value: formatDateTime(lang, app.submitted_at, req.tenant.time_zone) }] : []),
  ...(sla.dueDate ? [{ key: t(lang, 'detail.expected'), value: expectedBy(lang, sla, slaProvisional) }] : []),
  { key: t(lang, 'detail.channel'), value: t(lang, `channel.${app.channel}`) },
  ...(app.fee_amount !== null && !app.fee_paid_at
    ? [{ key: t(lang, 'guide.fee'), value: t(lang, 'detail.fee', { amount: formatRupiah(app.fee_amount) }) }]
    : []),
])}
${applicantBillSection(req, bills, billQr)}
${permitsSection(req, actor, view, permits, receipts)}
${surveyInvite(lang, survey)}
${
  offers.returned
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
${offers.edit && offers.draft ? linkButton(`/permohonan/${app.id}/isian/${definition.fields[0]!.name}`, t(lang, 'mine.continue')) : ''}
${
  messages.length
    ? html`<h2>${t(lang, 'detail.messages')}</h2><ul class="card-list">${messages.map((n) => html`<li><p class="muted">${formatDateTime(lang, n.created_at, req.tenant.time_zone)}</p><p>${n.body}</p></li>`)}</ul>`
    : ''
}
<h2>${t(lang, 'check.answers')}</h2>
${summaryList(definition.fields.map((f) => ({ key: loc(lang, f.label), value: displayAnswer(lang, f, answers[f.name]) })))}
${deliveries.length ? deliveriesSection(lang, deliveries, req.tenant.time_zone, { preferencesLink: true }) : ''}
${parcelsSection(lang, parcels, req.tenant.time_zone)}
<h2>${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${events.map(
        (e) =>
          html`<li><strong>${loc(lang, stateSummary(workflow, e.to_state).label)}</strong><br><span class="muted">${formatDateTime(lang, e.created_at, req.tenant.time_zone)}</span>${
            e.reason ? html`<br>${t(lang, 'detail.reason', { reason: e.reason })}` : ''
          }</li>`,
      )}</ol>
${
  offers.withdraw
    ? offers.draft
      ? html`<p><a href="/permohonan/${app.id}/hapus">${t(lang, 'draft.delete.link')}</a></p>`
      : html`<p><a href="/permohonan/${app.id}/tarik">${t(lang, 'detail.withdraw')}</a></p>`
    : ''
}`,
    });
  }

  page.get('/permohonan/:id', { access: 'signed-in', params: applicationParams, query: detailQuery }, async ({ req, reply, lang, actor, params, query }) => {
    const notice = query.ditarik ? banner(t(lang, 'withdraw.done'), 'success') : query.perpanjangan ? banner(t(lang, 'mine.permit.renewed'), 'success') : null;
    return detailPage(req, reply, actor, await load(actor, params.id), { notice });
  });

  page.get('/permohonan/:id/tanda-terima', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const { app, definition, sla, slaProvisional } = await load(actor, params.id);
    if (!app.number || !app.submitted_at) return reply.redirect(`/permohonan/${app.id}`, 303);
    const signed = (await services.permits.receiptsForApplication({ actor, applicationId: app.id })).find((r) => r.kind === 'filing');
    return sendPage(req, reply, {
      title: `${t(lang, 'receipt.title')} ${app.number}`,
      back: `/permohonan/${app.id}`,
      body: html`<h1>${t(lang, 'receipt.title')}</h1>
<p>${req.tenant.name}</p>
${summaryList([
  {
    key: t(lang, 'done.number'),
    value: html`<strong data-receipt-number>${app.number}</strong><br><span class="hint">${t(lang, 'receipt.number.for')}</span>`,
  },
  {
    key: t(lang, 'done.code'),
    value: html`<strong data-receipt-tracking>${app.tracking_code ?? ''}</strong><br><span class="hint">${t(lang, 'receipt.code.for', { url: `${officeBaseUrl(officeAddress, req.tenant)}/lacak` })}</span>`,
  },
  { key: t(lang, 'guide.what'), value: loc(lang, definition.name) },
  { key: t(lang, 'detail.submitted'), value: formatDateTime(lang, app.submitted_at, req.tenant.time_zone) },
  { key: t(lang, 'detail.expected'), value: expectedBy(lang, sla, slaProvisional) },
  { key: t(lang, 'detail.channel'), value: t(lang, `channel.${app.channel}`) },
  ...(signed ? [{ key: t(lang, 'permit.code'), value: html`<span data-receipt-code>${formatVerificationCode(signed.verificationCode)}</span>` }] : []),
])}
<p class="url">${t(lang, 'receipt.keep', { url: `${officeBaseUrl(officeAddress, req.tenant)}/lacak` })}</p>
${signed ? html`<p class="url">${t(lang, 'receipt.signed', { url: `${officeBaseUrl(officeAddress, req.tenant)}/v/${signed.verificationCode}` })}</p>` : ''}
<button type="button" class="button no-print" data-print hidden>${t(lang, 'print')}</button>`,
    });
  });

  // ---- The issued permit: download and renewal ----
  page.get('/permohonan/:id/izin/:permitId.pdf', { access: 'signed-in', params: permitParams }, async ({ reply, actor, params }) => {
    const permit = await permitOf(actor, await load(actor, params.id), params.permitId);
    const { stream } = await services.permits.openPdf({ actor, permitId: permit.id });
    return sendPermitPdf(reply, permit, stream);
  });

  page.post('/permohonan/:id/izin/:permitId/perpanjang', { access: 'signed-in', params: permitParams }, async ({ req, reply, actor, params }) => {
    const view = await load(actor, params.id);
    const permit = await permitOf(actor, view, params.permitId);
    try {
      const { applicationId } = await services.permits.renew({ actor, permitId: permit.id });
      return reply.redirect(`/permohonan/${applicationId}?perpanjangan=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'forbidden' || err.code === 'not_found' || err.code === 'unauthenticated') throw err;
      const message = err.code === 'invalid_state' ? t(req.lang, 'mine.permit.renew.refused') : errorMessage(req, err);
      return detailPage(req, reply, actor, view, { errors: [{ field: 'permit', message, href: `#izin-${permit.id}` }], status: err.status });
    }
  });

  // ---- Withdrawing ----
  page.get('/permohonan/:id/tarik', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const view = await load(actor, params.id);
    const { app } = view;
    // A draft was never filed: it is deleted, not withdrawn.
    if (applicantView(view).draft) return reply.redirect(`/permohonan/${app.id}/hapus`, 303);
    return sendPage(req, reply, {
      title: t(lang, 'withdraw.title', { number: app.number ?? '' }),
      back: `/permohonan/${app.id}`,
      body: html`<h1>${t(lang, 'withdraw.title', { number: app.number ?? '' })}</h1><p>${t(lang, 'withdraw.lead')}</p>
<form method="post" action="/permohonan/${app.id}/tarik">${csrfField(req)}${button(t(lang, 'withdraw.confirm'), { warning: true })}</form>`,
    });
  });

  page.post('/permohonan/:id/tarik', { access: 'signed-in', params: applicationParams }, async ({ reply, actor, params }) => {
    const { app } = await load(actor, params.id);
    await services.applications.performAction({ actor, applicationId: app.id, action: WITHDRAW_ACTION });
    return reply.redirect(`/permohonan/${app.id}?ditarik=1`, 303);
  });

  // ---- Deleting a draft ----
  // A draft that was never submitted has no number and the office never received it. Deleting it is
  // the workflow's withdraw action from the draft state (audited and on its timeline like any
  // action), after which the applicant's list leaves it out (a closed file without a number:
  // applications.repository.ts). Its uploaded documents stay with that closed record.
  page.get('/permohonan/:id/hapus', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const view = await load(actor, params.id);
    const { app, definition } = view;
    const offers = applicantView(view);
    if (!offers.draft || !offers.withdraw) return reply.redirect(`/permohonan/${app.id}`, 303);
    return sendPage(req, reply, {
      title: t(lang, 'draft.delete.title'),
      back: `/permohonan/${app.id}`,
      body: html`<h1>${t(lang, 'draft.delete.title')}</h1>
<p>${t(lang, 'draft.delete.lead', { permit: loc(lang, definition.name) })}</p>
<p>${t(lang, 'draft.delete.files')}</p>
<form method="post" action="/permohonan/${app.id}/hapus" novalidate>${csrfField(req)}${button(t(lang, 'draft.delete.confirm'), { warning: true })}</form>
<p><a href="/permohonan/${app.id}">${t(lang, 'draft.delete.cancel')}</a></p>`,
    });
  });

  page.post('/permohonan/:id/hapus', { access: 'signed-in', params: applicationParams }, async ({ reply, actor, params }) => {
    const view = await load(actor, params.id);
    if (!applicantView(view).draft) return reply.redirect(`/permohonan/${view.app.id}`, 303);
    // The draft as read: sent from another tab in the meantime, it is not withdrawn (409).
    await services.applications.performAction({ actor, applicationId: view.app.id, action: WITHDRAW_ACTION, expectedRevision: view.app.revision });
    return reply.redirect('/permohonan?dihapus=1', 303);
  });
}
