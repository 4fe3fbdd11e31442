import { z } from 'zod';
import { isCalendarDate } from '../shared/time.js';

/** What a statement file is: a CSV as the bank exports it, or the SNAP VA report's JSON body (service 35). */
export const STATEMENT_SOURCES = ['csv', 'snap_va_report'] as const;
const LINE_KINDS = ['matched', 'missing', 'unexpected', 'amount_mismatch'] as const;
const HOLD_REASONS = ['amount_mismatch', 'bill_voided', 'bill_expired', 'bill_paid', 'unknown_bill'] as const;

const calendarDay = z.string().refine(isCalendarDate, { message: 'a real day written YYYY-MM-DD, like 2026-12-01' });
const noteText = z.string().trim().min(3, { message: 'write a note of at least 3 characters' }).max(1000);

// ── Requests ──────────────────────────────────────────────────────────────────────────────────────
export const heldPaymentParams = z.strictObject({ id: z.uuid({ message: 'must be a payment id like 0f8fad5b-d9cb-469f-a165-70867728950e' }) });
export const noteBody = z.strictObject({ note: noteText });

export const dayParams = z.strictObject({ day: calendarDay });
export const lineParams = z.strictObject({ day: calendarDay, lineId: z.uuid({ message: 'must be a line id like 0f8fad5b-d9cb-469f-a165-70867728950e' }) });

export const importStatementBody = z.strictObject({
  format: z.enum(STATEMENT_SOURCES).describe('csv: the bank’s daily statement as CSV; snap_va_report: the JSON body of /v1.0/transfer-va/report'),
  content: z.string().min(1).max(900_000).describe('The file’s text (UTF-8). docs/payments.md § Reconciliation lists the columns and fields read'),
  day: calendarDay.optional().describe('The statement’s office-local day; by default the day of its first line (required for a statement with no payments)'),
  fileName: z.string().trim().min(1).max(200).optional(),
});
export const closeDayBody = z.strictObject({ note: noteText.optional() });

// ── Responses ─────────────────────────────────────────────────────────────────────────────────────
const resolution = z.object({ at: z.string(), by: z.uuid().nullable(), note: z.string() }).nullable();

export const deskPaymentSchema = z
  .object({
    id: z.uuid(),
    provider: z.enum(['snap_va', 'qris', 'bank_counter']),
    providerPaymentId: z.string(),
    amount: z.number().int().describe('Whole rupiah'),
    paidAt: z.string(),
    receivedAt: z.string(),
    state: z.enum(['recorded', 'held', 'resolved']),
    holdReason: z.enum(HOLD_REASONS).nullable(),
    bankReference: z.string().nullable(),
    payerName: z.string().nullable(),
    bill: z
      .object({
        id: z.uuid(),
        number: z.string(),
        state: z.enum(['open', 'paid', 'voided']),
        amount: z.number().int(),
        expiresAt: z.string(),
        customerNo: z.string(),
      })
      .nullable(),
    application: z.object({ id: z.uuid(), number: z.string().nullable() }).nullable(),
    resolution,
  })
  .meta({ id: 'DeskPayment' });

export const heldPaymentSchema = deskPaymentSchema
  .extend({ acceptable: z.boolean().describe('Accepting it would pay its file: an expired bill still open, of the same amount, the file waiting for payment') })
  .meta({ id: 'HeldPayment' });

export const heldPaymentListSchema = z
  .object({
    held: z.array(deskPaymentSchema).describe('Waiting for the treasurer, oldest first'),
    resolved: z.array(deskPaymentSchema).describe('The latest 50 the treasurer decided: closed (state resolved) or accepted (state recorded)'),
  })
  .meta({ id: 'HeldPaymentList' });

const daySummary = {
  day: z.string(),
  state: z.enum(['open', 'closed']),
  source: z.enum(STATEMENT_SOURCES),
  fileName: z.string().nullable(),
  importedAt: z.string(),
  statementLines: z.number().int(),
  statementTotal: z.number().int().describe('Whole rupiah'),
  closedAt: z.string().nullable(),
};

export const reconciliationDayListSchema = z
  .object({ days: z.array(z.object({ ...daySummary, lines: z.number().int(), unresolved: z.number().int() })) })
  .meta({ id: 'ReconciliationDayList' });

export const reconciliationDaySchema = z
  .object({
    ...daySummary,
    closeNote: z.string().nullable(),
    counts: z.object({
      matched: z.number().int(),
      missing: z.number().int(),
      unexpected: z.number().int(),
      amount_mismatch: z.number().int(),
      unresolved: z.number().int(),
    }),
    lines: z.array(
      z.object({
        id: z.uuid(),
        position: z.number().int(),
        kind: z.enum(LINE_KINDS),
        matchedBy: z.enum(['reference', 'va_amount']).nullable(),
        statement: z
          .object({
            line: z.number().int(),
            reference: z.string().nullable(),
            account: z.string().nullable(),
            amount: z.number().int(),
            at: z.string().nullable(),
          })
          .nullable(),
        payment: deskPaymentSchema.nullable(),
        needsResolution: z.boolean(),
        resolution,
      }),
    ),
  })
  .meta({ id: 'ReconciliationDay' });
