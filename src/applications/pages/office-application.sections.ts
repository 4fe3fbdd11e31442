import type { FastifyRequest } from 'fastify';
import type { Document } from '../../db/schema.js';
import { csrfField, errorFor, fieldId, fileUpload, radios, summaryList, tag, textarea, textInput } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { formatDate, formatDateTime, loc, t } from '../../web/i18n.js';
import type { OfficeApplicationView } from '../office-application.service.js';
import { docField, type FormState, INSPECTION_FINDINGS, INSPECTION_RESULT } from './office-application.forms.js';

/** The officers' case page: documents, field inspection, notes and who holds the file. */

const REVIEW_COLOUR = { pending: 'grey', accepted: 'green', refused: 'red' } as const;
const PHOTO_MAX_BYTES = 10 * 1048576;

/** The document checklist; the review forms where the officer may review now. */
export function documentsSection(req: FastifyRequest, view: OfficeApplicationView, form: FormState): SafeHtml {
  const lang = req.lang;
  const { app, definition, docs } = view;
  const byReq = new Map(docs.map((d) => [d.requirement_code, d]));
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
  ${view.can.review ? reviewForm(d, name) : ''}`
      : html`<p>${tag(t(lang, 'docs.missing'), 'grey')}</p>`
  }
</li>`;
  })}</ul>`;
}

/** The field inspection: what was found, the photos, and the technical team's forms while the file is with them. */
export function inspectionSection(req: FastifyRequest, view: OfficeApplicationView, form: FormState): SafeHtml | null {
  const lang = req.lang;
  const { app, inspection } = view;
  if (!inspection.shown) return null;
  const { record, photos } = inspection;
  const values = form.values ?? {};
  return html`<h2 id="case-inspection">${t(lang, 'case.inspection')}</h2>
${
  record
    ? summaryList([
        {
          key: t(lang, 'case.inspection.result'),
          value: record.result === 'pass' ? tag(t(lang, 'case.inspection.pass'), 'green') : tag(t(lang, 'case.inspection.fail'), 'red'),
        },
        { key: t(lang, 'case.inspection.findings'), value: record.findings },
        ...(record.recordedAt ? [{ key: t(lang, 'case.inspection.recorded'), value: formatDateTime(lang, record.recordedAt, req.tenant.time_zone) }] : []),
      ])
    : html`<p>${t(lang, 'case.inspection.none')}</p>`
}
${
  photos.length
    ? html`<h3>${t(lang, 'case.photos')}</h3><ul>${photos.map((d, i) => html`<li><a href="/kantor/berkas/${app.id}/dokumen/${d.id}">${t(lang, 'case.photo', { n: i + 1 })}</a> <span class="muted">${d.file_name}</span></li>`)}</ul>`
    : ''
}
${
  view.can.addPhotos
    ? html`<form method="post" action="/kantor/berkas/${app.id}/foto-inspeksi" enctype="multipart/form-data" novalidate>
  ${csrfField(req)}
  ${fileUpload({ lang, name: 'photo', label: t(lang, 'case.photo.add'), hint: t(lang, 'case.photo.hint'), error: errorFor(form.errors, 'photo'), accept: '.jpg,.jpeg,.png', maxBytes: PHOTO_MAX_BYTES })}
  <button type="submit" class="button button--secondary">${t(lang, 'case.photo.save')}</button>
</form>`
    : ''
}
${
  view.can.recordInspection
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

/** Notes and messages, who holds the file, and (technical team) the planned site visit. */
export function notesSection(req: FastifyRequest, view: OfficeApplicationView, form: FormState, userId: string): SafeHtml {
  const lang = req.lang;
  const { app, notes, holder, holders, inspectors, inspectionPlan } = view;
  const values = form.values ?? {};
  const assigneeError = errorFor(form.errors, 'assignee');
  return html`<h2 id="case-notes">${t(lang, 'case.notes')}</h2>
${
  notes.length
    ? html`<ul class="card-list">${notes.map(
        (n) =>
          html`<li><p>${n.kind === 'internal' ? tag(t(lang, 'case.note.internal'), 'grey') : tag(t(lang, 'case.note.message'), 'blue')} <span class="muted">${formatDateTime(lang, n.created_at, req.tenant.time_zone)}</span></p><p>${n.body}</p></li>`,
      )}</ul>`
    : html`<p>${t(lang, 'case.notes.none')}</p>`
}
${
  view.can.addNote
    ? html`<form method="post" action="/kantor/berkas/${app.id}/catatan" novalidate>${csrfField(req)}
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
</form>`
    : ''
}
<h2 id="case-holder">${t(lang, 'case.holder')}</h2>
<p>${holder ? holder.name : t(lang, 'case.holder.none')}</p>
${
  view.can.assign
    ? html`<form method="post" action="/kantor/berkas/${app.id}/pegang" novalidate>${csrfField(req)}
  <div class="form-group${assigneeError ? ' form-group--error' : ''}">
    <label class="label" for="${fieldId('assignee')}">${t(lang, 'case.holder.assign')}</label>
    ${assigneeError ? html`<p class="error-message">${assigneeError}</p>` : ''}
    <select class="input input--medium" id="${fieldId('assignee')}" name="assignee"><option value="">${t(lang, 'case.holder.release')}</option>${holders.map(
      (c) =>
        html`<option value="${c.id}"${c.id === (values.assignee ?? app.assigned_to) ? html` selected` : ''}>${c.name} (${t(lang, `case.role.${c.role}`)})</option>`,
    )}</select>
  </div>
  <button type="submit" class="button button--secondary">${t(lang, 'case.holder.save')}</button>
</form>`
    : ''
}
${inspectionPlan ? html`<p>${t(lang, 'case.plan.current', { date: formatDate(lang, `${inspectionPlan.date}T12:00:00Z`, 'UTC'), officer: inspectionPlan.officer?.name ?? '–' })}</p>` : ''}
${
  view.can.scheduleInspection
    ? html`<form method="post" action="/kantor/berkas/${app.id}/jadwal-inspeksi" novalidate>${csrfField(req)}
  <h2 id="case-plan">${t(lang, 'case.plan')}</h2>
  ${textInput({ lang, name: 'plan-date', label: t(lang, 'case.plan.date'), type: 'date', width: 'medium', value: values['plan-date'] ?? app.inspection_scheduled_for ?? undefined, error: errorFor(form.errors, 'plan-date') })}
  <div class="form-group"><label class="label" for="${fieldId('plan-officer')}">${t(lang, 'case.plan.officer')}</label>
  <select class="input input--medium" id="${fieldId('plan-officer')}" name="plan-officer">${inspectors.map((c) => html`<option value="${c.id}"${c.id === (app.inspection_officer_id ?? userId) ? html` selected` : ''}>${c.name}</option>`)}</select></div>
  <button type="submit" class="button button--secondary">${t(lang, 'case.plan.save')}</button>
</form>`
    : ''
}`;
}
