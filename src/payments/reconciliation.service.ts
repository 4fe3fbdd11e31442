import { randomUUID } from 'node:crypto';
import { requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { ApplicationService } from '../applications/applications.service.js';
import { findApplication } from '../applications/applications.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Db } from '../db/database.js';
import type { PaymentHoldReason, PaymentProvider, ReconciliationDay, ReconciliationLine, ReconciliationLineKind } from '../db/schema.js';
import { violatedConstraint } from '../db/unique-violation.js';
import { AppError } from '../shared/errors.js';
import { addDays, type Clock, isoNow, localDate, todayIn } from '../shared/time.js';
import { findTenantById } from '../tenants/tenants.repository.js';
import { isExpired } from './bills.js';
import { resolvePayment } from './payments.repository.js';
import {
  closeReconciliationDay,
  findPaymentWithBill,
  findReconciliationDay,
  insertReconciliationDay,
  insertReconciliationLines,
  listPaymentsPaidBetween,
  listPaymentsWithBills,
  listPaymentsWithBillsByIds,
  listReconciliationDays,
  listReconciliationLines,
  type PaymentWithBill,
  replaceOpenDay,
  resolveReconciliationLine,
} from './reconciliation.repository.js';
import { parseStatement, reconcile, type StatementSource } from './statement.js';

/** A payment as the treasurer's money desk shows it: with its bill and its file. */
export type DeskPaymentView = {
  id: string;
  provider: PaymentProvider;
  providerPaymentId: string;
  amount: number;
  paidAt: string;
  receivedAt: string;
  state: 'recorded' | 'held' | 'resolved';
  holdReason: PaymentHoldReason | null;
  bankReference: string | null;
  payerName: string | null;
  bill: { id: string; number: string; state: 'open' | 'paid' | 'voided'; amount: number; expiresAt: string; customerNo: string } | null;
  application: { id: string; number: string | null } | null;
  resolution: { at: string; by: string | null; note: string } | null;
};

/** One held payment, and whether accepting it would pay its file (an expired bill still open, the same amount, the file waiting for payment). */
export type HeldPaymentView = DeskPaymentView & { acceptable: boolean };

export type ReconciliationLineView = {
  id: string;
  position: number;
  kind: ReconciliationLineKind;
  matchedBy: 'reference' | 'va_amount' | null;
  statement: { line: number; reference: string | null; account: string | null; amount: number; at: string | null } | null;
  payment: DeskPaymentView | null;
  /** Every line but a matched one waits for the treasurer's note. */
  needsResolution: boolean;
  resolution: { at: string; by: string | null; note: string } | null;
};

export type ReconciliationDaySummary = {
  day: string;
  state: 'open' | 'closed';
  source: StatementSource;
  fileName: string | null;
  importedAt: string;
  statementLines: number;
  statementTotal: number;
  lines: number;
  unresolved: number;
  closedAt: string | null;
};

export type ReconciliationDayView = Omit<ReconciliationDaySummary, 'lines' | 'unresolved'> & {
  closeNote: string | null;
  counts: Record<ReconciliationLineKind, number> & { unresolved: number };
  lines: ReconciliationLineView[];
};

export type ReconciliationDeps = { db: Db; clock: Clock; catalogue: CatalogueService; applications: Pick<ApplicationService, 'performAction'> };

const note = (text: string, field = 'note'): string => {
  const t = text.trim();
  if (t.length < 3 || t.length > 1000) {
    throw new AppError('invalid_input', 'a note of 3 to 1000 characters is needed', {
      fields: [{ field, code: t.length < 3 ? 'required' : 'too_long', message: 'write a note of 3 to 1000 characters', params: { max: 1000 } }],
    });
  }
  return t;
};

function deskPayment(p: PaymentWithBill): DeskPaymentView {
  return {
    id: p.id,
    provider: p.provider,
    providerPaymentId: p.provider_payment_id,
    amount: p.amount,
    paidAt: p.paid_at,
    receivedAt: p.received_at,
    state: p.state,
    holdReason: p.hold_reason,
    bankReference: p.bank_reference,
    payerName: p.payer_name,
    bill:
      p.bill_id && p.bill_number && p.bill_state && p.bill_expires_at && p.bill_customer_no
        ? {
            id: p.bill_id,
            number: p.bill_number,
            state: p.bill_state,
            amount: p.bill_amount ?? 0,
            expiresAt: p.bill_expires_at,
            customerNo: p.bill_customer_no,
          }
        : null,
    application: p.application_id ? { id: p.application_id, number: p.application_number } : null,
    resolution: p.resolved_at && p.resolution_note !== null ? { at: p.resolved_at, by: p.resolved_by, note: p.resolution_note } : null,
  };
}

/**
 * The treasurer's money desk (`payments.manage`), issue 12 items 5, 6 and 8: the payments held for review
 * (accepted to pay their file, or closed with a note) and the reconciliation of each day's bank statement
 * with the payments Izol recorded that day. Only the actor's own office is ever read or written.
 */
export function createReconciliationService(deps: ReconciliationDeps) {
  const { db, clock } = deps;
  const office = (actor: Actor) => {
    requireAccess({ actor, permission: 'payments.manage', resource: { tenantId: actor.tenantId } });
    return actor.tenantId;
  };
  const timeZone = async (tenantId: string) => (await findTenantById(db, tenantId))?.time_zone ?? 'Asia/Jakarta';

  /** The workflow's payment action from the file's current state, when the file waits for a payment. */
  async function paymentAction(tenantId: string, applicationId: string | null) {
    if (!applicationId) return null;
    const app = await findApplication(db, tenantId, applicationId);
    if (!app) return null;
    const { workflow } = await deps.catalogue.getVersion(app.permit_type_version_id);
    const action = workflow.actions.find((a) => a.input === 'payment_reference' && a.from.includes(app.state));
    return action ? { app, action } : null;
  }

  async function acceptability(tenantId: string, p: PaymentWithBill, now: string) {
    if (p.state !== 'held' || p.hold_reason !== 'bill_expired' || !p.bill_id || p.bill_state !== 'open' || p.bill_amount !== p.amount) return null;
    if (!p.bill_expires_at || !isExpired({ expires_at: p.bill_expires_at }, now)) return null;
    return paymentAction(tenantId, p.application_id);
  }

  async function loadPayment(tenantId: string, id: string): Promise<PaymentWithBill> {
    const p = await findPaymentWithBill(db, tenantId, id);
    if (!p || (p.state === 'recorded' && p.hold_reason === null)) throw new AppError('not_found', 'no such payment at this office');
    return p;
  }

  /** Payments waiting for the treasurer (oldest first), and the latest she resolved. */
  async function listHeldPayments(input: { actor: Actor }): Promise<{ held: DeskPaymentView[]; resolved: DeskPaymentView[] }> {
    const tenantId = office(input.actor);
    const [held, resolved] = await Promise.all([listPaymentsWithBills(db, tenantId, 'held'), listPaymentsWithBills(db, tenantId, 'resolved', 50)]);
    return { held: held.map(deskPayment), resolved: resolved.map(deskPayment) };
  }

  /** One held (or once held) payment, and whether accepting it would pay its file. */
  async function getHeldPayment(input: { actor: Actor; id: string }): Promise<HeldPaymentView> {
    const tenantId = office(input.actor);
    const p = await loadPayment(tenantId, input.id);
    return { ...deskPayment(p), acceptable: (await acceptability(tenantId, p, isoNow(clock))) !== null };
  }

  /**
   * Accepts a payment held for an expired bill: the bill still open, the amount the bill's, the file
   * waiting for payment. The workflow's payment action is taken with the treasurer as the actor, and in
   * its one transaction the held row becomes the recorded payment (src/payments/payments.effects.ts), the
   * bill is paid, the receipt and the applicant's message follow, and the acceptance is audited. Anything
   * else: 409 payment_not_acceptable (close it with a note instead).
   */
  async function acceptHeldPayment(input: { actor: Actor; id: string; note: string }): Promise<HeldPaymentView> {
    const tenantId = office(input.actor);
    const text = note(input.note);
    const p = await loadPayment(tenantId, input.id);
    if (p.state !== 'held') throw new AppError('invalid_state', 'the payment is not held any more');
    const target = await acceptability(tenantId, p, isoNow(clock));
    if (!target || !p.bill_id)
      throw new AppError('payment_not_acceptable', 'only a payment for an expired, still open bill of the same amount, for a file waiting for payment');
    await deps.applications.performAction({
      actor: input.actor,
      applicationId: target.app.id,
      action: target.action.code,
      payment: {
        provider: p.provider,
        providerPaymentId: p.provider_payment_id,
        billId: p.bill_id,
        amount: p.amount,
        paidAt: p.paid_at,
        bankReference: p.bank_reference,
        payerName: p.payer_name,
        details: JSON.parse(p.details) as Record<string, unknown>,
        heldPaymentId: p.id,
        resolutionNote: text,
      },
    });
    return getHeldPayment({ actor: input.actor, id: p.id });
  }

  /** Closes a held payment with the treasurer's note (a refund to make, a duplicate payment …): held → resolved, nothing else changes. */
  async function closeHeldPayment(input: { actor: Actor; id: string; note: string }): Promise<HeldPaymentView> {
    const tenantId = office(input.actor);
    const text = note(input.note);
    const p = await loadPayment(tenantId, input.id);
    if (p.state !== 'held') throw new AppError('invalid_state', 'the payment is not held any more');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await resolvePayment(trx, p.id, { at: now, by: input.actor.userId, note: text }))) throw new AppError('conflict', 'resolved meanwhile');
      await appendAudit(trx, {
        tenantId,
        actorId: input.actor.userId,
        action: 'payment.closed',
        subjectType: 'payment',
        subjectId: p.id,
        data: { note: text, reason: p.hold_reason, amount: p.amount, bill: p.bill_number },
        occurredAt: now,
      });
    });
    return getHeldPayment({ actor: input.actor, id: p.id });
  }

  // ── Reconciliation ──

  async function dayView(tenantId: string, day: ReconciliationDay): Promise<ReconciliationDayView> {
    const lines = await listReconciliationLines(db, day.id);
    const payments = new Map(
      (
        await listPaymentsWithBillsByIds(
          db,
          tenantId,
          lines.flatMap((l) => (l.payment_id ? [l.payment_id] : [])),
        )
      ).map((p) => [p.id, deskPayment(p)]),
    );
    const views = lines.map((l: ReconciliationLine): ReconciliationLineView => ({
      id: l.id,
      position: l.position,
      kind: l.kind,
      matchedBy: l.matched_by,
      statement:
        l.statement_line !== null && l.statement_amount !== null
          ? { line: l.statement_line, reference: l.statement_reference, account: l.statement_account, amount: l.statement_amount, at: l.statement_at }
          : null,
      payment: l.payment_id ? (payments.get(l.payment_id) ?? null) : null,
      needsResolution: l.kind !== 'matched' && l.resolved_at === null,
      resolution: l.resolved_at && l.resolution_note !== null ? { at: l.resolved_at, by: l.resolved_by, note: l.resolution_note } : null,
    }));
    const count = (k: ReconciliationLineKind) => views.filter((v) => v.kind === k).length;
    return {
      day: day.day,
      state: day.state,
      source: day.source,
      fileName: day.file_name,
      importedAt: day.imported_at,
      statementLines: day.statement_lines,
      statementTotal: day.statement_total,
      closedAt: day.closed_at,
      closeNote: day.close_note,
      counts: {
        matched: count('matched'),
        missing: count('missing'),
        unexpected: count('unexpected'),
        amount_mismatch: count('amount_mismatch'),
        unresolved: views.filter((v) => v.needsResolution).length,
      },
      lines: views,
    };
  }

  async function loadDay(tenantId: string, day: string): Promise<ReconciliationDay> {
    const d = await findReconciliationDay(db, tenantId, day);
    if (!d) throw new AppError('not_found', 'no statement imported for that day');
    return d;
  }

  /**
   * Imports one day's bank statement (CSV or the SNAP VA report) and reconciles it with every payment
   * Izol has of that office-local day (by VA, QRIS or at the bank counter; recorded, held or resolved:
   * the bank took the money either way). A file that cannot be read is refused whole (422
   * statement_invalid, its line and why) and nothing is written; a closed day is not imported again (409);
   * an open day's earlier import is replaced, keeping the notes of the lines that come out the same.
   */
  async function importStatement(input: {
    actor: Actor;
    source: StatementSource;
    content: string;
    day?: string | undefined;
    fileName?: string | undefined;
  }): Promise<ReconciliationDayView> {
    const tenantId = office(input.actor);
    const tz = await timeZone(tenantId);
    const parsed = parseStatement(input.source, input.content, { timeZone: tz, day: input.day });
    if (!parsed.ok) throw new AppError('statement_invalid', `line ${parsed.problem.line}: ${parsed.problem.en}`, { params: { ...parsed.problem } });
    const { day, entries } = parsed;
    if (day > todayIn(clock, tz)) {
      throw new AppError('statement_invalid', 'the statement is of a day still to come', {
        params: { line: entries[0]?.line ?? 1, id: `tanggal ${day} belum tiba`, en: `the day ${day} has not come yet` },
      });
    }
    const existing = await findReconciliationDay(db, tenantId, day);
    if (existing?.state === 'closed') throw new AppError('reconciliation_day_closed', 'the day is closed', { params: { day } });
    const around = await listPaymentsPaidBetween(db, tenantId, `${addDays(day, -1)}T00:00:00.000Z`, `${addDays(day, 2)}T00:00:00.000Z`);
    const ofDay = around.filter((p) => localDate(p.paid_at, tz) === day);
    const matched = reconcile(
      entries,
      ofDay.map((p) => ({
        id: p.id,
        providerPaymentId: p.provider_payment_id,
        bankReference: p.bank_reference,
        amount: p.amount,
        customerNo: p.bill_customer_no,
        vaNumber: p.bill_va_number,
      })),
    );
    // A re-import keeps the notes of the lines that come out the same (result, payment, reference, amount).
    const keyOf = (kind: string, paymentId: string | null, reference: string | null, amount: number | null) =>
      JSON.stringify([kind, paymentId, reference, amount]);
    const kept = new Map<string, ReconciliationLine>();
    for (const l of existing ? await listReconciliationLines(db, existing.id) : []) {
      const key = keyOf(l.kind, l.payment_id, l.statement_reference, l.statement_amount);
      if (l.resolved_at !== null && !kept.has(key)) kept.set(key, l);
    }
    let keptNotes = 0;
    const now = isoNow(clock);
    const total = entries.reduce((s, e) => s + e.amount, 0);
    const dayId = existing?.id ?? randomUUID();
    try {
      await db.transaction().execute(async (trx) => {
        const header = { source: input.source, fileName: input.fileName ?? null, lines: entries.length, total, at: now, by: input.actor.userId };
        if (existing) {
          if (!(await replaceOpenDay(trx, { id: dayId, ...header }))) throw new AppError('reconciliation_day_closed', 'closed meanwhile', { params: { day } });
        } else {
          await insertReconciliationDay(trx, {
            id: dayId,
            tenant_id: tenantId,
            day,
            source: input.source,
            file_name: header.fileName,
            statement_lines: entries.length,
            statement_total: total,
            state: 'open',
            imported_at: now,
            imported_by: input.actor.userId,
            closed_at: null,
            closed_by: null,
            close_note: null,
          });
        }
        await insertReconciliationLines(
          trx,
          matched.map((m, i) => {
            const entry = 'entry' in m ? m.entry : null;
            const payment = 'payment' in m ? m.payment : null;
            const reference = entry && entry.references.length ? entry.references.join(' / ') : null;
            const key = keyOf(m.kind, payment?.id ?? null, reference, entry?.amount ?? null);
            const before = m.kind === 'matched' ? undefined : kept.get(key);
            if (before) {
              kept.delete(key);
              keptNotes++;
            }
            return {
              id: randomUUID(),
              tenant_id: tenantId,
              day_id: dayId,
              position: i + 1,
              kind: m.kind,
              matched_by: 'matchedBy' in m ? m.matchedBy : null,
              payment_id: payment?.id ?? null,
              statement_line: entry?.line ?? null,
              statement_reference: reference,
              statement_account: entry?.account ?? null,
              statement_amount: entry?.amount ?? null,
              statement_at: entry?.at ?? null,
              izol_amount: payment?.amount ?? null,
              resolved_at: before?.resolved_at ?? null,
              resolved_by: before?.resolved_by ?? null,
              resolution_note: before?.resolution_note ?? null,
            };
          }),
        );
        const counts = Object.fromEntries(['matched', 'missing', 'unexpected', 'amount_mismatch'].map((k) => [k, matched.filter((m) => m.kind === k).length]));
        await appendAudit(trx, {
          tenantId,
          actorId: input.actor.userId,
          action: existing ? 'reconciliation.reimported' : 'reconciliation.imported',
          subjectType: 'reconciliation_day',
          subjectId: dayId,
          data: {
            day,
            source: input.source,
            fileName: input.fileName ?? null,
            statementLines: entries.length,
            statementTotal: total,
            ...counts,
            ...(existing ? { notesKept: keptNotes } : {}),
          },
          occurredAt: now,
        });
      });
    } catch (err) {
      // Two imports of a new day at once: one wins on the unique (office, day); the other is told to reload.
      if (violatedConstraint(err) !== null) throw new AppError('conflict', 'the day was imported meanwhile');
      throw err;
    }
    return dayView(tenantId, (await findReconciliationDay(db, tenantId, day))!);
  }

  /** The office's statement days, latest first. */
  async function listDays(input: { actor: Actor }): Promise<ReconciliationDaySummary[]> {
    const tenantId = office(input.actor);
    return (await listReconciliationDays(db, tenantId)).map((d) => ({
      day: d.day,
      state: d.state,
      source: d.source,
      fileName: d.file_name,
      importedAt: d.imported_at,
      statementLines: d.statement_lines,
      statementTotal: d.statement_total,
      lines: d.lines,
      unresolved: d.unresolved,
      closedAt: d.closed_at,
    }));
  }

  async function getDay(input: { actor: Actor; day: string }): Promise<ReconciliationDayView> {
    const tenantId = office(input.actor);
    return dayView(tenantId, await loadDay(tenantId, input.day));
  }

  /** Resolves one line that did not match, with the treasurer's note (audited). */
  async function resolveLine(input: { actor: Actor; day: string; lineId: string; note: string }): Promise<ReconciliationDayView> {
    const tenantId = office(input.actor);
    const text = note(input.note);
    const day = await loadDay(tenantId, input.day);
    if (day.state === 'closed') throw new AppError('reconciliation_day_closed', 'the day is closed', { params: { day: day.day } });
    const line = (await listReconciliationLines(db, day.id)).find((l) => l.id === input.lineId);
    if (!line) throw new AppError('not_found', 'no such line on that day');
    if (line.kind === 'matched' || line.resolved_at !== null) throw new AppError('invalid_state', 'the line needs no resolution');
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await resolveReconciliationLine(trx, { dayId: day.id, lineId: line.id, by: input.actor.userId, at: now, note: text }))) {
        throw new AppError('conflict', 'the line or the day changed meanwhile');
      }
      await appendAudit(trx, {
        tenantId,
        actorId: input.actor.userId,
        action: 'reconciliation.line_resolved',
        subjectType: 'reconciliation_day',
        subjectId: day.id,
        data: { day: day.day, line: line.position, kind: line.kind, paymentId: line.payment_id, statementLine: line.statement_line, note: text },
        occurredAt: now,
      });
    });
    return dayView(tenantId, day);
  }

  /** Closes the day once every line that did not match is resolved (409 reconciliation_unresolved until then). */
  async function closeDay(input: { actor: Actor; day: string; note?: string | undefined }): Promise<ReconciliationDayView> {
    const tenantId = office(input.actor);
    const text = input.note?.trim() ? note(input.note) : null;
    const day = await loadDay(tenantId, input.day);
    if (day.state === 'closed') throw new AppError('reconciliation_day_closed', 'the day is closed already', { params: { day: day.day } });
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      if (!(await closeReconciliationDay(trx, { dayId: day.id, by: input.actor.userId, at: now, note: text }))) {
        const unresolved = (await listReconciliationLines(trx, day.id)).filter((l) => l.kind !== 'matched' && l.resolved_at === null).length;
        if (unresolved === 0) throw new AppError('reconciliation_day_closed', 'closed meanwhile', { params: { day: day.day } });
        throw new AppError('reconciliation_unresolved', 'lines are not resolved yet', { params: { day: day.day, count: unresolved } });
      }
      await appendAudit(trx, {
        tenantId,
        actorId: input.actor.userId,
        action: 'reconciliation.closed',
        subjectType: 'reconciliation_day',
        subjectId: day.id,
        data: { day: day.day, note: text },
        occurredAt: now,
      });
    });
    return dayView(tenantId, (await findReconciliationDay(db, tenantId, day.day))!);
  }

  return { listHeldPayments, getHeldPayment, acceptHeldPayment, closeHeldPayment, importStatement, listDays, getDay, resolveLine, closeDay };
}
export type ReconciliationService = ReturnType<typeof createReconciliationService>;
