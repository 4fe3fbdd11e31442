import type { FastifyReply, FastifyRequest } from 'fastify';
import { feeEventNote } from '../../fees/fees.views.js';
import { type ParcelLine, parcelsSection } from '../../parcels/parcels.views.js';
import type { SlaStatus } from '../../sla/sla.js';
import { ROLES, type Role } from '../../workflow/workflow.schema.js';
import { banner, summaryList, tag } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { formatDate, formatDateTime, formatRupiah, loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { displayAnswer, stateTag } from '../../web/views.js';
import type { OfficeApplicationView } from '../office-application.service.js';
import { actionsSection, permitsSection } from './office-application.decisions.js';
import type { FormState } from './office-application.forms.js';
import { documentsSection, inspectionSection, notesSection } from './office-application.sections.js';
import { messagesSection } from '../../notifications/notifications.pages.js';
import { contactHistoryLink } from '../../contacts/contacts.pages.js';
import type { MessageView } from '../../notifications/notifications.service.js';
import type { ApplicationBills } from '../../payments/bills.service.js';
import { officeBillsSection } from '../../payments/bills.views.js';

const SLA_COLOUR: Record<SlaStatus, 'green' | 'yellow' | 'red' | 'grey'> = {
  on_track: 'green',
  due_soon: 'yellow',
  overdue: 'red',
  paused: 'grey',
  not_started: 'grey',
  closed: 'grey',
};

/** What was just saved, named by the address the form redirected to. */
const SAVED = {
  dokumen: 'case.review.saved',
  inspeksi: 'case.inspection.saved',
  'izin-dicabut': 'case.permit.revoked',
  'izin-terbit-ulang': 'case.permit.reissued',
} as const;
export type SavedKey = keyof typeof SAVED;

/** The success banner after a form: something saved, or a workflow action taken (`ok` = its code). */
export function noticeFor(lang: FastifyRequest['lang'], view: OfficeApplicationView, query: { ok?: string | undefined; tersimpan?: SavedKey | undefined }) {
  if (query.tersimpan) return banner(t(lang, SAVED[query.tersimpan]), 'success');
  const done = query.ok ? view.workflow.actions.find((a) => a.code === query.ok) : undefined;
  return done ? banner(t(lang, 'case.action.done', { action: loc(lang, done.label) }), 'success') : null;
}

/** The officers' view of one application: summary, permits, actions, answers, documents, inspection, notes, timeline. */
export function sendOfficeApplicationPage(
  req: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  /** With `messages`, the page shows each message's delivery state (notifications/). */
  view: OfficeApplicationView & {
    messages?: readonly MessageView[];
    /** The file's courier parcels (src/parcels/). */ parcels?: readonly ParcelLine[];
    /** The file's bills (SKRD) and payments (src/payments/bills.views.ts). */ bills?: ApplicationBills;
  },
  form: FormState = {},
  notice: SafeHtml | null = null,
): FastifyReply {
  const lang = req.lang;
  const zone = req.tenant.time_zone;
  const { app, definition, state, sla, slaProvisional, answers } = view;
  const title = app.number ?? t(lang, 'case.draft');
  const role = (r: string) => ((ROLES as readonly string[]).includes(r) ? t(lang, `case.role.${r as Role}`) : r);
  return sendPage(req, reply, {
    title,
    back: '/kantor',
    errors: form.errors,
    ...(form.status ? { status: form.status } : {}),
    notice,
    body: html`<p class="caption">${loc(lang, definition.name)}</p>
<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(lang, state) },
  {
    key: t(lang, 'case.sla'),
    value: html`${tag(t(lang, `case.sla.${sla.status}`), SLA_COLOUR[sla.status])}${
      sla.dueDate ? html` ${t(lang, 'office.queue.due', { date: formatDate(lang, `${sla.dueDate}T12:00:00Z`, 'UTC') })}` : ''
    }${sla.dueDate && slaProvisional ? html` <strong data-sla-provisional>${t(lang, 'sla.provisional', { year: Number(sla.dueDate.slice(0, 4)) })}</strong>` : ''}<br><span class="muted">${t(lang, 'case.sla.days', { used: sla.usedWorkingDays, allowed: sla.slaWorkingDays })}</span>`,
  },
  { key: t(lang, 'case.applicant'), value: html`${app.applicant_name}${contactHistoryLink(req, app)}` },
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
${permitsSection(req, view, form)}
${view.bills ? officeBillsSection(req, view.bills, form) : ''}
${actionsSection(req, view, form)}
<h2 id="case-answers">${t(lang, 'check.answers')}</h2>
${summaryList(definition.fields.map((f) => ({ key: loc(lang, f.label), value: displayAnswer(lang, f, answers[f.name]) })))}
${documentsSection(req, view, form)}
${inspectionSection(req, view, form)}
${notesSection(req, view, form, userId)}
${view.messages ? messagesSection(lang, view.messages, zone) : ''}
${view.parcels ? parcelsSection(lang, view.parcels, zone) : ''}
<h2 id="case-timeline">${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${view.timeline.map(
      ({ event: e, action, created, toState }) =>
        html`<li><strong>${action ? loc(lang, action) : created ? t(lang, 'case.event.create') : e.action}</strong> → ${loc(lang, toState)}<br><span class="muted">${formatDateTime(lang, e.created_at, zone)}${
          e.actor_role ? html` · ${t(lang, 'case.event.by', { role: role(e.actor_role) })}` : ''
        }</span>${e.reason ? html`<br>${t(lang, 'detail.reason', { reason: e.reason })}` : ''}${feeEventNote(lang, e.data)}</li>`,
    )}</ol>`,
  });
}
