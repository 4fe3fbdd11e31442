import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { t } from '../web/i18n.js';
import { LEGAL_BASES, type ProcessingRecord } from './processing-record.schema.js';

/**
 * The public part of the record of processing (UU PDP art. 31 and the data subject's right to know,
 * art. 5–7), rendered from docs/privacy/processing-record.json so the notice cannot drift from the
 * record: one section per activity with its purpose, legal basis, data (specific data marked), people,
 * recipients, retention and safeguards. Table and column names stay out: they mean nothing to a citizen.
 */
export function processingRecordSection(lang: Lang, record: ProcessingRecord): SafeHtml {
  const category = new Map(record.categories.map((c) => [c.id, c]));
  const subject = new Map(record.subjects.map((s) => [s.id, s]));
  const recipient = new Map(record.recipients.map((r) => [r.id, r]));
  const activities = record.activities.map((a) => {
    const cats = [...new Set(a.data.map((d) => d.category))].map((id) => category.get(id)!);
    const notes = a.data.flatMap((d) => (d.note ? [d.note[lang]] : []));
    return html`<section class="privacy-activity" data-activity="${a.id}" aria-labelledby="activity-${a.id}">
<h3 id="activity-${a.id}">${a.name[lang]}</h3>
<dl class="summary-list">
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.purpose')}</dt><dd class="summary-list__value">${a.purpose[lang]}</dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.basis')}</dt><dd class="summary-list__value"><ul>${a.legalBasis.map(
      (b) => html`<li data-basis="${b}">${LEGAL_BASES[b][lang]} (UU PDP ${LEGAL_BASES[b].article[lang]})</li>`,
    )}</ul>${a.legalBasisNote[lang]}</dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.subjects')}</dt><dd class="summary-list__value"><ul>${a.subjects.map((s) => html`<li>${subject.get(s)!.name[lang]}</li>`)}</ul></dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.data')}</dt><dd class="summary-list__value"><ul>${cats.map(
      (c) =>
        html`<li data-category="${c.id}">${c.name[lang]}${c.specific ? html` <strong class="tag tag--red" data-specific>${t(lang, 'privacy.record.specific')}</strong> (${c.article ?? ''})` : ''}</li>`,
    )}</ul>${notes.map((n) => html`<p>${n}</p>`)}</dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.recipients')}</dt><dd class="summary-list__value">${
      a.recipients.length
        ? html`<ul>${a.recipients.map((id) => {
            const r = recipient.get(id)!;
            return html`<li data-recipient="${id}">${r.name[lang]}: ${r.what[lang]}</li>`;
          })}</ul>`
        : t(lang, 'privacy.record.none')
    }</dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.retention')}</dt><dd class="summary-list__value">${a.retention[lang]}</dd></div>
<div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'privacy.record.safeguards')}</dt><dd class="summary-list__value"><ul>${a.safeguards.map((s) => html`<li>${s[lang]}</li>`)}</ul></dd></div>
</dl>
</section>`;
  });
  return html`<section aria-labelledby="processing-record" data-record-version="${record.version}">
<h2 id="processing-record">${t(lang, 'privacy.record.title')}</h2>
<p>${t(lang, 'privacy.record.lead', { version: record.version })}</p>
<p><strong>${t(lang, 'privacy.record.controller')}</strong> ${record.controller.name[lang]}. ${record.controller.contact[lang]}</p>
<p>${t(lang, 'privacy.record.specific.lead')}</p>
${activities}
<h2 id="privacy-rights">${t(lang, 'privacy.record.rights')}</h2>
<p>${t(lang, 'privacy.record.rights.text')}</p>
<p>${t(lang, 'privacy.record.breach')}</p>
</section>`;
}
