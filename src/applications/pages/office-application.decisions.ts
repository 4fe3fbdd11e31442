import type { FastifyRequest } from 'fastify';
import { formatVerificationCode } from '../../permits/permit.document.js';
import { PRECONDITION_MESSAGES } from '../../shared/messages.js';
import { banner, csrfField, errorFor, summaryList, textarea, textInput } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { feeBreakdownRows } from '../../fees/fees.views.js';
import { formatDateTime, formatRupiah, loc, t } from '../../web/i18n.js';
import { errorMessage } from '../../web/views.js';
import { permitStatusTag, validityText } from '../../permits/permits.views.js';
import type { OfficeApplicationView } from '../office-application.service.js';
import { actionField, type FormState, permitField } from './office-application.forms.js';

/** The officers' case page: the workflow's actions for the officer (with the fee worked out), and the issued permits. */

/** The fee the rules give, with how it was reached (the PBG steps, units × rate, the tariff row, a waiver), above the fee input; or why it could not be worked out. */
function feeCalculation(req: FastifyRequest, view: OfficeApplicationView): SafeHtml | string {
  const { fee, definition } = view;
  if (!fee) return '';
  const lang = req.lang;
  if ('problem' in fee) return banner(t(lang, 'case.feecalc.unavailable', { reason: errorMessage(req, fee.problem) }));
  const a = fee.assessment;
  const { amount, breakdown: b, year, dataNote } = a;
  if (!b && !a.calculation && !a.waiver) return '';
  return html`<div class="fee-calculation" id="case-fee-calculation">
  <h4>${b ? t(lang, 'case.feecalc.title', { year }) : t(lang, 'case.feecalc.titleRule', { year })}</h4>
  ${summaryList([...feeBreakdownRows(lang, a, definition.fields), { key: t(lang, 'case.feecalc.amount'), value: html`<strong>${formatRupiah(amount)}</strong>` }])}
  <p>${t(lang, 'case.feecalc.prefilled')}</p>
  ${dataNote ? html`<p class="muted">${t(lang, 'case.feecalc.note', { note: dataNote })}</p>` : ''}
</div>`;
}

/** The workflow's actions for the officer's role (data-driven), each a small form; those not possible yet say why. */
export function actionsSection(req: FastifyRequest, view: OfficeApplicationView, form: FormState): SafeHtml {
  const lang = req.lang;
  const { app, actions, fee } = view;
  const values = form.values ?? {};
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
  const feeName = actionField(a.code, 'fee');
  const reference = actionField(a.code, 'reference');
  const feeReason = actionField(a.code, 'fee-reason');
  const style = a.requiresReason ? (a.closes ? 'button button--warning' : 'button button--secondary') : 'button';
  const prefilled = fee && 'assessment' in fee ? String(fee.assessment.amount) : undefined;
  return html`<div class="case-action">
  <h3>${label}</h3>
  <form method="post" action="/kantor/berkas/${app.id}/tindakan" novalidate>
    ${csrfField(req)}
    <input type="hidden" name="action" value="${a.code}">
    ${a.requiresReason ? textarea({ lang, name: reason, label: t(lang, 'case.action.reason', { action: label }), hint: t(lang, 'case.action.reason.hint'), value: values[reason], error: errorFor(form.errors, reason), maxlength: 1000 }) : ''}
    ${a.input === 'fee_amount' ? feeCalculation(req, view) : ''}
    ${a.input === 'fee_amount' ? textInput({ lang, name: feeName, label: t(lang, 'case.action.fee'), hint: t(lang, 'case.action.fee.hint'), value: values[feeName] ?? prefilled, error: errorFor(form.errors, feeName), inputmode: 'numeric', width: 'medium', maxlength: 20, autocomplete: 'off', spellcheck: false }) : ''}
    ${a.input === 'fee_amount' ? textarea({ lang, name: feeReason, label: t(lang, 'case.action.feeReason'), hint: t(lang, 'case.action.feeReason.hint'), value: values[feeReason], error: errorFor(form.errors, feeReason), optional: true, maxlength: 1000 }) : ''}
    ${a.input === 'payment_reference' ? textInput({ lang, name: reference, label: t(lang, 'case.action.reference'), hint: t(lang, 'case.action.reference.hint'), value: values[reference], error: errorFor(form.errors, reference), width: 'medium', maxlength: 100, autocomplete: 'off', spellcheck: false }) : ''}
    <button type="submit" class="${style}">${label}</button>
  </form>
</div>`;
})}`;
}

/** The issued permits: status, validity, code, download; where the officer may, revoke and re-issue (correction) a valid one. */
export function permitsSection(req: FastifyRequest, view: OfficeApplicationView, form: FormState): SafeHtml | null {
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
    p.can.reissue
      ? html`<div class="permit-actions">
    <h4>${t(lang, 'case.permit.reissue')}</h4>
    <p>${t(lang, 'case.permit.reissue.lead')}</p>
    <form method="post" action="/kantor/berkas/${app.id}/izin/${p.id}/terbitkan-ulang" novalidate>
      ${csrfField(req)}
      ${textInput({ lang, name: reissueHolder, label: t(lang, 'case.permit.reissue.holder'), hint: t(lang, 'case.permit.reissue.holder.hint'), value: values[reissueHolder] ?? p.holderName, error: errorFor(form.errors, reissueHolder), maxlength: 200, autocomplete: 'off', spellcheck: false })}
      ${textarea({ lang, name: reissueReason, label: t(lang, 'case.permit.reissue.reason'), hint: t(lang, 'case.permit.reissue.hint'), value: values[reissueReason], error: errorFor(form.errors, reissueReason), maxlength: 1000 })}
      <button type="submit" class="button button--secondary">${t(lang, 'case.permit.reissue')}<span class="visually-hidden">: ${p.number}</span></button>
    </form>
  </div>`
      : ''
  }${
    p.can.revoke
      ? html`
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
