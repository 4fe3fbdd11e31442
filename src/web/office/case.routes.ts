import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import { availableActions } from '../../applications/applications.service.js';
import type { Answers } from '../../catalogue/answers.js';
import type { Document } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';
import { PRECONDITION_MESSAGES } from '../../shared/messages.js';
import type { SlaStatus } from '../../sla/sla.js';
import type { Services } from '../../services.js';
import { actionsFor, stateKind, stateOf } from '../../workflow/workflow.engine.js';
import { ROLES, type Role } from '../../workflow/workflow.schema.js';
import { banner, csrfField, errorFor, type FieldError, fieldId, fileUpload, radios, summaryList, tag, textarea, textInput } from '../components.js';
import { INSPECTION_PHOTO_PREFIX } from '../../documents/documents.service.js';
import { html, type SafeHtml } from '../html.js';
import { formatDate, formatDateTime, formatDecimal, formatRupiah, loc, t } from '../i18n.js';
import type { FeeAssessment } from '../../fees/fees.service.js';
import { sendPage } from '../layout.js';
import { displayAnswer } from '../pages/apply.routes.js';
import { checkCsrf, errorMessage, field, fieldErrors, requiredMessage } from '../pages/helpers.js';
import { stateTag } from '../pages/public.routes.js';
import { permitStatusTag, validityText } from '../pages/verify.routes.js';
import { formatVerificationCode } from '../../permits/permit.document.js';
import { sendPermitPdf } from '../../permits/permits.routes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SLA_COLOUR: Record<SlaStatus, 'green' | 'yellow' | 'red' | 'grey'> = {
  on_track: 'green',
  due_soon: 'yellow',
  overdue: 'red',
  paused: 'grey',
  not_started: 'grey',
  closed: 'grey',
};
const REVIEW_COLOUR = { pending: 'grey', accepted: 'green', refused: 'red' } as const;

/**
 * A document opened in the browser tab: never sniffed, never cached, and sandboxed so that a file
 * which is not what it claims cannot run script or reach the officer's session.
 */
const DOCUMENT_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

type CaseView = Awaited<ReturnType<Services['applications']['getApplication']>> & {
  notes: Awaited<ReturnType<Services['casework']['listNotes']>>;
  colleagues: { id: string; name: string; role: string }[];
  /** The permits issued on the file, newest first (a correction adds one). */
  permits: Awaited<ReturnType<Services['permits']['permitsForApplication']>>;
  /** For the officer who sets a fee on a file with a fee rule: what the rules give, or why they cannot say. */
  fee: { assessment: FeeAssessment } | { problem: AppError } | null;
};
/** What the page shows besides the case: problems from a form that was just sent, and what was typed into it. */
type FormState = { errors?: FieldError[]; values?: Record<string, string>; status?: number };

/** RFC 6266 / 8187: shown in the tab, with the applicant's file name as a display name only. */
function inlineDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Whole rupiah as an officer types it: 6176270, 6.176.270 or "Rp 6.176.270". Null when it is not one. */
function parseRupiah(raw: string): number | null {
  const s = raw
    .trim()
    .replace(/^rp\.?\s*/i, '')
    .replace(/\s/g, '');
  if (!/^\d+$/.test(s) && !/^\d{1,3}(\.\d{3})+$/.test(s)) return null;
  const n = Number(s.replace(/\./g, ''));
  return Number.isSafeInteger(n) ? n : null;
}

/** Field names per form, prefixed so that ids stay unique on a page with many small forms. */
const docField = (docId: string, name: 'status' | 'reason') => `doc-${docId}-${name}`;
const actionField = (code: string, name: 'reason' | 'fee' | 'reference') => `action-${code}-${name}`;
const permitField = (permitId: string, name: 'revoke-reason' | 'reissue-reason' | 'reissue-holder') => `permit-${permitId}-${name}`;
const INSPECTION_RESULT = 'inspection-result';
const INSPECTION_FINDINGS = 'inspection-findings';

/**
 * The officers' case view and the forms that act on a case: the document checklist, the workflow's
 * actions for the officer's role (data-driven, from availableActions) and the field inspection.
 * Every page needs a staff session that has passed the second factor; the services decide the rest.
 */
export function casePages(app: FastifyInstance, services: Services): void {
  /** The signed-in officer, or null after answering with a redirect to the sign-in page (back to the case). */
  function officer(req: FastifyRequest, reply: FastifyReply, caseId: string): Actor | null {
    if (!req.actor) {
      void reply.redirect(`/akun/masuk?kembali=${encodeURIComponent(UUID.test(caseId) ? `/kantor/berkas/${caseId}` : '/kantor')}`, 303);
      return null;
    }
    if (req.actor.role === 'applicant') throw new AppError('forbidden', 'the case view is for staff');
    return req.actor;
  }

  async function load(actor: Actor, id: string): Promise<CaseView> {
    if (!UUID.test(id)) throw new AppError('not_found', 'bad id');
    const view = await services.applications.getApplication({ actor, applicationId: id });
    const setsFee =
      view.definition.feeRule.kind !== 'free' &&
      availableActions(actor, view.app, view.workflow, view.facts).some((a) => a.input === 'fee_amount' && a.missing.length === 0);
    const [notes, colleagues, permits, fee] = await Promise.all([
      services.casework.listNotes({ actor, applicationId: id }),
      services.db
        .selectFrom('users')
        .select(['id', 'name', 'role'])
        .where('tenant_id', '=', actor.tenantId)
        .where('role', '!=', 'applicant')
        .where('disabled_at', 'is', null)
        .orderBy('name')
        .execute(),
      services.permits.permitsForApplication({ actor, applicationId: id }),
      setsFee
        ? services.fees.assessFor({ actor, applicationId: id }).then(
            (assessment) => ({ assessment }),
            (err: unknown) => {
              if (err instanceof AppError && (err.code === 'precondition_failed' || err.code === 'invalid_state')) return { problem: err };
              throw err;
            },
          )
        : null,
    ]);
    return { ...view, notes, colleagues, permits, fee };
  }

  /** Review documents: verifier or technical, only while their role has work on the file. */
  const canReview = (actor: Actor, view: CaseView) =>
    (actor.role === 'verifier' || actor.role === 'technical') && availableActions(actor, view.app, view.workflow, view.facts).length > 0;
  /** Record a field inspection: the technical team while it has work on a file whose permit type has one. */
  const canInspect = (actor: Actor, view: CaseView) =>
    actor.role === 'technical' && view.definition.fieldInspection !== 'none' && availableActions(actor, view.app, view.workflow, view.facts).length > 0;

  function noticeFor(req: FastifyRequest, view: CaseView, query: { ok?: string; tersimpan?: string }): SafeHtml | null {
    const lang = req.lang;
    if (query.tersimpan === 'dokumen') return banner(t(lang, 'case.review.saved'), 'success');
    if (query.tersimpan === 'inspeksi') return banner(t(lang, 'case.inspection.saved'), 'success');
    if (query.tersimpan === 'izin-dicabut') return banner(t(lang, 'case.permit.revoked'), 'success');
    if (query.tersimpan === 'izin-terbit-ulang') return banner(t(lang, 'case.permit.reissued'), 'success');
    const done = query.ok ? view.workflow.actions.find((a) => a.code === query.ok) : undefined;
    return done ? banner(t(lang, 'case.action.done', { action: loc(lang, done.label) }), 'success') : null;
  }

  function documentsSection(req: FastifyRequest, actor: Actor, view: CaseView, form: FormState): SafeHtml {
    const lang = req.lang;
    const { app, definition, docs } = view;
    const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
    const review = canReview(actor, view);
    const values = form.values ?? {};
    const reviewForm = (d: Document, name: string) => {
      const status = docField(d.id, 'status');
      const reason = docField(d.id, 'reason');
      const current = values[status] ?? (d.review_status === 'pending' ? undefined : d.review_status);
      return html`<form method="post" action="/kantor/berkas/${app.id}/dokumen/${d.id}/periksa" novalidate>
  ${csrfField(req)}
  ${radios({
    lang,
    name: status,
    label: t(lang, 'case.review.legend', { name }),
    value: current,
    error: errorFor(form.errors, status),
    options: [
      { value: 'accepted', label: t(lang, 'case.review.accept') },
      { value: 'refused', label: t(lang, 'case.review.refuse') },
    ],
  })}
  ${textarea({ lang, name: reason, label: t(lang, 'case.review.reason', { name }), hint: t(lang, 'case.review.reason.hint'), value: values[reason] ?? d.review_reason ?? '', error: errorFor(form.errors, reason), maxlength: 1000 })}
  <button type="submit" class="button button--secondary">${t(lang, 'case.review.save')}<span class="visually-hidden">: ${name}</span></button>
</form>`;
    };
    return html`<h2 id="case-documents">${t(lang, 'check.documents')}</h2>
<ul class="card-list">${definition.requirements.map((r) => {
      const name = loc(lang, r.name);
      const d = byReq.get(r.code);
      return html`<li id="doc-${r.code}"><h3>${name}${r.required ? '' : html` <span class="muted">${t(lang, 'optional')}</span>`}</h3>
  ${
    d
      ? html`<p>${tag(t(lang, `case.doc.${d.review_status}`), REVIEW_COLOUR[d.review_status])}${
          d.review_status === 'refused' && d.review_reason ? html` ${t(lang, 'detail.reason', { reason: d.review_reason })}` : ''
        }</p>
  <p><a href="/kantor/berkas/${app.id}/dokumen/${d.id}">${t(lang, 'case.doc.view')}<span class="visually-hidden">: ${name}</span></a>
  <span class="muted">${d.file_name} · ${t(lang, 'case.doc.version', { n: d.version })} · ${formatDateTime(lang, d.created_at, req.tenant.time_zone)}</span></p>
  ${review ? reviewForm(d, name) : ''}`
      : html`<p>${tag(t(lang, 'docs.missing'), 'grey')}</p>`
  }
</li>`;
    })}</ul>`;
  }

  function inspectionSection(req: FastifyRequest, actor: Actor, view: CaseView, form: FormState): SafeHtml | null {
    const lang = req.lang;
    const { app, definition } = view;
    const recorded = app.inspection_result ? (JSON.parse(app.inspection_result) as { result?: string; findings?: string }) : null;
    const editable = canInspect(actor, view);
    const photos = view.docs.filter((d) => d.requirement_code.startsWith(INSPECTION_PHOTO_PREFIX));
    if (definition.fieldInspection === 'none' && !recorded && photos.length === 0) return null;
    const values = form.values ?? {};
    return html`<h2 id="case-inspection">${t(lang, 'case.inspection')}</h2>
${
  recorded
    ? summaryList([
        {
          key: t(lang, 'case.inspection.result'),
          value: recorded.result === 'pass' ? tag(t(lang, 'case.inspection.pass'), 'green') : tag(t(lang, 'case.inspection.fail'), 'red'),
        },
        { key: t(lang, 'case.inspection.findings'), value: recorded.findings ?? '' },
        ...(app.inspection_recorded_at
          ? [{ key: t(lang, 'case.inspection.recorded'), value: formatDateTime(lang, app.inspection_recorded_at, req.tenant.time_zone) }]
          : []),
      ])
    : html`<p>${t(lang, 'case.inspection.none')}</p>`
}
${
  photos.length
    ? html`<h3>${t(lang, 'case.photos')}</h3><ul>${photos.map((d, i) => html`<li><a href="/kantor/berkas/${app.id}/dokumen/${d.id}">${t(lang, 'case.photo', { n: i + 1 })}</a> <span class="muted">${d.file_name}</span></li>`)}</ul>`
    : ''
}
${
  editable
    ? html`<form method="post" action="/kantor/berkas/${app.id}/foto-inspeksi" enctype="multipart/form-data" novalidate>
  ${csrfField(req)}
  ${fileUpload({ lang, name: 'photo', label: t(lang, 'case.photo.add'), hint: t(lang, 'case.photo.hint'), error: errorFor(form.errors, 'photo'), accept: '.jpg,.jpeg,.png', maxBytes: 10 * 1048576 })}
  <button type="submit" class="button button--secondary">${t(lang, 'case.photo.save')}</button>
</form>`
    : ''
}
${
  editable
    ? html`<form method="post" action="/kantor/berkas/${app.id}/inspeksi" novalidate>
  ${csrfField(req)}
  ${radios({
    lang,
    name: INSPECTION_RESULT,
    label: t(lang, 'case.inspection.result'),
    value: values[INSPECTION_RESULT],
    error: errorFor(form.errors, INSPECTION_RESULT),
    options: [
      { value: 'pass', label: t(lang, 'case.inspection.pass') },
      { value: 'fail', label: t(lang, 'case.inspection.fail') },
    ],
  })}
  ${textarea({ lang, name: INSPECTION_FINDINGS, label: t(lang, 'case.inspection.findings'), hint: t(lang, 'case.inspection.findings.hint'), value: values[INSPECTION_FINDINGS], error: errorFor(form.errors, INSPECTION_FINDINGS), maxlength: 4000 })}
  <button type="submit" class="button button--secondary">${t(lang, 'case.inspection.save')}</button>
</form>`
    : ''
}`;
  }

  /** The issued permits: status, validity, code, download; for the head, revoke and re-issue (correction) a valid one. */
  function permitsSection(req: FastifyRequest, actor: Actor, view: CaseView, form: FormState): SafeHtml | null {
    if (view.permits.length === 0) return null;
    const lang = req.lang;
    const zone = req.tenant.time_zone;
    const { app, permits } = view;
    const values = form.values ?? {};
    const byId = new Map(permits.map((p) => [p.id, p]));
    return html`<h2 id="case-permits">${t(lang, 'case.permits')}</h2>
<ul class="card-list">${permits.map((p) => {
      const next = p.supersededById ? byId.get(p.supersededById) : undefined;
      const revokeReason = permitField(p.id, 'revoke-reason');
      const reissueReason = permitField(p.id, 'reissue-reason');
      const reissueHolder = permitField(p.id, 'reissue-holder');
      return html`<li id="permit-${p.id}"><h3>${p.number} ${permitStatusTag(lang, p.status)}</h3>
  ${summaryList([
    { key: t(lang, 'permit.type'), value: loc(lang, p.title) },
    { key: t(lang, 'permit.holder'), value: p.holderName },
    { key: t(lang, 'permit.validity'), value: validityText(lang, p.validFrom, p.validUntil) },
    { key: t(lang, 'permit.issued'), value: formatDateTime(lang, p.issuedAt, zone) },
    { key: t(lang, 'permit.code'), value: formatVerificationCode(p.verificationCode) },
    ...(p.status === 'revoked' && p.revokedAt
      ? [
          {
            key: t(lang, 'permit.status'),
            value: t(lang, 'case.permit.revoked.by', { date: formatDateTime(lang, p.revokedAt, zone), reason: p.revocationReason ?? '' }),
          },
        ]
      : []),
    ...(next ? [{ key: t(lang, 'permit.superseded.by'), value: html`<a href="#permit-${next.id}">${next.number}</a>` }] : []),
  ])}
  <p><a href="/kantor/berkas/${app.id}/izin/${p.id}.pdf">${t(lang, 'permit.download')}<span class="visually-hidden">: ${p.number}</span></a></p>
  <p><a href="/v/${p.verificationCode}">${t(lang, 'permit.verify.link')}<span class="visually-hidden">: ${p.number}</span></a></p>
  ${
    actor.role === 'head' && p.status === 'valid'
      ? html`<div class="permit-actions">
    <h4>${t(lang, 'case.permit.reissue')}</h4>
    <p>${t(lang, 'case.permit.reissue.lead')}</p>
    <form method="post" action="/kantor/berkas/${app.id}/izin/${p.id}/terbitkan-ulang" novalidate>
      ${csrfField(req)}
      ${textInput({ lang, name: reissueHolder, label: t(lang, 'case.permit.reissue.holder'), hint: t(lang, 'case.permit.reissue.holder.hint'), value: values[reissueHolder] ?? p.holderName, error: errorFor(form.errors, reissueHolder), maxlength: 200, autocomplete: 'off', spellcheck: false })}
      ${textarea({ lang, name: reissueReason, label: t(lang, 'case.permit.reissue.reason'), hint: t(lang, 'case.permit.reissue.hint'), value: values[reissueReason], error: errorFor(form.errors, reissueReason), maxlength: 1000 })}
      <button type="submit" class="button button--secondary">${t(lang, 'case.permit.reissue')}<span class="visually-hidden">: ${p.number}</span></button>
    </form>
  </div>
  <div class="permit-actions permit-actions--danger">
    <h4>${t(lang, 'case.permit.revoke')}</h4>
    <form method="post" action="/kantor/berkas/${app.id}/izin/${p.id}/cabut" novalidate>
      ${csrfField(req)}
      ${textarea({ lang, name: revokeReason, label: t(lang, 'case.permit.revoke.reason'), hint: t(lang, 'case.permit.revoke.hint'), value: values[revokeReason], error: errorFor(form.errors, revokeReason), maxlength: 1000 })}
      <button type="submit" class="button button--warning">${t(lang, 'case.permit.revoke')}<span class="visually-hidden">: ${p.number}</span></button>
    </form>
  </div>`
      : ''
  }
</li>`;
    })}</ul>`;
  }

  /** The retribution the rules give, with how it was reached (PBG), above the fee input; or why it could not be worked out. */
  function feeCalculation(req: FastifyRequest, fee: CaseView['fee']): SafeHtml | string {
    if (!fee) return '';
    const lang = req.lang;
    if ('problem' in fee) return banner(t(lang, 'case.feecalc.unavailable', { reason: errorMessage(req, fee.problem) }));
    const { amount, breakdown: b, year, dataNote } = fee.assessment;
    if (!b) return '';
    const n = (x: number) => formatDecimal(lang, x);
    return html`<div class="fee-calculation" id="case-fee-calculation">
  <h4>${t(lang, 'case.feecalc.title', { year })}</h4>
  ${summaryList([
    { key: t(lang, 'case.feecalc.llt'), value: t(lang, 'case.feecalc.llt.value', { llt: n(b.llt) }) },
    { key: t(lang, 'case.feecalc.ilo'), value: n(b.ilo) },
    { key: t(lang, 'case.feecalc.shst'), value: t(lang, 'case.feecalc.shst.value', { amount: formatRupiah(b.shst) }) },
    {
      key: t(lang, 'case.feecalc.it'),
      value: t(lang, 'case.feecalc.it.value', {
        it: n(b.it),
        if: n(b.if),
        complexity: n(b.complexity),
        permanence: n(b.permanence),
        height: n(b.heightIndex),
        fm: n(b.fm),
      }),
    },
    { key: t(lang, 'case.feecalc.ibg'), value: n(b.ibg) },
    {
      key: t(lang, 'case.feecalc.formula'),
      value: t(lang, 'case.feecalc.formula.value', {
        llt: n(b.llt),
        ilo: n(b.ilo),
        shst: formatRupiah(b.shst),
        it: n(b.it),
        ibg: n(b.ibg),
        amount: formatRupiah(amount),
      }),
    },
    { key: t(lang, 'case.feecalc.amount'), value: html`<strong>${formatRupiah(amount)}</strong>` },
  ])}
  <p>${t(lang, 'case.feecalc.prefilled')}</p>
  ${dataNote ? html`<p class="muted">${t(lang, 'case.feecalc.note', { note: dataNote })}</p>` : ''}
</div>`;
  }

  function actionsSection(req: FastifyRequest, actor: Actor, view: CaseView, form: FormState): SafeHtml {
    const lang = req.lang;
    const { app, workflow, facts } = view;
    const values = form.values ?? {};
    const actions = availableActions(actor, app, workflow, facts);
    return html`<h2 id="case-actions">${t(lang, 'case.actions')}</h2>
${actions.length === 0 ? html`<p>${t(lang, 'case.actions.none')}</p>` : ''}
${actions.map((a) => {
  const label = loc(lang, a.label);
  if (a.missing.length > 0) {
    return html`<div class="case-action case-action--blocked" data-action-blocked="${a.code}">
  <h3>${label}</h3>
  <p>${t(lang, 'case.action.blocked')}</p>
  <ul>${a.missing.map((m) => html`<li>${PRECONDITION_MESSAGES[m]?.[lang] ?? m}</li>`)}</ul>
</div>`;
  }
  const reason = actionField(a.code, 'reason');
  const fee = actionField(a.code, 'fee');
  const reference = actionField(a.code, 'reference');
  // Closing a case for good with a reason (a rejection) looks like the dangerous thing it is.
  const style = a.requiresReason ? (stateKind(workflow, a.to) === 'final' ? 'button button--warning' : 'button button--secondary') : 'button';
  return html`<div class="case-action">
  <h3>${label}</h3>
  <form method="post" action="/kantor/berkas/${app.id}/tindakan" novalidate>
    ${csrfField(req)}
    <input type="hidden" name="action" value="${a.code}">
    ${a.requiresReason ? textarea({ lang, name: reason, label: t(lang, 'case.action.reason', { action: label }), hint: t(lang, 'case.action.reason.hint'), value: values[reason], error: errorFor(form.errors, reason), maxlength: 1000 }) : ''}
    ${a.input === 'fee_amount' ? feeCalculation(req, view.fee) : ''}
    ${a.input === 'fee_amount' ? textInput({ lang, name: fee, label: t(lang, 'case.action.fee'), hint: t(lang, 'case.action.fee.hint'), value: values[fee] ?? (view.fee && 'assessment' in view.fee ? String(view.fee.assessment.amount) : undefined), error: errorFor(form.errors, fee), inputmode: 'numeric', width: 'medium', maxlength: 20, autocomplete: 'off', spellcheck: false }) : ''}
    ${a.input === 'payment_reference' ? textInput({ lang, name: reference, label: t(lang, 'case.action.reference'), hint: t(lang, 'case.action.reference.hint'), value: values[reference], error: errorFor(form.errors, reference), width: 'medium', maxlength: 100, autocomplete: 'off', spellcheck: false }) : ''}
    <button type="submit" class="${style}">${label}</button>
  </form>
</div>`;
})}`;
  }

  /** Notes and messages, who holds the file, and (technical team) the planned site visit. */
  function caseworkSection(req: FastifyRequest, actor: Actor, view: CaseView, form: FormState): SafeHtml {
    const lang = req.lang;
    const { app, workflow, notes, colleagues } = view;
    const values = form.values ?? {};
    const holders = colleagues.filter((c) => actionsFor(workflow, app.state, c.role as Role).length > 0);
    const holder = colleagues.find((c) => c.id === app.assigned_to);
    const technicians = colleagues.filter((c) => c.role === 'technical');
    const canPlan = actor.role === 'technical' && actionsFor(workflow, app.state, 'technical').length > 0;
    return html`<h2 id="case-notes">${t(lang, 'case.notes')}</h2>
${
  notes.length
    ? html`<ul class="card-list">${notes.map(
        (n) =>
          html`<li><p>${n.kind === 'internal' ? tag(t(lang, 'case.note.internal'), 'grey') : tag(t(lang, 'case.note.message'), 'blue')} <span class="muted">${formatDateTime(lang, n.created_at, req.tenant.time_zone)}</span></p><p>${n.body}</p></li>`,
      )}</ul>`
    : html`<p>${t(lang, 'case.notes.none')}</p>`
}
<form method="post" action="/kantor/berkas/${app.id}/catatan" novalidate>${csrfField(req)}
  ${radios({
    lang,
    name: 'note-kind',
    label: t(lang, 'case.note.kind'),
    value: values['note-kind'] ?? 'internal',
    error: errorFor(form.errors, 'note-kind'),
    options: [
      { value: 'internal', label: t(lang, 'case.note.internal') },
      { value: 'to_applicant', label: t(lang, 'case.note.message') },
    ],
  })}
  ${textarea({ lang, name: 'note-body', label: t(lang, 'case.note.body'), value: values['note-body'], error: errorFor(form.errors, 'note-body'), maxlength: 4000 })}
  <button type="submit" class="button button--secondary">${t(lang, 'case.note.save')}</button>
</form>
<h2 id="case-holder">${t(lang, 'case.holder')}</h2>
<p>${holder ? holder.name : t(lang, 'case.holder.none')}</p>
<form method="post" action="/kantor/berkas/${app.id}/pegang" novalidate>${csrfField(req)}
  <div class="form-group${errorFor(form.errors, 'assignee') ? ' form-group--error' : ''}">
    <label class="label" for="${fieldId('assignee')}">${t(lang, 'case.holder.assign')}</label>
    ${errorFor(form.errors, 'assignee') ? html`<p class="error-message">${errorFor(form.errors, 'assignee')}</p>` : ''}
    <select class="input input--medium" id="${fieldId('assignee')}" name="assignee"><option value="">${t(lang, 'case.holder.release')}</option>${holders.map(
      (c) =>
        html`<option value="${c.id}"${c.id === (values.assignee ?? app.assigned_to) ? html` selected` : ''}>${c.name} (${t(lang, `case.role.${c.role as Role}`)})</option>`,
    )}</select>
  </div>
  <button type="submit" class="button button--secondary">${t(lang, 'case.holder.save')}</button>
</form>
${app.inspection_scheduled_for ? html`<p>${t(lang, 'case.plan.current', { date: formatDate(lang, `${app.inspection_scheduled_for}T12:00:00Z`, 'UTC'), officer: colleagues.find((c) => c.id === app.inspection_officer_id)?.name ?? '–' })}</p>` : ''}
${
  canPlan
    ? html`<form method="post" action="/kantor/berkas/${app.id}/jadwal-inspeksi" novalidate>${csrfField(req)}
  <h2 id="case-plan">${t(lang, 'case.plan')}</h2>
  ${textInput({ lang, name: 'plan-date', label: t(lang, 'case.plan.date'), type: 'date', width: 'medium', value: values['plan-date'] ?? app.inspection_scheduled_for ?? undefined, error: errorFor(form.errors, 'plan-date') })}
  <div class="form-group"><label class="label" for="${fieldId('plan-officer')}">${t(lang, 'case.plan.officer')}</label>
  <select class="input input--medium" id="${fieldId('plan-officer')}" name="plan-officer">${technicians.map((c) => html`<option value="${c.id}"${c.id === (app.inspection_officer_id ?? actor.userId) ? html` selected` : ''}>${c.name}</option>`)}</select></div>
  <button type="submit" class="button button--secondary">${t(lang, 'case.plan.save')}</button>
</form>`
    : ''
}`;
  }

  function casePage(
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    view: CaseView,
    form: FormState = {},
    notice: SafeHtml | null = null,
  ): FastifyReply {
    const lang = req.lang;
    const zone = req.tenant.time_zone;
    const { app, definition, workflow, events, sla } = view;
    const state = stateOf(workflow, app.state);
    const answers = JSON.parse(app.answers) as Answers;
    const title = app.number ?? t(lang, 'case.draft');
    const role = (r: string) => ((ROLES as readonly string[]).includes(r) ? t(lang, `case.role.${r as Role}`) : r);
    const actionLabel = (code: string) => {
      const a = workflow.actions.find((x) => x.code === code);
      return a ? loc(lang, a.label) : code === 'create' ? t(lang, 'case.event.create') : code;
    };
    return sendPage(req, reply, {
      title,
      back: '/kantor',
      errors: form.errors,
      ...(form.status ? { status: form.status } : {}),
      notice,
      body: html`<p class="caption">${loc(lang, definition.name)}</p>
<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(state.kind, state.code, loc(lang, state.label)) },
  {
    key: t(lang, 'case.sla'),
    value: html`${tag(t(lang, `case.sla.${sla.status}`), SLA_COLOUR[sla.status])}${
      sla.dueDate ? html` ${t(lang, 'office.queue.due', { date: formatDate(lang, `${sla.dueDate}T12:00:00Z`, 'UTC') })}` : ''
    }<br><span class="muted">${t(lang, 'case.sla.days', { used: sla.usedWorkingDays, allowed: sla.slaWorkingDays })}</span>`,
  },
  { key: t(lang, 'case.applicant'), value: app.applicant_name },
  { key: t(lang, 'detail.channel'), value: `${t(lang, `channel.${app.channel}`)}${app.channel_detail ? ` (${app.channel_detail})` : ''}` },
  { key: t(lang, 'case.intake'), value: app.intake_officer_id ? t(lang, 'case.intake.office') : t(lang, 'case.intake.online') },
  ...(app.submitted_at ? [{ key: t(lang, 'detail.submitted'), value: formatDateTime(lang, app.submitted_at, zone) }] : []),
  ...(app.fee_amount !== null
    ? [
        {
          key: t(lang, 'case.fee'),
          value: app.fee_paid_at
            ? t(lang, 'case.fee.paid', {
                amount: formatRupiah(app.fee_amount),
                date: formatDateTime(lang, app.fee_paid_at, zone),
                reference: app.payment_reference ?? '',
              })
            : t(lang, 'case.fee.unpaid', { amount: formatRupiah(app.fee_amount) }),
        },
      ]
    : []),
])}
${permitsSection(req, actor, view, form)}
${actionsSection(req, actor, view, form)}
<h2 id="case-answers">${t(lang, 'check.answers')}</h2>
${summaryList(definition.fields.map((f) => ({ key: loc(lang, f.label), value: displayAnswer(lang, f, answers[f.name]) })))}
${documentsSection(req, actor, view, form)}
${inspectionSection(req, actor, view, form)}
${caseworkSection(req, actor, view, form)}
<h2 id="case-timeline">${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${events.map(
        (e) =>
          html`<li><strong>${actionLabel(e.action)}</strong> → ${loc(lang, stateOf(workflow, e.to_state).label)}<br><span class="muted">${formatDateTime(lang, e.created_at, zone)}${
            e.actor_role ? html` · ${t(lang, 'case.event.by', { role: role(e.actor_role) })}` : ''
          }</span>${e.reason ? html`<br>${t(lang, 'detail.reason', { reason: e.reason })}` : ''}</li>`,
      )}</ol>`,
    });
  }

  /** Re-renders the unchanged case with the problems of a refused form, at the service's status (400/409). */
  async function refused(req: FastifyRequest, reply: FastifyReply, actor: Actor, id: string, form: FormState): Promise<FastifyReply> {
    return casePage(req, reply, actor, await load(actor, id), { status: 400, ...form });
  }

  /** Errors a page cannot recover from go to the error pages; the rest become an error summary. */
  const recoverable = (err: unknown): err is AppError =>
    err instanceof AppError && err.code !== 'forbidden' && err.code !== 'not_found' && err.code !== 'unauthenticated';

  // ---- Inspection photos ----
  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/foto-inspeksi', { schema: { hide: true } }, async (req, reply) => {
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const part = req.isMultipart() ? await req.file({ limits: { fileSize: services.config.maxUploadBytes, files: 1 } }) : undefined;
    const csrf = part?.fields._csrf;
    checkCsrf(req, { _csrf: csrf && !Array.isArray(csrf) && 'value' in csrf ? csrf.value : undefined });
    if (!part || !part.filename) {
      part?.file.resume();
      return refused(req, reply, actor, req.params.id, { errors: [{ field: 'photo', message: t(req.lang, 'docs.required.missing') }] });
    }
    try {
      await services.documents.uploadInspectionPhoto({
        actor,
        applicationId: req.params.id,
        fileName: part.filename,
        claimedType: part.mimetype,
        source: part.file,
      });
    } catch (err) {
      part.file.resume();
      if (!recoverable(err)) throw err;
      return refused(req, reply, actor, req.params.id, { errors: [{ field: 'photo', message: errorMessage(req, err) }] });
    }
    return reply.redirect(`/kantor/berkas/${req.params.id}?tersimpan=inspeksi#case-inspection`, 303);
  });

  // ---- Notes and messages, holder, inspection plan ----
  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/catatan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const values = { 'note-kind': field(req.body, 'note-kind', 20), 'note-body': field(req.body, 'note-body', 4001) };
    const kind = values['note-kind'] === 'to_applicant' ? 'to_applicant' : 'internal';
    if (!values['note-body'].trim())
      return refused(req, reply, actor, req.params.id, {
        values,
        errors: [{ field: 'note-body', message: requiredMessage(req.lang, t(req.lang, 'case.note.body')) }],
      });
    if (values['note-body'].length > 4000)
      return refused(req, reply, actor, req.params.id, { values, errors: [{ field: 'note-body', message: t(req.lang, 'case.note.too_long') }] });
    await services.casework.addNote({ actor, applicationId: req.params.id, kind, body: values['note-body'] });
    return reply.redirect(`/kantor/berkas/${req.params.id}#case-notes`, 303);
  });

  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/pegang', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const assignee = field(req.body, 'assignee', 40);
    try {
      await services.casework.assign({ actor, applicationId: req.params.id, assigneeId: assignee || null });
    } catch (err) {
      if (!recoverable(err)) throw err;
      return refused(req, reply, actor, req.params.id, { values: { assignee }, errors: [{ field: 'assignee', message: errorMessage(req, err) }] });
    }
    return reply.redirect(`/kantor/berkas/${req.params.id}#case-holder`, 303);
  });

  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/jadwal-inspeksi', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const values = { 'plan-date': field(req.body, 'plan-date', 10), 'plan-officer': field(req.body, 'plan-officer', 40) };
    try {
      await services.casework.scheduleInspection({ actor, applicationId: req.params.id, date: values['plan-date'], officerId: values['plan-officer'] });
    } catch (err) {
      if (!recoverable(err) && !(err instanceof AppError && err.code === 'not_found')) throw err;
      return refused(req, reply, actor, req.params.id, {
        values,
        errors: [{ field: 'plan-date', message: err.details.fields ? fieldErrors(req, err.details.fields)[0]!.message : errorMessage(req, err) }],
      });
    }
    return reply.redirect(`/kantor/berkas/${req.params.id}#case-plan`, 303);
  });

  // ---- Case view ----
  app.get<{ Params: { id: string }; Querystring: { ok?: string; tersimpan?: string } }>(
    '/kantor/berkas/:id',
    { schema: { hide: true } },
    async (req, reply) => {
      const actor = officer(req, reply, req.params.id);
      if (!actor) return reply;
      const view = await load(actor, req.params.id);
      return casePage(req, reply, actor, view, {}, noticeFor(req, view, req.query));
    },
  );

  // ---- A document, shown in the browser; every officer view is audited by the service ----
  app.get<{ Params: { id: string; docId: string } }>(
    '/kantor/berkas/:id/dokumen/:docId',
    {
      schema: { hide: true },
      // Runs after the app-wide security headers, so the file gets its own, stricter policy (error pages keep theirs).
      onSend: async (_req, reply, payload) => {
        if (reply.statusCode === 200 && String(reply.getHeader('content-disposition') ?? '').startsWith('inline')) {
          reply.header('content-security-policy', DOCUMENT_CSP);
        }
        return payload;
      },
    },
    async (req, reply) => {
      const actor = officer(req, reply, req.params.id);
      if (!actor) return reply;
      if (!UUID.test(req.params.id) || !UUID.test(req.params.docId)) throw new AppError('not_found', 'bad id');
      const { doc, stream } = await services.documents.openDocument({ actor, applicationId: req.params.id, documentId: req.params.docId });
      return reply
        .header('content-type', doc.media_type)
        .header('content-disposition', inlineDisposition(doc.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  // ---- Document checklist ----
  app.post<{ Params: { id: string; docId: string } }>('/kantor/berkas/:id/dokumen/:docId/periksa', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const { id, docId } = req.params;
    if (!UUID.test(docId)) throw new AppError('not_found', 'bad id');
    const view = await load(actor, id);
    const doc = view.docs.find((d) => d.id === docId);
    const requirement = doc ? view.definition.requirements.find((r) => r.code === doc.requirement_code) : undefined;
    const name = requirement ? loc(req.lang, requirement.name) : '';
    const statusName = docField(docId, 'status');
    const reasonName = docField(docId, 'reason');
    const status = field(req.body, statusName, 10);
    const reason = field(req.body, reasonName, 1000);
    const values = { [statusName]: status, [reasonName]: reason };
    const errors: FieldError[] = [];
    if (status !== 'accepted' && status !== 'refused') errors.push({ field: statusName, message: t(req.lang, 'case.review.choose', { name }) });
    else if (status === 'refused' && !reason.trim()) errors.push({ field: reasonName, message: t(req.lang, 'case.review.reason.required', { name }) });
    if (errors.length) return casePage(req, reply, actor, view, { errors, values, status: 400 });
    try {
      await services.documents.reviewDocument({ actor, applicationId: id, documentId: docId, status: status as 'accepted' | 'refused', reason });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const problems = err.details.fields
        ? fieldErrors(req, err.details.fields, (f) => (f === 'reason' ? reasonName : statusName)).map((e) => ({ ...e, message: `${name}: ${e.message}` }))
        : [{ field: statusName, message: errorMessage(req, err), href: doc ? `#${fieldId(statusName)}` : '#case-documents' }];
      return refused(req, reply, actor, id, { errors: problems, values, status: err.status });
    }
    return reply.redirect(`/kantor/berkas/${id}?tersimpan=dokumen`, 303);
  });

  // ---- Workflow actions ----
  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/tindakan', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const { id } = req.params;
    const view = await load(actor, id);
    const lang = req.lang;
    const code = field(req.body, 'action', 40);
    // An action this role never takes is refused as such (403), whatever state the case is in; the
    // service checks the state first, which would answer 409 and tell the wrong story here.
    const known = view.workflow.actions.filter((a) => a.code === code);
    if (known.length > 0 && !known.some((a) => a.roles.includes(actor.role))) throw new AppError('forbidden', `role ${actor.role} never takes ${code}`);
    const chosen = availableActions(actor, view.app, view.workflow, view.facts).find((a) => a.code === code);
    const names = { reason: actionField(code, 'reason'), fee: actionField(code, 'fee'), reference: actionField(code, 'reference') };
    const reason = field(req.body, names.reason, 1000);
    const feeText = field(req.body, names.fee, 30);
    const reference = field(req.body, names.reference, 100);
    const values = { [names.reason]: reason, [names.fee]: feeText, [names.reference]: reference };

    // Checked here first for messages that name the field; the service checks the same again.
    const errors: FieldError[] = [];
    let feeAmount: number | undefined;
    if (chosen) {
      const label = loc(lang, chosen.label);
      if (chosen.requiresReason && !reason.trim())
        errors.push({ field: names.reason, message: requiredMessage(lang, t(lang, 'case.action.reason', { action: label })) });
      if (chosen.input === 'fee_amount') {
        const parsed = parseRupiah(feeText);
        if (!feeText.trim()) errors.push({ field: names.fee, message: requiredMessage(lang, t(lang, 'case.action.fee')) });
        else if (parsed === null) errors.push({ field: names.fee, message: t(lang, 'case.action.fee.invalid') });
        else feeAmount = parsed;
      }
      if (chosen.input === 'payment_reference' && !reference.trim())
        errors.push({ field: names.reference, message: requiredMessage(lang, t(lang, 'case.action.reference')) });
    }
    if (errors.length) return casePage(req, reply, actor, view, { errors, values, status: 400 });

    try {
      await services.applications.performAction({
        actor,
        applicationId: id,
        action: code,
        reason: reason.trim() || undefined,
        feeAmount,
        paymentReference: reference.trim() || undefined,
      });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const rename: Record<string, string> = { reason: names.reason, feeAmount: names.fee, paymentReference: names.reference };
      const problems: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, (f) => rename[f] ?? f).map((e) =>
            chosen && Object.values(rename).includes(e.field) ? e : { ...e, href: '#case-actions' },
          )
        : [{ field: 'action', message: errorMessage(req, err), href: '#case-actions' }];
      return refused(req, reply, actor, id, { errors: problems, values, status: err.status });
    }
    return reply.redirect(`/kantor/berkas/${id}?ok=${encodeURIComponent(code)}`, 303);
  });

  // ---- Issued permits: download (every officer, audited), revoke and re-issue (head of office) ----
  /** A permit of this file, or not found: the id in the address is checked against the file. */
  function permitOf(view: CaseView, permitId: string) {
    const permit = UUID.test(permitId) ? view.permits.find((p) => p.id === permitId) : undefined;
    if (!permit) throw new AppError('not_found', 'no such permit on this file');
    return permit;
  }

  app.get<{ Params: { id: string; permitId: string } }>('/kantor/berkas/:id/izin/:permitId.pdf', { schema: { hide: true } }, async (req, reply) => {
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const { id, permitId } = req.params;
    if (!UUID.test(id) || !UUID.test(permitId)) throw new AppError('not_found', 'bad id');
    // Checked before opening: opening is audited, and this address names one file's permit.
    if ((await services.permits.getPermit({ actor, permitId })).applicationId !== id) throw new AppError('not_found', 'no such permit on this file');
    const { permit, stream } = await services.permits.openPdf({ actor, permitId });
    return sendPermitPdf(reply, permit, stream);
  });

  /** A head-of-office form on one permit of this file: anti-forgery, officer, file, permit and role are checked before `handle`. */
  const headPermitForm = (
    path: string,
    what: string,
    handle: (
      req: FastifyRequest,
      reply: FastifyReply,
      c: { actor: Actor; id: string; view: CaseView; permit: CaseView['permits'][number] },
    ) => Promise<FastifyReply>,
  ) =>
    app.post<{ Params: { id: string; permitId: string } }>(`/kantor/berkas/:id/izin/:permitId/${path}`, { schema: { hide: true } }, async (req, reply) => {
      checkCsrf(req, req.body);
      const actor = officer(req, reply, req.params.id);
      if (!actor) return reply;
      const view = await load(actor, req.params.id);
      const permit = permitOf(view, req.params.permitId);
      if (actor.role !== 'head') throw new AppError('forbidden', `only the head of office ${what}`);
      return handle(req, reply, { actor, id: req.params.id, view, permit });
    });

  headPermitForm('cabut', 'revokes a permit', async (req, reply, { actor, id, view, permit }) => {
    const lang = req.lang;
    const reasonName = permitField(permit.id, 'revoke-reason');
    const reason = field(req.body, reasonName, 1000);
    const values = { [reasonName]: reason };
    if (reason.trim().length < 5) {
      return casePage(req, reply, actor, view, {
        errors: [{ field: reasonName, message: t(lang, 'case.permit.reason.short', { label: t(lang, 'case.permit.revoke.reason') }) }],
        values,
        status: 400,
      });
    }
    try {
      await services.permits.revoke({ actor, permitId: permit.id, reason });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const errors: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, () => reasonName).map((e) => ({ ...e, message: `${t(lang, 'case.permit.revoke.reason')}: ${e.message}` }))
        : [{ field: reasonName, message: errorMessage(req, err), href: '#case-permits' }];
      return refused(req, reply, actor, id, { errors, values, status: err.status });
    }
    return reply.redirect(`/kantor/berkas/${id}?tersimpan=izin-dicabut#case-permits`, 303);
  });

  headPermitForm('terbitkan-ulang', 're-issues a permit', async (req, reply, { actor, id, view, permit }) => {
    const lang = req.lang;
    const names = { reason: permitField(permit.id, 'reissue-reason'), holder: permitField(permit.id, 'reissue-holder') };
    const reason = field(req.body, names.reason, 1000);
    const holder = field(req.body, names.holder, 300);
    const values = { [names.reason]: reason, [names.holder]: holder };
    const errors: FieldError[] = [];
    if (!holder.trim()) errors.push({ field: names.holder, message: requiredMessage(lang, t(lang, 'case.permit.reissue.holder')) });
    else if (holder.trim().length > 200) errors.push({ field: names.holder, message: t(lang, 'case.permit.reissue.holder.too_long') });
    if (reason.trim().length < 5)
      errors.push({ field: names.reason, message: t(lang, 'case.permit.reason.short', { label: t(lang, 'case.permit.reissue.reason') }) });
    if (errors.length) return casePage(req, reply, actor, view, { errors, values, status: 400 });
    try {
      const holderName = holder.trim();
      await services.permits.reissue({ actor, permitId: permit.id, reason, holderName: holderName === permit.holderName ? undefined : holderName });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const rename: Record<string, string> = { reason: names.reason, holderName: names.holder };
      const problems: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, (f) => rename[f] ?? f).map((e) =>
            Object.values(rename).includes(e.field) ? e : { ...e, href: '#case-permits' },
          )
        : [{ field: names.reason, message: errorMessage(req, err), href: '#case-permits' }];
      return refused(req, reply, actor, id, { errors: problems, values, status: err.status });
    }
    return reply.redirect(`/kantor/berkas/${id}?tersimpan=izin-terbit-ulang#case-permits`, 303);
  });

  // ---- Field inspection ----
  app.post<{ Params: { id: string } }>('/kantor/berkas/:id/inspeksi', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = officer(req, reply, req.params.id);
    if (!actor) return reply;
    const { id } = req.params;
    const view = await load(actor, id);
    const lang = req.lang;
    const result = field(req.body, INSPECTION_RESULT, 10);
    const findings = field(req.body, INSPECTION_FINDINGS, 4000);
    const values = { [INSPECTION_RESULT]: result, [INSPECTION_FINDINGS]: findings };
    const errors: FieldError[] = [];
    if (result !== 'pass' && result !== 'fail') errors.push({ field: INSPECTION_RESULT, message: t(lang, 'case.inspection.choose') });
    if (!findings.trim()) errors.push({ field: INSPECTION_FINDINGS, message: requiredMessage(lang, t(lang, 'case.inspection.findings')) });
    if (errors.length) return casePage(req, reply, actor, view, { errors, values, status: 400 });
    try {
      await services.documents.recordInspection({ actor, applicationId: id, result: result as 'pass' | 'fail', findings });
    } catch (err) {
      if (!recoverable(err)) throw err;
      return refused(req, reply, actor, id, {
        errors: [{ field: INSPECTION_RESULT, message: errorMessage(req, err), href: '#case-inspection' }],
        values,
        status: err.status,
      });
    }
    return reply.redirect(`/kantor/berkas/${id}?tersimpan=inspeksi`, 303);
  });
}
