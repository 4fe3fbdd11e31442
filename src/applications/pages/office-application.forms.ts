import { z } from 'zod';
import type { Lang } from '../../shared/messages.js';
import type { FieldError } from '../../web/components.js';
import { t } from '../../web/i18n.js';
import { requiredMessage } from '../../web/views.js';
import type { OfficeApplicationView } from '../office-application.service.js';

/**
 * The forms of the officers' case page, as zod schemas in the visitor's language. A page with many
 * small forms prefixes each form's field names (with the document, action or permit), so that ids
 * stay unique; those schemas are built per form.
 */

/** What the page shows besides the application: problems from a form just sent, what was typed into it, the status to answer with. */
export type FormState = { errors?: FieldError[]; values?: Record<string, string>; status?: number };

/** A text field: missing reads as empty, cut at `max` (the input's maxlength). */
const text = (max: number) =>
  z
    .string()
    .default('')
    .transform((s) => s.slice(0, max));

export const docField = (docId: string, name: 'status' | 'reason') => `doc-${docId}-${name}`;
export const actionField = (code: string, name: 'reason' | 'fee' | 'fee-reason' | 'reference') => `action-${code}-${name}`;
export const permitField = (permitId: string, name: 'revoke-reason' | 'reissue-reason' | 'reissue-holder') => `permit-${permitId}-${name}`;
export const INSPECTION_RESULT = 'inspection-result';
export const INSPECTION_FINDINGS = 'inspection-findings';

/** Whole rupiah as an officer types it: 6176270, 6.176.270 or "Rp 6.176.270". Null when it is not one. */
export function parseRupiah(raw: string): number | null {
  const s = raw
    .trim()
    .replace(/^rp\.?\s*/i, '')
    .replace(/\s/g, '');
  if (!/^\d+$/.test(s) && !/^\d{1,3}(\.\d{3})+$/.test(s)) return null;
  const n = Number(s.replace(/\./g, ''));
  return Number.isSafeInteger(n) ? n : null;
}

/** Accept a document, or refuse it with a reason the applicant will read. */
export function reviewForm(lang: Lang, docId: string, name: string) {
  const status = docField(docId, 'status');
  const reason = docField(docId, 'reason');
  return z
    .object({ [status]: text(10), [reason]: text(1000) })
    .superRefine((f, ctx) => {
      const chosen = f[status];
      if (chosen !== 'accepted' && chosen !== 'refused') ctx.addIssue({ code: 'custom', path: [status], message: t(lang, 'case.review.choose', { name }) });
      else if (chosen === 'refused' && !f[reason]?.trim())
        ctx.addIssue({ code: 'custom', path: [reason], message: t(lang, 'case.review.reason.required', { name }) });
    })
    .transform((f) => ({ status: f[status] === 'refused' ? ('refused' as const) : ('accepted' as const), reason: f[reason] ?? '' }));
}

type Action = OfficeApplicationView['actions'][number];

/**
 * A workflow action's form: the reason, fee or payment reference it asks for, checked here for
 * messages that name the field (the service checks the same again). An action not offered has no fields.
 */
export function actionForm(lang: Lang, code: string, chosen: Action | undefined) {
  const names = {
    reason: actionField(code, 'reason'),
    fee: actionField(code, 'fee'),
    feeReason: actionField(code, 'fee-reason'),
    reference: actionField(code, 'reference'),
  };
  const label = chosen ? chosen.label[lang] : '';
  return z
    .object({ [names.reason]: text(1000), [names.fee]: text(30), [names.feeReason]: text(1000), [names.reference]: text(100) })
    .superRefine((f, ctx) => {
      if (!chosen) return;
      if (chosen.requiresReason && !f[names.reason]?.trim())
        ctx.addIssue({ code: 'custom', path: [names.reason], message: requiredMessage(lang, t(lang, 'case.action.reason', { action: label })) });
      if (chosen.input === 'fee_amount') {
        const fee = f[names.fee] ?? '';
        if (!fee.trim()) ctx.addIssue({ code: 'custom', path: [names.fee], message: requiredMessage(lang, t(lang, 'case.action.fee')) });
        else if (parseRupiah(fee) === null) ctx.addIssue({ code: 'custom', path: [names.fee], message: t(lang, 'case.action.fee.invalid') });
      }
      if (chosen.input === 'payment_reference' && !f[names.reference]?.trim())
        ctx.addIssue({ code: 'custom', path: [names.reference], message: requiredMessage(lang, t(lang, 'case.action.reference')) });
    })
    .transform((f) => ({
      reason: f[names.reason]?.trim() || undefined,
      feeAmount: chosen?.input === 'fee_amount' ? (parseRupiah(f[names.fee] ?? '') ?? undefined) : undefined,
      // Required by the service when the amount differs from what the rules give (it knows what they give).
      feeReason: chosen?.input === 'fee_amount' ? f[names.feeReason]?.trim() || undefined : undefined,
      paymentReference: f[names.reference]?.trim() || undefined,
    }));
}

export const inspectionForm = (lang: Lang) =>
  z.object({
    [INSPECTION_RESULT]: z.enum(['pass', 'fail'], { error: t(lang, 'case.inspection.choose') }),
    [INSPECTION_FINDINGS]: text(4000).refine((s) => s.trim() !== '', requiredMessage(lang, t(lang, 'case.inspection.findings'))),
  });

export const noteForm = (lang: Lang) =>
  z.object({
    'note-kind': text(20).transform((k) => (k === 'to_applicant' ? ('to_applicant' as const) : ('internal' as const))),
    'note-body': text(4001)
      .refine((s) => s.trim() !== '', requiredMessage(lang, t(lang, 'case.note.body')))
      .refine((s) => s.length <= 4000, t(lang, 'case.note.too_long')),
  });

export const assignForm = () => z.object({ assignee: text(40).transform((a) => a || null) });

/** The date and officer are checked by the service, whose messages name the field. */
export const planForm = () => z.object({ 'plan-date': text(10), 'plan-officer': text(40) });

/** Revoking needs a reason of a few words, which the holder and the public verification page will read. */
export function revokeForm(lang: Lang, permitId: string) {
  const reason = permitField(permitId, 'revoke-reason');
  return z
    .object({
      [reason]: text(1000).refine((r) => r.trim().length >= 5, t(lang, 'case.permit.reason.short', { label: t(lang, 'case.permit.revoke.reason') })),
    })
    .transform((f) => ({ reason: f[reason] ?? '' }));
}

/** A correction: the holder's name as it should read, and why. */
export function reissueForm(lang: Lang, permitId: string) {
  const names = { reason: permitField(permitId, 'reissue-reason'), holder: permitField(permitId, 'reissue-holder') };
  return z
    .object({
      [names.holder]: text(300)
        .refine((h) => h.trim() !== '', requiredMessage(lang, t(lang, 'case.permit.reissue.holder')))
        .refine((h) => h.trim().length <= 200, t(lang, 'case.permit.reissue.holder.too_long')),
      [names.reason]: text(1000).refine((r) => r.trim().length >= 5, t(lang, 'case.permit.reason.short', { label: t(lang, 'case.permit.reissue.reason') })),
    })
    .transform((f) => ({ holder: (f[names.holder] ?? '').trim(), reason: f[names.reason] ?? '' }));
}
